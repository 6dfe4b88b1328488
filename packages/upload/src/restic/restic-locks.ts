// Stale locks: a restic killed hard (OOM, SIGKILL, host crash) leaves its lock, and the next forget/prune
// (exclusive) then fails forever. `restic unlock` removes what restic itself deems stale (dead PID on this
// host, or older than 30 min on another); locks older than the configured age go with `--remove-all`.
import { errorMessage } from '@baqup/core';
import type { ResticContext } from './restic-exec.js';

export interface UnlockReport {
  /** Locks present after restic's own stale-lock cleanup. */
  locks: number;
  /** Of those, older than the configured age (then all were removed). */
  old: number;
  removedAll: boolean;
}

interface RawLock {
  time: string;
  exclusive?: boolean;
  hostname?: string;
  pid?: number;
}

export async function unlockStale(ctx: ResticContext): Promise<UnlockReport> {
  const maxAgeMs = (ctx.options.staleLockAgeSeconds ?? 86_400) * 1000;
  await ctx.run(['unlock']);
  const ids = (await ctx.run(['list', 'locks', '--no-lock'])).split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l.trim()));
  const now = Date.now();
  const old: Array<RawLock & { id: string }> = [];
  for (const id of ids) {
    try {
      // A lock released meanwhile makes restic retry for a minute: bound it, and treat failure as "gone".
      const lock = JSON.parse(await ctx.run(['--no-lock', 'cat', 'lock', id], { timeoutMs: 15_000 })) as RawLock;
      if (now - Date.parse(lock.time) > maxAgeMs) old.push({ ...lock, id });
    } catch (err) {
      ctx.options.logger.debug('restic lock vanished while inspected', { lock: id.slice(0, 8), error: { code: 'BAQUP_RESTIC_FAILED', message: errorMessage(err) } });
    }
  }
  if (old.length === 0) return { locks: ids.length, old: 0, removedAll: false };
  await ctx.run(['unlock', '--remove-all']);
  for (const l of old) {
    ctx.options.logger.warn('removed a stale restic lock', {
      repository: ctx.display, lock: l.id.slice(0, 8), lock_host: l.hostname, lock_pid: l.pid, exclusive: l.exclusive ?? false,
      age_seconds: Math.round((now - Date.parse(l.time)) / 1000),
    });
  }
  return { locks: ids.length, old: old.length, removedAll: true };
}
