// An OS-level lock on a file: flock(2), held by a small `flock(1)` child (util-linux, in every Debian image) whose
// stdin is a pipe from us. Node has no flock, and the alternatives are worse:
//   - a pid file (O_EXCL + "is that pid alive?") is wrong in containers: every baqup is pid 1 in its own namespace,
//     so a stale file always looks alive to the next container, and a live one in another container looks dead;
//   - mkdir/mtime locks (proper-lockfile) need a heartbeat and a stale timeout: after a crash the next start waits,
//     or two controllers overlap when one stalls longer than the timeout;
//   - native addons (fs-ext) need a compiler in the image build.
// flock(2) is released by the kernel when the holder dies, however it dies (SIGKILL, OOM): the child's stdin reaches
// EOF when we exit, `cat` ends, and with it the lock. It works across containers sharing the data volume (same
// kernel) and never goes stale. The lock is not tracked in killAll(): it lives as long as this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockHeldError as LockHeldBase, LockUnavailableError as LockUnavailableBase } from '@baqup/core';

const CONFLICT = 75;

export interface FileLock {
  readonly path: string;
  /** Releases the lock (ends the flock child); resolves once it has exited. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Seconds to wait for the lock; 0 (default) fails at once when someone holds it. */
  waitSeconds?: number;
  /** Written into the lock file once held, so a refused process can name the holder. */
  holder?: Record<string, unknown>;
}

/** Who holds a lock, as its holder wrote it (`pid`, `host`, `since`, `what`), or undefined. */
export function lockHolder(path: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Describes the holder for an error message: "baqup controller (pid 7 on host nas, since …)". */
export function describeHolder(h: Record<string, unknown> | undefined): string {
  if (!h) return 'another process (it wrote no details)';
  const what = typeof h.what === 'string' ? h.what : 'a baqup process';
  const parts = [h.pid !== undefined ? `pid ${String(h.pid)}` : undefined, typeof h.host === 'string' ? `on host ${h.host}` : undefined, typeof h.since === 'string' ? `since ${h.since}` : undefined].filter(Boolean);
  return parts.length ? `${what} (${parts.join(' ')})` : what;
}

export class LockHeldError extends LockHeldBase {
  constructor(readonly path: string, readonly holder: Record<string, unknown> | undefined) {
    super(`${path} is locked by ${describeHolder(holder)}`, { context: { path } });
  }
}

export class LockUnavailableError extends LockUnavailableBase {
  constructor(path: string, why: string) {
    super(`cannot lock ${path}: ${why}`, { context: { path } });
  }
}

/** Takes the lock on `path` (created if missing) or rejects with LockHeldError / LockUnavailableError. */
export function acquireFileLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const wait = options.waitSeconds ?? 0;
  const args = [wait > 0 ? ['-w', String(wait)] : ['-n'], ['-E', String(CONFLICT), path, 'sh', '-c', 'echo locked; exec cat >/dev/null']].flat();
  return new Promise<FileLock>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('flock', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new LockUnavailableError(path, (err as Error).message));
      return;
    }
    let settled = false;
    let stderr = '';
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-500)));
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(new LockUnavailableError(path, err.code === 'ENOENT' ? 'the flock command (util-linux) is not installed' : err.message));
    });
    child.once('exit', (code) => {
      if (settled) return;
      settled = true;
      if (code === CONFLICT) reject(new LockHeldError(path, lockHolder(path)));
      else reject(new LockUnavailableError(path, `flock exited with code ${String(code)}${stderr ? `: ${stderr.trim()}` : ''}`));
    });
    child.stdout!.setEncoding('utf8').once('data', () => {
      if (settled) return;
      settled = true;
      // Nothing of it may keep the event loop alive: the lock lasts as long as the process, not longer.
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
      if (options.holder) {
        try {
          // In place (same inode): the flock is on the inode, a rename would leave it behind.
          writeFileSync(path, `${JSON.stringify({ ...options.holder, pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`);
        } catch {
          // the details are a courtesy; the lock is held either way
        }
      }
      let released: Promise<void> | undefined;
      resolve({
        path,
        release: () =>
          (released ??= (async () => {
            // Held again while it ends: waiting for an unref'd child with nothing else pending would let the event
            // loop empty and the process exit mid-release (a CLI restore exited 0 before its report, a controller
            // exited 13 at start-up, both waiting here).
            child.ref();
            for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
            child.stdin?.end();
            await exited;
          })()),
      });
    });
  });
}

/** Runs `fn` under the lock on `path` (waiting up to `waitSeconds`, default 30), releasing it on every path. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, waitSeconds = 30): Promise<T> {
  const lock = await acquireFileLock(path, { waitSeconds });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
