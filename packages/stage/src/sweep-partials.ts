// Start-up cleanup of what a crash or kill can leave in the staging root: hidden `.partial-` temp
// files, and (by default) data files whose commit never finished (no manifest) with their orphaned
// sidecars. Run it before any job starts: a job in flight looks exactly like a crashed one.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { removeQuietly } from './fs-atomic.js';
import { isDataFile, MANIFEST_SUFFIX, PARTIAL_FILE, SHA256_SUFFIX } from './layout.js';

export interface SweepOptions {
  /** Also remove data files without a manifest, and sidecars without their data file (default true). */
  incomplete?: boolean;
  /** Only touch files at least this old (default 0: everything, as at start-up). */
  minAgeMs?: number;
  now?: () => Date;
}

/** Removes stale temporary and incomplete files under `root`; resolves with the removed paths. */
export async function sweepPartials(root: string, options: SweepOptions = {}): Promise<string[]> {
  const incomplete = options.incomplete ?? true;
  const cutoff = (options.now?.() ?? new Date()).getTime() - (options.minAgeMs ?? 0);
  const removed: string[] = [];
  const remove = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    // Whole milliseconds: a file written in the very millisecond of `now` has a fractional mtime above Date.now().
    if (!info?.isFile() || Math.floor(info.mtimeMs) > cutoff) return;
    await removeQuietly(path);
    removed.push(path);
  };
  for (const container of await subdirs(root)) {
    for (const target of await subdirs(join(root, container))) {
      const dir = join(root, container, target);
      const names = new Set(await readdir(dir));
      for (const name of names) {
        if (PARTIAL_FILE.test(name)) await remove(join(dir, name));
        else if (!incomplete) continue;
        else if (isDataFile(name) && !names.has(name + MANIFEST_SUFFIX)) {
          await remove(join(dir, name));
          if (names.has(name + SHA256_SUFFIX)) await remove(join(dir, name + SHA256_SUFFIX));
        } else if (name.endsWith(MANIFEST_SUFFIX) && !names.has(name.slice(0, -MANIFEST_SUFFIX.length))) {
          await remove(join(dir, name));
        } else if (name.endsWith(SHA256_SUFFIX) && !names.has(name.slice(0, -SHA256_SUFFIX.length))) {
          await remove(join(dir, name));
        }
      }
    }
  }
  return removed;
}

async function subdirs(path: string): Promise<string[]> {
  const list = await readdir(path, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return list.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
}
