// Starting test containers: network none, labelled with the run, tracked so useCleanup() can remove them.
import type Docker from 'dockerode';
import { docker } from './client.js';
import { waitReady } from './ready.js';
import { LABEL_E2E, LABEL_PID, LABEL_RUN, LABEL_STARTED, runId } from './run.js';

export interface StartOptions {
  image: string;
  /** Used verbatim; default `e2e-<run>-<n>` (unique per run). */
  name?: string;
  labels?: Record<string, string>;
  env?: Record<string, string>;
  cmd?: string[];
  /** `host-path:container-path[:ro]` or `volume-name:container-path`. */
  binds?: string[];
  stopSignal?: string;
  /** Wait for the server to accept queries (default: true for the db images, false otherwise). */
  wait?: boolean;
  /** Extra HostConfig fields (merged last), for what the options above do not cover. */
  hostConfig?: Docker.HostConfig;
}

export interface TestContainer {
  id: string;
  name: string;
  container: Docker.Container;
  /** The harness image kind (`postgres`, …) read from the image label, or undefined for other images. */
  kind: string | undefined;
  /** The env the container was started with. */
  env: Record<string, string>;
}

let seq = 0;
/** Containers started and not yet removed, in the scope (test or file) they were started in. */
const scopes: TestContainer[][] = [[]];

export function pushScope(): void {
  scopes.push([]);
}
export function popScope(): TestContainer[] {
  return scopes.length > 1 ? scopes.pop()! : scopes[0]!.splice(0);
}
/** Every tracked container, all scopes emptied. */
export function drainScopes(): TestContainer[] {
  return scopes.splice(1).flat().concat(scopes[0]!.splice(0));
}

export async function startContainer(opts: StartOptions): Promise<TestContainer> {
  const d = docker();
  const name = opts.name ?? `e2e-${runId}-${++seq}`;
  const env = opts.env ?? {};
  const imageInfo = await d.getImage(opts.image).inspect();
  const kind = imageInfo.Config?.Labels?.['baqup.e2e.kind'];
  const container = await d.createContainer({
    name,
    Image: opts.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...(opts.cmd ? { Cmd: opts.cmd } : {}),
    ...(opts.stopSignal ? { StopSignal: opts.stopSignal } : {}),
    Labels: {
      ...opts.labels,
      [LABEL_E2E]: '1',
      [LABEL_RUN]: runId,
      [LABEL_PID]: String(process.pid),
      [LABEL_STARTED]: String(Date.now()),
    },
    HostConfig: { NetworkMode: 'none', ...(opts.binds ? { Binds: opts.binds } : {}), ...opts.hostConfig },
  });
  const c: TestContainer = { id: container.id, name, container, kind, env };
  scopes[scopes.length - 1]!.push(c);
  await container.start();
  if (opts.wait ?? (kind === 'postgres' || kind === 'mariadb' || kind === 'redis')) await waitReady(c);
  return c;
}

/** Force-removes containers with their anonymous volumes; a container already gone is fine. */
export async function removeContainers(list: readonly { id: string }[]): Promise<void> {
  await Promise.all(
    list.map(async ({ id }) => {
      try {
        await docker().getContainer(id).remove({ force: true, v: true });
      } catch (err) {
        const code = (err as { statusCode?: number }).statusCode;
        if (code !== 404 && code !== 409) throw err; // 409: removal already in progress
      }
    }),
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes leftovers of earlier runs: `baqup.e2e` containers whose starting process is gone or that are older
 * than `maxAgeMs`, plus every container of `ownRun`. Other live runs' containers are left alone.
 */
export async function sweepStale(opts: { ownRun?: string; maxAgeMs?: number } = {}): Promise<number> {
  const maxAge = opts.maxAgeMs ?? 3_600_000;
  const list = await docker().listContainers({ all: true, filters: { label: [LABEL_E2E] } });
  const stale = list.filter((c) => {
    const l = c.Labels;
    if (opts.ownRun && l[LABEL_RUN] === opts.ownRun) return true;
    const started = Number(l[LABEL_STARTED]);
    const pid = Number(l[LABEL_PID]);
    if (Number.isFinite(started) && Date.now() - started > maxAge) return true;
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid);
  });
  await removeContainers(stale.map((c) => ({ id: c.Id })));
  return stale.length;
}

/**
 * Whether Docker lists the container as running. Through the list API, which the engine answers from its in-memory
 * view: an inspect of a container whose archive is streaming waits for the stream (seen: minutes during a cold copy).
 */
export async function isRunning(c: { id: string }): Promise<boolean> {
  return (await docker().listContainers({ all: true, filters: { id: [c.id] } }))[0]?.State === 'running';
}
