// Durable, atomic file publication: write to a hidden temporary name, fsync it, move it into place
// without replacing anything, fsync the directory so the new name survives a power cut.
import { constants } from 'node:fs';
import { link, open, rename, unlink, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { partialName } from './layout.js';

/** fsync a directory, so entries created or renamed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a file, ignoring one that is already gone; never throws (cleanup on an error path). */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
}

/**
 * Gives `tmp` the name `target` unless `target` exists (false then). link() fails with EEXIST atomically;
 * on filesystems without hard links we fall back to check-then-rename (only one writer per target anyway).
 */
export async function publishNoReplace(tmp: string, target: string): Promise<boolean> {
  try {
    await link(tmp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
    if (await exists(target)) return false;
    await rename(tmp, target);
    return true;
  }
  await unlink(tmp);
  return true;
}

/** Writes `content` to `dir/name` atomically (temp file, fsync, rename, fsync dir); replaces an existing file. */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const tmp = join(dir, partialName(name));
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
  await fsyncDir(dir);
}
