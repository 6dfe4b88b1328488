// What every operation needs: the dockerode handle, the address for messages, and the exec registry.
import type Dockerode from 'dockerode';
import { toDockerError } from './errors.js';

export interface ExecRecord {
  containerId: string;
  /** Marker placed in the exec's environment; lets kill-exec find the process tree inside the container. */
  token: string;
  user: string | undefined;
}

export interface DockerContext {
  docker: Dockerode;
  address: string;
  /** Execs started by this client and not finished yet, by exec id. */
  execs: Map<string, ExecRecord>;
}

/** Run a dockerode call, mapping its failures to our errors. */
export async function call<T>(ctx: DockerContext, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDockerError(err, ctx.address, what);
  }
}
