// One controller per data directory: an flock (packages/proc file-lock.ts says why flock) on
// `.baqup-controller.lock` in the journal's directory and in the staging root, taken before the journal is replayed
// or partial files are swept, so a second controller exits at once instead of starting containers another one holds
// stopped or deleting its partial files. Released by the kernel when the process ends, however it ends.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ControllerLockedError as ControllerLockedBase, errorMessage, type Logger } from '@baqup/core';
import { acquireFileLock, describeHolder, LockHeldError, LockUnavailableError, type FileLock } from '@baqup/proc';

export const LOCK_FILE = '.baqup-controller.lock';

export class ControllerLockedError extends ControllerLockedBase {
  constructor(dir: string, lockFile: string, holder: Record<string, unknown> | undefined) {
    super(`data directory ${dir} is in use by another ${describeHolder(holder)}; stop that one first (lock: ${lockFile})`, { context: { dir } });
  }
}

/** Locks each distinct directory; throws ControllerLockedError naming the holder. Without flock(1): a warning. */
export async function lockDataDirs(journalPath: string, stagingPath: string, logger: Logger): Promise<FileLock[]> {
  const dirs = [...new Set([resolve(dirname(journalPath)), resolve(stagingPath)])];
  const locks: FileLock[] = [];
  try {
    for (const dir of dirs) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, LOCK_FILE);
      try {
        locks.push(await acquireFileLock(file, { holder: { what: 'baqup controller', dir } }));
      } catch (err) {
        if (err instanceof LockHeldError) throw new ControllerLockedError(dir, file, err.holder);
        if (err instanceof LockUnavailableError) {
          logger.warn(`${errorMessage(err)}: a second controller on this data directory would not be refused`, { error: { code: err.code, message: err.message } });
          continue;
        }
        throw err;
      }
    }
  } catch (err) {
    await Promise.all(locks.map((l) => l.release()));
    throw err;
  }
  return locks;
}
