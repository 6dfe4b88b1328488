// Stale locks: a restic killed hard (OOM, SIGKILL, host crash) leaves its lock, and the next forget/prune
// (exclusive) then fails forever. `restic unlock` removes what restic itself deems stale (dead PID on this
// host, or older than 30 min on another); locks older than the configured age go with `--remove-all`.
import { errorMessage, ResticFailedError } from '@baqup/core';
import type { ResticContext } from './restic-exec.js';

export interface UnlockReport {
  /** Locks restic's own cleanup removed (their process is gone, or they were older than 30 min on another host). */
  deadRemoved: number;
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
  const listLocks = async () => (await ctx.run(['list', 'locks', '--no-lock'])).split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{64}$/.test(l));
  const before = await listLocks();
  // No lock at all (the usual case): one cheap command, nothing to unlock.
  if (before.length === 0) return { deadRemoved: 0, locks: 0, old: 0, removedAll: false };
  await ctx.run(['unlock']);
  const ids = await listLocks();
  // Counted, because restic's own `unlock` says nothing about what it removed and a stale lock is worth a log line.
  const deadRemoved = before.filter((id) => !ids.includes(id)).length;
  if (deadRemoved > 0) ctx.options.logger.warn('removed stale restic locks of processes that are gone', { repository: ctx.display, locks: deadRemoved });
  const now = Date.now();
  const old: Array<RawLock & { id: string }> = [];
  for (const id of ids) {
    try {
      // A lock released meanwhile makes restic retry for a minute: bound it, and treat failure as "gone".
      const lock = JSON.parse(await ctx.run(['--no-lock', 'cat', 'lock', id], { timeoutMs: 15_000 })) as RawLock;
      if (now - Date.parse(lock.time) > maxAgeMs) old.push({ ...lock, id });
    } catch (err) {
      ctx.options.logger.debug('restic lock vanished while inspected', { lock: id.slice(0, 8), error: new ResticFailedError(errorMessage(err), { cause: err }) });
    }
  }
  if (old.length === 0) return { deadRemoved, locks: ids.length, old: 0, removedAll: false };
  await ctx.run(['unlock', '--remove-all']);
  for (const l of old) {
    ctx.options.logger.warn('removed a stale restic lock', {
      repository: ctx.display, lock: l.id.slice(0, 8), lock_host: l.hostname, lock_pid: l.pid, exclusive: l.exclusive ?? false,
      age_seconds: Math.round((now - Date.parse(l.time)) / 1000),
    });
  }
  return { deadRemoved, locks: ids.length, old: old.length, removedAll: true };
}
