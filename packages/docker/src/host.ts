// The controller's stable name (config `host`): where its files sit on a shared remote and what tags its restic
// snapshots. Inside a container os.hostname() is the container id, new on every recreate, so it is the last resort.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ResolvedHost {
  host: string;
  /** `config`: the `host` key or $BAQUP_HOSTNAME; `docker`: `docker info` Name; `os`: this process' hostname (unstable in a container). */
  source: 'config' | 'docker' | 'os';
}

export interface ResolveHostOptions {
  /** config `host` (resolveConfig fills it from $BAQUP_HOSTNAME). */
  configured?: string | undefined;
  docker: { engineName(): Promise<string> };
  /** Tries of `docker info` before falling back (default 5, one second apart). */
  attempts?: number;
  delayMs?: number;
}

/** config/env, else the Docker engine's host name, else os.hostname(); the caller warns when `source` is `os`. */
export async function resolveHost(o: ResolveHostOptions): Promise<ResolvedHost> {
  if (o.configured) return { host: o.configured, source: 'config' };
  const attempts = o.attempts ?? 5;
  for (let i = 0; i < attempts; i++) {
    const name = await o.docker.engineName().catch(() => '');
    if (name !== '') return { host: name, source: 'docker' };
    if (i < attempts - 1) await sleep(o.delayMs ?? 1000);
  }
  return { host: hostname(), source: 'os' };
}

/**
 * Resolves the host once, warns when it fell back to os.hostname() (unstable in a container), and writes it into
 * `config.host`, which the upload backend and the restore sources then require. The controller and the CLI share it
 * so both look in the same remote directory.
 */
export async function applyHost(
  config: { host?: string | undefined },
  o: Omit<ResolveHostOptions, 'configured'> & { logger: { warn(message: string, fields?: Record<string, unknown>): void } },
): Promise<ResolvedHost> {
  const resolved = await resolveHost({ ...o, configured: config.host });
  if (resolved.source === 'os') {
    o.logger.warn(`host not set and Docker did not answer docker info: using this machine's hostname "${resolved.host}", which in a container changes when it is recreated; set host (or BAQUP_HOSTNAME)`, { host: resolved.host });
  }
  config.host = resolved.host;
  return resolved;
}
