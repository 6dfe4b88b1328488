// The staging-full halt: a job that met a full staging disk (BAQUP_STAGE_DISK_FULL) halts new jobs, since each would
// fill the disk again. The free space is checked periodically; once the staging filesystem has room for what the
// failed job needed, jobs run again by themselves (no restart). `halted()` is what /readyz and the pipeline read.
import { statfs } from 'node:fs/promises';
import type { Logger } from '@baqup/core';

export interface StagingHaltOptions {
  path: string;
  logger: Logger;
  /** How often the free space is read while halted; default 30 s (env BAQUP_SPACE_CHECK_MS in the controller). */
  intervalMs?: number;
  /** Kept free beyond what the failed job needed; default 1 MiB. */
  marginBytes?: number;
  /** For tests; default statfs (bytes available to unprivileged writers). */
  freeBytes?: (path: string) => Promise<number | undefined>;
}

export interface StagingHalt {
  /** Why new jobs are refused right now, or undefined when they may run. */
  halted(): string | undefined;
  /** A job failed with a full disk; `need_bytes` is what it had written when the disk ran out. */
  diskFull(error: { message: string; need_bytes?: number }): void;
  /** Reads the free space now (also runs periodically while halted). */
  check(): Promise<void>;
  stop(): void;
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

async function statfsFree(path: string): Promise<number | undefined> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function stagingHalt(o: StagingHaltOptions): StagingHalt {
  const interval = o.intervalMs ?? 30_000;
  const margin = o.marginBytes ?? 1024 * 1024;
  const free = o.freeBytes ?? statfsFree;
  let reason: string | undefined;
  let need = 0;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;

  const describe = (now: number | undefined) =>
    `staging disk full at ${o.path}: no new jobs until it has ${mib(need)} free${now === undefined ? '' : ` (${mib(now)} now)`}; checked every ${Math.round(interval / 1000)} s`;

  const check = () =>
    (checking ??= (async () => {
      try {
        if (reason === undefined) return;
        const now = await free(o.path);
        if (now !== undefined && now >= need) {
          reason = undefined;
          clearInterval(timer);
          timer = undefined;
          o.logger.info(`staging disk has room again (${mib(now)} free): new jobs run`, { event: 'controller.resumed', path: o.path, free_bytes: now });
        } else reason = describe(now);
      } finally {
        checking = undefined;
      }
    })());

  return {
    halted: () => reason,
    diskFull(error) {
      need = Math.max(need, (error.need_bytes ?? 0) + margin);
      const first = reason === undefined;
      reason = describe(undefined);
      if (first) o.logger.error(reason, { event: 'controller.halted', path: o.path, reason: error.message });
      if (!timer) {
        timer = setInterval(() => void check(), interval);
        timer.unref();
      }
    },
    check,
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
