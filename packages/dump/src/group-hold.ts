// A backup group held stopped as one unit: members stopped one by one in stop order (dependents first), each
// journaled before its stop by ContainerHolds (the one owner of stops, starts, the journal and its replay), then
// started one by one in start order (dependencies first), each checked — running, and healthy when it has a
// healthcheck — before the next, within a timeout. A member that was not running is held too (so nothing of the
// group runs during the copy) but never started. The cold jobs of the members, run while the group is held, take
// their own holds of an already stopped container: refcounted, so the group's release is the one that starts it.
import { errorCode, errorMessage, GroupStartError, silentLogger, type Logger } from '@baqup/core';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import type { ContainerHolds, Release } from './holds.js';

export interface GroupHoldMember {
  service: string;
  containerId: string;
  containerName: string;
}

export interface GroupHoldDeps {
  docker: DockerClient;
  holds: ContainerHolds;
  logger?: Logger;
}

export interface GroupHoldOptions {
  /** How long each started member may take to be running (and healthy); default 120 s. */
  startTimeoutMs?: number;
  /** Poll interval of that check; default 500 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Told when the holds must start the group before the run is done (shutdown): the run's copies must end. */
  abort?: (reason: Error) => void;
}

export interface MemberStart {
  service: string;
  containerName: string;
  /** `started`: running (and healthy) again; `left-stopped`: it was not running before; `failed`: see error. */
  result: 'started' | 'left-stopped' | 'failed';
  error?: { code: string; message: string };
  /** From the start to running (and healthy). */
  readyMs?: number;
}

export interface HeldGroup {
  /** Services this hold stopped, in stop order. */
  stopped: string[];
  /** Services that were not running: held, never started. */
  leftStopped: string[];
  /** Starts the group in start order; resolves with each member's outcome once all were tried. Never throws. */
  release(): Promise<MemberStart[]>;
}

/**
 * Stops `members` (given in start order) for a group copy. When a stop fails, every member stopped so far is
 * started again, in order, before this throws.
 */
export async function holdGroup(deps: GroupHoldDeps, group: string, members: readonly GroupHoldMember[], options: GroupHoldOptions = {}): Promise<HeldGroup> {
  const logger = deps.logger ?? silentLogger;
  const releases = new Map<string, Release>();
  const wasRunning = new Set<string>();
  const stopped: string[] = [];
  const leftStopped: string[] = [];
  const stopOrder = [...members].reverse();

  let released: Promise<MemberStart[]> | undefined;
  const release = (): Promise<MemberStart[]> => (released ??= startInOrder());
  async function startInOrder(): Promise<MemberStart[]> {
    const out: MemberStart[] = [];
    for (const m of members) {
      const r = releases.get(m.service);
      if (!r) continue;
      if (!wasRunning.has(m.service)) {
        await r().catch(() => {});
        out.push({ service: m.service, containerName: m.containerName, result: 'left-stopped' });
        continue;
      }
      const startedAt = Date.now();
      try {
        await r();
        await waitReady(deps.docker, group, m, options);
        out.push({ service: m.service, containerName: m.containerName, result: 'started', readyMs: Date.now() - startedAt });
        logger.info('group member started', { group, service: m.service, container: m.containerName, duration_ms: Date.now() - startedAt });
      } catch (err) {
        // Not the end of the start: the members after it are started all the same (a start that failed is also
        // retried by the holds until it runs).
        const error = { code: errorCode(err), message: errorMessage(err) };
        out.push({ service: m.service, containerName: m.containerName, result: 'failed', error });
        logger.error('group member did not come back', { group, service: m.service, container: m.containerName, error });
      }
    }
    return out;
  }

  try {
    for (const m of stopOrder) {
      options.signal?.throwIfAborted();
      const running = await deps.docker.isRunning(m.containerId).catch((err: unknown) => (err instanceof DockerNotFoundError ? undefined : Promise.reject(err)));
      if (running === undefined) continue; // removed since it was listed: nothing to hold
      if (running) wasRunning.add(m.service);
      const rank = members.indexOf(m);
      releases.set(m.service, await deps.holds.hold(m.containerId, m.containerName, options.signal, options.abort, { group: { name: group, rank } }));
      (running ? stopped : leftStopped).push(m.service);
      if (running) logger.info('group member stopped', { group, service: m.service, container: m.containerName });
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { stopped, leftStopped, release };
}

/** Resolves once the member is running (and healthy when it has a healthcheck); GroupStartError past the timeout. */
export async function waitReady(docker: DockerClient, group: string, m: GroupHoldMember, options: Pick<GroupHoldOptions, 'startTimeoutMs' | 'pollMs'>): Promise<void> {
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await docker.inspect(m.containerId);
    if (state.running && (state.health === undefined || state.health === 'healthy')) return;
    if (Date.now() >= deadline) {
      const what = state.running ? `running but ${state.health}` : `${state.status}${state.exitCode ? ` (exit code ${state.exitCode})` : ''}`;
      throw new GroupStartError(`group ${group}: ${m.containerName} (${m.service}) is ${what} ${Math.round(timeoutMs / 1000)} s after its start; the rest of the group is started all the same`);
    }
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 500, Math.max(0, deadline - Date.now()))));
  }
}
