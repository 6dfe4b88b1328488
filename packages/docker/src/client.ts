// The Docker client every other package uses. One instance per engine; methods take a per-call AbortSignal
// and there is no global timeout (a dump or a stop grace period may legitimately take long).
import type { Readable } from 'node:stream';
import Dockerode from 'dockerode';
import type { Observable } from 'rxjs';
import { getArchive, putArchive, statPath, type PathStat } from './archive.js';
import { resolveConnection, type Connection } from './connection.js';
import { call, type DockerContext } from './context.js';
import { toContainerSummary, type ContainerInfo, type ContainerSummary } from './containers.js';
import { eventStream, type DockerEvent, type EventsConnect, type EventsOptions } from './events.js';
import { execStream, execToCompletion, type ExecResult, type ExecStreamOptions } from './exec-stream.js';
import { startExec, type ExecHandle, type ExecOptions } from './exec.js';
import { killExec } from './kill-exec.js';
import { DockerNotFoundError } from './errors.js';
import { createCopy, createStandIn, createThrowaway, removeContainer, type CopySpec, type StandInSpec, type ThrowawaySpec } from './throwaway.js';
import { inspect, start, stop, wait } from './lifecycle.js';
import { scaleService, serviceLabels, serviceReplicas, swarmNode, withServiceLabels, type SwarmNode } from './swarm.js';

export interface ListOptions {
  /** Include stopped containers; default false (running only). */
  all?: boolean;
  /** Label filters as the engine takes them: `key` (present) or `key=value`. Default none. */
  labels?: string[];
  signal?: AbortSignal;
}

export class DockerClient {
  /** Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host:22`. */
  readonly address: string;
  readonly #ctx: DockerContext;

  constructor(connection: Connection = resolveConnection()) {
    this.address = connection.address;
    this.#ctx = { docker: new Dockerode(connection.options), address: connection.address, execs: new Map() };
  }

  /** Resolves when the engine answers; rejects with DockerUnreachableError naming the address when it does not. */
  async ping(signal?: AbortSignal): Promise<void> {
    // dockerode 4 takes options on ping (abortSignal); @types/dockerode only declares the callback form.
    const ping = this.#ctx.docker.ping.bind(this.#ctx.docker) as unknown as (o: { abortSignal?: AbortSignal }) => Promise<unknown>;
    await call(this.#ctx, 'ping', () => ping(signal ? { abortSignal: signal } : {}));
  }

  /** Container events; reconnects forever with backoff, emitting `resync` on every (re)connect. */
  events(options: EventsOptions = {}): Observable<DockerEvent> {
    return eventStream(this.eventsConnect(), this.address, options);
  }

  /** The raw events connector (exposed so tests can wrap it, e.g. to cut the stream). */
  eventsConnect(): EventsConnect {
    return (filters, since, signal) =>
      call(this.#ctx, 'events', () =>
        this.#ctx.docker.getEvents({ filters, ...(since ? { since } : {}), abortSignal: signal } as Dockerode.GetEventsOptions),
      ) as Promise<Readable>;
  }

  async list(options: ListOptions = {}): Promise<ContainerSummary[]> {
    const filters = options.labels?.length ? { label: options.labels } : undefined;
    const raw = await call(this.#ctx, 'container list', () =>
      this.#ctx.docker.listContainers({
        all: options.all ?? false,
        ...(filters ? { filters } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      }),
    );
    return raw.map(toContainerSummary);
  }

