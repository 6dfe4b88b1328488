// SQLite files in the host directories a compose file bind-mounts, found by name and confirmed by their magic
// header, bounded in depth and entries: suggest reads a few headers, never a volume.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isSqliteFileName } from '@baqup/core';
import type { ComposeMount } from './compose-doc.js';

const MAGIC = 'SQLite format 3\0';
const MAX_DEPTH = 5;
const MAX_ENTRIES = 5_000;

function hasMagic(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Container paths of the SQLite files found under the bind mounts' host directories. */
export function hostSqliteFiles(mounts: readonly ComposeMount[]): string[] {
  const found: string[] = [];
  for (const m of mounts) {
    if (!m.hostPath) continue;
    let seen = 0;
    const walk = (dir: string, depth: number): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (++seen > MAX_ENTRIES) return;
        const full = join(dir, e.name);
        if (e.isDirectory() && depth < MAX_DEPTH) walk(full, depth + 1);
        else if (e.isFile() && isSqliteFileName(e.name) && hasMagic(full)) found.push(`${m.target}/${relative(m.hostPath!, full).split('\\').join('/')}`);
      }
    };
    try {
      if (statSync(m.hostPath).isFile()) {
        if (isSqliteFileName(m.hostPath) && hasMagic(m.hostPath)) found.push(m.target);
        continue;
      }
    } catch {
      continue;
    }
    walk(m.hostPath, 0);
  }
  return found;
}
