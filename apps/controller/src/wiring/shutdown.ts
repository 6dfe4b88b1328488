// Start-up and shutdown around signals: a SIGTERM while starting (journal replay, first listing) is remembered and
// honoured once start-up is done; from then on the signal handlers and the shutdown sequence of ../shutdown.ts
// apply (jobs holding a stopped container first, then the others up to the grace period, then the teardown below:
// no new work, every child process killed, every held container started again, the rest closed in order).
import type { Logger } from '@baqup/core';
import type { ContainerHolds } from '@baqup/dump';
import { killAll } from '@baqup/proc';
import { installSignalHandlers, shutdownSequence } from '../shutdown.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface DeferredSignals {
  /** From now on a signal stops the controller with `stop`; one that came during start-up does so at once. */
  handOver(d: { logger: Logger & { flush?: () => Promise<void> }; holds: ContainerHolds; stop: (signal?: string) => Promise<void> }): void;
}

export function deferSignals(): DeferredSignals {
  let early = false;
  const remember = () => {
    early = true;
  };
  for (const sig of SIGNALS) process.on(sig, remember);
  return {
    handOver: (d) => {
      for (const sig of SIGNALS) process.off(sig, remember);
      installSignalHandlers(d);
      if (early) void d.stop('SIGTERM').then(() => process.exit(0));
    },
  };
}

export interface ShutdownDeps {
  graceMs: number;
  /** Budget of the jobs that hold a stopped container (see ../shutdown.ts). */
  holdGraceMs: number;
  logger: Logger;
  holds: ContainerHolds;
  /** Stops taking jobs; resolves when the running ones have finished. Undefined when no jobs run (dry run). */
  drain?: (() => Promise<void>) | undefined;
  /** Stopped after the running jobs finished or the grace period ended, so nothing new starts. */
  stopWork: Array<() => unknown>;
  /** Closed in order once every child process is killed (held containers started again, notices sent, API closed). */
  close: Array<() => unknown>;
}

/** The stop function: idempotent, every call gets the same promise. */
export function shutdown(d: ShutdownDeps): (signal?: string) => Promise<void> {
  return shutdownSequence({
    logger: d.logger,
    holds: d.holds,
    drain: d.drain,
    graceMs: d.graceMs,
    holdGraceMs: d.holdGraceMs,
    teardown: async () => {
      for (const s of d.stopWork) await s();
      killAll();
      for (const c of d.close) await c();
    },
  });
}