  inspect(id: string, signal?: AbortSignal): Promise<ContainerInfo> {
    return inspect(this.#ctx, id, signal);
  }

  exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecHandle> {
    return startExec(this.#ctx, id, cmd, options);
  }

  execStream(id: string, cmd: string[], options: ExecStreamOptions = {}): Readable {
    return execStream(this.#ctx, id, cmd, options);
  }

  execToCompletion(id: string, cmd: string[], options: ExecOptions & { maxBytes?: number } = {}): Promise<ExecResult> {
    return execToCompletion(this.#ctx, id, cmd, options);
  }

  /** A container from another's image and command, with none of its volumes, ports or networks (drills). */
  createThrowaway(spec: ThrowawaySpec): Promise<string> {
    return createThrowaway(this.#ctx, spec);
  }

  /** A new container like another (restore into a new container): see throwaway.ts. Created, not started. */
  createCopy(spec: CopySpec): Promise<string> {
    return createCopy(this.#ctx, spec);
  }

  /** A created, never started container with another's image and named volumes and binds, read-only (cold copies of a scaled-down Swarm task). */
  createStandIn(spec: StandInSpec): Promise<string> {
    return createStandIn(this.#ctx, spec);
  }

  /** Running containers of a Swarm service on this engine (its tasks here). */
  async serviceTasks(serviceId: string, signal?: AbortSignal): Promise<ContainerSummary[]> {
    return this.list({ labels: [`com.docker.swarm.service.id=${serviceId}`], ...(signal ? { signal } : {}) });
  }

  /** Removes a container (forced) with its anonymous volumes; one already gone is fine. */
  removeContainer(id: string): Promise<void> {
    return removeContainer(this.#ctx, id);
  }

  /** Signal the process tree of an exec this client started; resolves to how many processes were signalled. */
  killExec(containerId: string, execId: string, signal: 'TERM' | 'KILL' = 'KILL'): Promise<number> {
    return killExec(this.#ctx, containerId, execId, signal);
  }

  getArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable> {
    return getArchive(this.#ctx, id, path, signal);
  }

  putArchive(id: string, path: string, tar: Readable, signal?: AbortSignal): Promise<void> {
    return putArchive(this.#ctx, id, path, tar, signal);
  }

  statPath(id: string, path: string, signal?: AbortSignal): Promise<PathStat | null> {
    return statPath(this.#ctx, id, path, signal);
  }

  stop(id: string, signal?: AbortSignal): Promise<void> {
    return stop(this.#ctx, id, signal);
  }

  start(id: string, signal?: AbortSignal): Promise<void> {
    return start(this.#ctx, id, signal);
  }

  wait(id: string, signal?: AbortSignal): Promise<number> {
    return wait(this.#ctx, id, signal);
  }

  /** Whether the engine is a Swarm node, and a manager. */
  swarmNode(signal?: AbortSignal): Promise<SwarmNode> {
    return swarmNode(this.#ctx, signal);
  }

  /** A Swarm service's own labels (`deploy.labels`); managers only (a worker's engine answers 503). */
  serviceLabels(serviceId: string, signal?: AbortSignal): Promise<Record<string, string>> {
    return serviceLabels(this.#ctx, serviceId, signal);
  }

  /** A container's labels, with its service's (`deploy.labels`) under them for a Swarm task seen from a manager. */
  withServiceLabels(labels: Record<string, string>, signal?: AbortSignal): Promise<Record<string, string>> {
    return withServiceLabels(this.#ctx, labels, signal);
  }

  /** A replicated service's replica count (undefined: a global service); managers only. */
  serviceReplicas(serviceId: string, signal?: AbortSignal): Promise<number | undefined> {
    return serviceReplicas(this.#ctx, serviceId, signal);
  }

  /** Sets a replicated service's replica count; managers only. */
  scaleService(serviceId: string, replicas: number, signal?: AbortSignal): Promise<void> {
    return scaleService(this.#ctx, serviceId, replicas, signal);
  }

  /** The engine's own host name (`docker info` Name): the machine's, stable across recreating any container. */
  async engineName(): Promise<string> {
    const info = (await call(this.#ctx, 'info', () => this.#ctx.docker.info() as Promise<{ Name?: unknown }>)) ?? {};
    return typeof info.Name === 'string' ? info.Name : '';
  }

  /**
   * Whether the engine lists the container as running. Through the list API, which the engine answers from memory:
   * an inspect of a container whose archive is streaming (a cold copy, or one whose reader just died: a controller
   * SIGKILLed mid-backup) can wait for that stream for minutes, and the journal replay and the start retries must
   * not. A container the engine does not list is DockerNotFoundError, as with inspect.
   */
  async isRunning(id: string, signal?: AbortSignal): Promise<boolean> {
    const raw = await call(this.#ctx, `container ${id}`, () =>
      this.#ctx.docker.listContainers({ all: true, filters: { id: [id] }, ...(signal ? { abortSignal: signal } : {}) }),
    );
    const mine = raw.find((c) => c.Id === id || c.Id.startsWith(id) || c.Names.some((n) => n.replace(/^\//, '') === id));
    if (!mine) throw new DockerNotFoundError(`container ${id}`);
    return mine.State === 'running';
  }
}

/** A client for the engine named by the environment (DOCKER_HOST …) or the local socket. */
export function createDockerClient(env: Record<string, string | undefined> = process.env): DockerClient {
  return new DockerClient(resolveConnection(env));
}
