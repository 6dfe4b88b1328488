// Reads the staging layout back: one entry per data file, paired with its `.sha256` and manifest.
// Temporary files are skipped; a data file without its manifest is reported as incomplete.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupManifest, Compression } from '@baqup/core';
import { DATA_FILE, isDataFile, MANIFEST_SUFFIX, SHA256_SUFFIX } from './layout.js';
import { readManifest } from './manifest.js';
import { parseCompactTimestamp } from './timestamp.js';

export interface StagedEntry {
  container: string;
  type: string;
  instance: string;
  /** Compact timestamp from the name, `20240115T030000Z`. */
  timestamp: string;
  date: Date;
  /** Basename, e.g. `20240115T030000Z.sql.gz`. */
  file: string;
  path: string;
  /** Extension after the timestamp, e.g. `sql.gz`. */
  extension: string;
  compression: Compression;
  size: number;
  /** From the `.sha256` sidecar, when present and well-formed. */
  sha256?: string;
  manifest?: BackupManifest;
  /** True when both sidecars exist and the manifest parses and names this file. */
  complete: boolean;
}

export interface StagedFilter {
  container?: string;
  type?: string;
  instance?: string;
}

/** Every staged file under `root`, oldest first within each target; an absent root lists nothing. */
export async function listStaged(root: string, filter: StagedFilter = {}): Promise<StagedEntry[]> {
  const entries: StagedEntry[] = [];
  for (const container of await dirs(root)) {
    if (filter.container !== undefined && container !== filter.container) continue;
    for (const targetDir of await dirs(join(root, container))) {
      const dash = targetDir.indexOf('-');
      if (dash <= 0) continue;
      const type = targetDir.slice(0, dash);
      const instance = targetDir.slice(dash + 1);
      if ((filter.type !== undefined && type !== filter.type) || (filter.instance !== undefined && instance !== filter.instance)) continue;
      const dir = join(root, container, targetDir);
      const names = new Set(await readdir(dir));
      for (const file of [...names].filter(isDataFile).sort()) {
        const [, timestamp = '', extension = ''] = DATA_FILE.exec(file) ?? [];
        const date = parseCompactTimestamp(timestamp);
        if (!date) continue;
        const path = join(dir, file);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) continue;
        const sha256 = names.has(file + SHA256_SUFFIX) ? await readSha256(path + SHA256_SUFFIX, file) : undefined;
        const manifest = names.has(file + MANIFEST_SUFFIX) ? await readManifest(path) : undefined;
        entries.push({
          container,
          type,
          instance,
          timestamp,
          date,
          file,
          path,
          extension,
          compression: extension.endsWith('.gz') ? 'gzip' : extension.endsWith('.zst') ? 'zstd' : 'none',
          size: info.size,
          ...(sha256 ? { sha256 } : {}),
          ...(manifest ? { manifest } : {}),
          complete: sha256 !== undefined && manifest?.file === file && manifest.sha256 === sha256,
        });
      }
    }
  }
  return entries;
}

async function dirs(path: string): Promise<string[]> {
  const list = await readdir(path, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return list.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort();
}

async function readSha256(path: string, file: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const m = /^([0-9a-f]{64}) [ *](.+)$/m.exec(text);
  return m && m[2] === file ? m[1] : undefined;
}
