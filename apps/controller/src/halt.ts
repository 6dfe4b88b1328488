// The staging-full halt: a job that met a full staging disk (BAQUP_STAGE_DISK_FULL) halts new jobs, since each might
// fill the disk again. The free space is read at once (the failed job's partial file is gone by then), on every
// refused job and periodically (default 30 s). The rule:
//   - the halt lifts once the staging filesystem has min(what the failed job needed, `resumeFreeBytes`) free
//     (config `staging.resume_free_mib`, default 256 MiB): on a small disk that can never hold the big target, the
//     others still get going as soon as ordinary room is back;
//   - meanwhile a job still runs when its target is likely to fit: its last recorded size (the last successful
//     backup's staged size, or what it had written when it met the full disk) × 2 + 1 MiB is free now. A target
//     never backed up before has no such size and waits for the halt to lift.
// `halted()` is the global state for /readyz and /api/status; `admit()` is what the pipeline asks per job.
import { statfs } from 'node:fs/promises';
import type { Logger } from '@baqup/core';

export interface StagingHaltOptions {
  path: string;
  logger: Logger;
  /** How often the free space is read while halted; default 30 s (env BAQUP_SPACE_CHECK_MS in the controller). */
  intervalMs?: number;
  /** Kept free beyond what a job needs; default 1 MiB. */
  marginBytes?: number;
  /** Free space at which the halt lifts even when the failed job needed more; default 256 MiB. */
  resumeFreeBytes?: number;
  /** For tests; default statfs (bytes available to unprivileged writers). */
  freeBytes?: (path: string) => Promise<number | undefined>;
}

export interface StagingHalt {
  /** Why new jobs are held back right now, or undefined when they all may run. */
  halted(): string | undefined;
  /**
   * Whether a job of target `key` may run now: undefined when it may, else the reason. `lastBytes` is the target's
   * last successful backup size, if it has one.
   */
  admit(key: string, lastBytes?: number): string | undefined;
  /** A job of target `key` failed with a full disk; `need_bytes` is what it had written when the disk ran out. */
  diskFull(error: { message: string; need_bytes?: number }, key?: string): void;
  /** Reads the free space now (also runs periodically while halted). */
  check(): Promise<void>;
  stop(): void;
}

export const DEFAULT_RESUME_FREE_BYTES = 256 * 1024 * 1024;
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
  const floor = o.resumeFreeBytes ?? DEFAULT_RESUME_FREE_BYTES;
  const free = o.freeBytes ?? statfsFree;
  let reason: string | undefined;
  let need = 0;
  let lastFree: number | undefined;
  /** What each target that met the full disk had written by then: its size is at least that. */
  const metFull = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;

  const threshold = () => Math.min(need, floor);
  const describe = () =>
    `staging disk full at ${o.path}: no new jobs until it has ${mib(threshold())} free${lastFree === undefined ? '' : ` (${mib(lastFree)} now)`}, except targets whose last backup fits; checked every ${Math.round(interval / 1000)} s`;

  const check = () =>
    (checking ??= (async () => {
      try {
        if (reason === undefined) return;
        const now = await free(o.path);
        if (now !== undefined) lastFree = now;
        if (now !== undefined && now >= threshold()) {
          reason = undefined;
          need = 0;
          metFull.clear();
          clearInterval(timer);
          timer = undefined;
          o.logger.info(`staging disk has room again (${mib(now)} free): new jobs run`, { event: 'controller.resumed', path: o.path, free_bytes: now });
        } else reason = describe();
      } finally {
        checking = undefined;
      }
    })());

  return {
    halted: () => reason,
    admit(key, lastBytes) {
      if (reason === undefined) return undefined;
      const size = metFull.get(key) ?? lastBytes;
      const wants = size === undefined ? undefined : size * 2 + margin;
      if (wants !== undefined && lastFree !== undefined && lastFree >= wants) return undefined;
      // The next refused job sees a fresh reading.
      void check();
      return size === undefined
        ? `${reason} (this target has no recorded size yet)`
        : `${reason} (this target needs about ${mib(wants!)})`;
    },
    diskFull(error, key) {
      const wrote = error.need_bytes ?? 0;
      need = Math.max(need, wrote + margin);
      if (key !== undefined) metFull.set(key, Math.max(metFull.get(key) ?? 0, wrote));
      const first = reason === undefined;
      lastFree = undefined;
      reason = describe();
      if (first) o.logger.error(reason, { event: 'controller.halted', path: o.path, reason: error.message });
      if (!timer) {
        timer = setInterval(() => void check(), interval);
        timer.unref();
      }
      void check();
    },
    check,
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
