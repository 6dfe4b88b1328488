// SIGTERM/SIGINT: stop without leaving a container down. Docker stops a container with SIGTERM and SIGKILLs it 10 s
// later (`stop_grace_period` / `docker stop -t`), so the order is:
//   1. no new jobs, no new cold holds;
//   2. jobs that hold a stopped container get `holdGraceMs` (default 5 s) to finish; past it they are aborted
//      (BAQUP_JOB_ABORTED, their partial files removed) and their containers started, before anything else is
//      awaited;
//   3. the other jobs get the rest of `graceMs` (default 60 s; only useful with a longer stop_grace_period);
//   4. teardown (processes killed, every container still held started, API closed).
// A second signal skips the waiting: held containers are started, then the process exits (code 1).
import type { Logger } from '@baqup/core';
import type { ContainerHolds } from '@baqup/dump';

export const DEFAULT_HOLD_GRACE_MS = 5_000;
export const DEFAULT_GRACE_MS = 60_000;

export interface ShutdownDeps {
  logger: Logger;
  holds: ContainerHolds;
  /** Stops intake; resolves when the last running job has ended. Undefined when no jobs run (dry run). */
  drain?: (() => Promise<void>) | undefined;
  graceMs: number;
  holdGraceMs: number;
  /** Everything after the waiting: unsubscribe, kill processes, start what is still held, close the API. */
  teardown: () => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref());

/** True while a job has a container stopped (start-failed ones wait for the engine, not for a job). */
const holding = (holds: ContainerHolds) => holds.held().some((h) => h.status !== 'start-failed');

/** The shutdown sequence; the returned function runs it once (later calls get the same promise). */
export function shutdownSequence(d: ShutdownDeps): (signal?: string) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (signal) =>
    (stopping ??= (async () => {
      const t0 = Date.now();
      const holdBudget = Math.min(d.holdGraceMs, d.graceMs);
      d.logger.info('controller stopping: no new jobs; waiting for running ones', {
        event: 'controller.stopping',
        ...(signal ? { signal } : {}),
        grace_ms: d.graceMs,
        hold_grace_ms: holdBudget,
        held: d.holds.held().length,
      });
      d.holds.close('the controller is stopping');
      let drained = false;
      const draining = (d.drain?.() ?? Promise.resolve()).then(() => void (drained = true));
      if (holding(d.holds)) {
        while (!drained && holding(d.holds) && Date.now() - t0 < holdBudget) await sleep(Math.min(50, holdBudget - (Date.now() - t0)));
        if (holding(d.holds)) {
          d.logger.warn('grace period over for jobs holding a stopped container: aborting them and starting their containers', {
            event: 'controller.stopping',
            hold_grace_ms: holdBudget,
            containers: d.holds.held().map((h) => h.containerName),
          });
          // Aborts those jobs first (their archive reads must end before Docker starts the container), then starts.
          await d.holds.releaseAll('the controller is stopping and the job held a stopped container past its budget');
        }
      }
      if (!drained) {
        const finished = await Promise.race([draining.then(() => true), sleep(d.graceMs - (Date.now() - t0)).then(() => false)]);
        if (!finished) d.logger.warn('grace period over: aborting running jobs', { event: 'controller.stopping' });
      }
      await d.teardown();
    })());
}

export interface SignalDeps {
  logger: Logger & { flush?: () => Promise<void> };
  holds: ContainerHolds;
  stop: (signal?: string) => Promise<void>;
  /** For tests; default process.exit. */
  exit?: (code: number) => void;
  /** Longest wait for the emergency starts of the second signal (default 8 s). */
  emergencyMs?: number;
}

/**
 * First SIGTERM/SIGINT: the graceful sequence, then exit 0. A second one: start every held container (bounded
 * wait), then exit 1, whatever the first one is still waiting for.
 */
export function installSignalHandlers(d: SignalDeps): () => void {
  const exit = d.exit ?? ((code: number) => process.exit(code));
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      // After a second signal the exit code is 1 whichever path ends first.
      void d.stop(signal).then(() => exit(count > 1 ? 1 : 0), () => exit(1));
      return;
    }
    if (count > 2) return;
    d.logger.warn('second signal: starting held containers, then exiting', { event: 'controller.stopping', signal });
    d.holds.close('the controller is stopping');
    void Promise.race([d.holds.releaseAll(), sleep(d.emergencyMs ?? 8_000)])
      .then(() => d.logger.flush?.())
      .finally(() => exit(1));
  };
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
