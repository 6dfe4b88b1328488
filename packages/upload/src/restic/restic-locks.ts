// Stale locks: a restic killed hard (OOM, SIGKILL, host crash) leaves its lock, and the next forget/prune
// (exclusive) then fails forever. `restic unlock` removes what restic itself deems stale (dead PID on this
// host, or older than 30 min on another). Beyond that, a lock older than the configured age goes — and only such
// a lock: restic refreshes a live lock's time every 5 minutes, so an old one has no live process behind it.
// restic has no command to remove one lock: on a local repository the lock file itself is removed; on any other
// backend `unlock --remove-all` runs only when every lock left is old, never beside a young (live) one.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, ResticFailedError } from '@baqup/core';
import type { ResticContext } from './restic-exec.js';

export interface UnlockReport {
  /** Locks restic's own cleanup removed (their process is gone, or they were older than 30 min on another host). */
  deadRemoved: number;
  /** Locks present after restic's own stale-lock cleanup. */
  locks: number;
  /** Of those, older than the configured age (removed, unless a live lock beside them on a remote backend kept them). */
  old: number;
  /** Every lock left after restic's cleanup was old and has been removed. */
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
  const local = localRepositoryPath(ctx.options.repository);
  if (local !== undefined) {
    for (const l of old) await rm(join(local, 'locks', l.id), { force: true });
  } else if (old.length < ids.length) {
    ctx.options.logger.warn('old restic locks kept: a live lock is beside them and restic can only remove all at once', {
      repository: ctx.display, locks: ids.length, old: old.length,
    });
    return { deadRemoved, locks: ids.length, old: old.length, removedAll: false };
  } else {
    await ctx.run(['unlock', '--remove-all']);
  }
  for (const l of old) {
    ctx.options.logger.warn('removed a stale restic lock', {
      repository: ctx.display, lock: l.id.slice(0, 8), lock_host: l.hostname, lock_pid: l.pid, exclusive: l.exclusive ?? false,
      age_seconds: Math.round((now - Date.parse(l.time)) / 1000),
    });
  }
  return { deadRemoved, locks: ids.length, old: old.length, removedAll: old.length === ids.length };
}

/** The directory of a repository on the local filesystem (a path or `local:path`), else undefined. */
export function localRepositoryPath(repository: string): string | undefined {
  if (repository.startsWith('local:')) return repository.slice('local:'.length);
  // Every other restic backend has a scheme (`sftp:`, `s3:`, `rest:`, `rclone:`, …); a Windows drive letter is not ours.
  return /^[a-z][a-z0-9+.-]*:/i.test(repository) ? undefined : repository;
}
