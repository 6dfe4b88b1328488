// Finds SQLite databases on a running container's volumes, bounded in time, count and bytes: `find` through exec
// where the image has it, else a walk of the mount's archive stream (distroless images). A file counts only when
// its first 16 bytes are SQLite's magic header, so a Berkeley `.db` or an empty file is not suggested.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { errorMessage, isSqliteFileName } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface FindSqliteOptions {
  signal?: AbortSignal;
  /** Whole search; default 20 s. */
  timeoutMs?: number;
  /** Candidates examined; default 50. */
  maxFiles?: number;
  /** Archive bytes read per mount by the fallback walk; default 64 MiB. */
  maxArchiveBytes?: number;
}

export interface FoundSqlite {
  files: string[];
  /** Why the search was partial or skipped, for the user. */
  notes: string[];
}

export async function findSqliteFiles(docker: DockerClient, id: string, mounts: readonly string[], options: FindSqliteOptions = {}): Promise<FoundSqlite> {
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 20_000), ...(options.signal ? [options.signal] : [])]);
  const maxFiles = options.maxFiles ?? 50;
  const notes: string[] = [];
  const dirs = mounts.filter((m) => m.startsWith('/'));
  if (dirs.length === 0) return { files: [], notes };
  let candidates: string[] | undefined;
  try {
    candidates = await findByExec(docker, id, dirs, maxFiles, signal);
  } catch {
    candidates = undefined;
  }
  if (candidates === undefined) {
    // No `find` in the image: the archive walk reads the magic of each candidate on the way.
    const files: string[] = [];
    for (const dir of dirs) {
      try {
        const walked = await walkArchive(docker, id, dir, { signal, maxFiles: maxFiles - files.length, maxBytes: options.maxArchiveBytes ?? 64 * 1024 * 1024 });
        files.push(...walked.files);
        if (walked.truncated) notes.push(`${dir}: searched only in part (the volume is large); name SQLite files yourself if any are missing`);
      } catch (err) {
        notes.push(`${dir}: could not be searched for SQLite files (${errorMessage(err)})`);
      }
      if (files.length >= maxFiles) break;
    }
    return { files: files.sort(), notes };
  }
  if (candidates.length >= maxFiles) notes.push(`more than ${maxFiles} candidate database files; only the first ${maxFiles} examined`);
  const files: string[] = [];
  for (const file of candidates.slice(0, maxFiles)) {
    try {
      if (await hasSqliteMagic(docker, id, file, signal)) files.push(file);
    } catch (err) {
      notes.push(`${file}: could not be read (${errorMessage(err)})`);
    }
  }
  return { files: files.sort(), notes };
}

/** Candidate paths by name, or undefined when the image has no working `find`. */
async function findByExec(docker: DockerClient, id: string, dirs: string[], maxFiles: number, signal: AbortSignal): Promise<string[] | undefined> {
  const names = ['(', '-name', '*.db', '-o', '-name', '*.sqlite', '-o', '-name', '*.sqlite3', ')'];
  const r = await docker.execToCompletion(id, ['find', ...dirs, '-xdev', '-maxdepth', '6', '-type', 'f', ...names, '-size', '+0'], { signal, maxBytes: 256 * 1024 });
  // find exits 1 when some directory was unreadable but still prints what it found; 126/127: no find.
  if (r.exitCode !== 0 && r.exitCode !== 1) return undefined;
  return r.stdout.split('\n').filter((l) => l.startsWith('/') && isSqliteFileName(l)).slice(0, maxFiles);
}

async function hasSqliteMagic(docker: DockerClient, id: string, file: string, signal: AbortSignal): Promise<boolean> {
  const archive = await docker.getArchive(id, file, signal);
  return firstEntries(archive, { maxFiles: 1, maxBytes: Infinity, match: () => true }).then((r) => r.files.length === 1);
}

async function walkArchive(docker: DockerClient, id: string, dir: string, limits: { signal: AbortSignal; maxFiles: number; maxBytes: number }): Promise<{ files: string[]; truncated: boolean }> {
  const archive = await docker.getArchive(id, dir, limits.signal);
  // The archive of /srv/data names its entries data/…: put the parent back.
  const parent = posix.dirname(dir);
  const r = await firstEntries(archive, { maxFiles: limits.maxFiles, maxBytes: limits.maxBytes, match: isSqliteFileName });
  return { files: r.files.map((name) => posix.join(parent, name)), truncated: r.truncated };
}

/** Names of regular-file entries that match and start with the SQLite magic; stops at either bound. */
async function firstEntries(archive: Readable, o: { maxFiles: number; maxBytes: number; match: (name: string) => boolean }): Promise<{ files: string[]; truncated: boolean }> {
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);
  const files: string[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    for await (const entry of extract) {
      bytes += 512 + entry.header.size;
      if (entry.header.type === 'file' && o.match(entry.header.name) && entry.header.size >= MAGIC.length) {
        let head = Buffer.alloc(0);
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          if (head.length < MAGIC.length) head = Buffer.concat([head, chunk.subarray(0, MAGIC.length - head.length)]);
        }
        if (head.equals(MAGIC)) files.push(entry.header.name);
      } else {
        entry.resume();
      }
      if (files.length >= o.maxFiles) break;
      if (bytes > o.maxBytes) {
        truncated = true;
        break;
      }
    }
  } finally {
    archive.unpipe(extract);
    archive.destroy();
  }
  return { files, truncated };
}
