// The staged side as upload and prune see it: `{root}/{container}/{type}-{instance}/{timestamp}.{ext}`
// with `.sha256`, `.manifest.json` and (after a verified upload) the hidden `.{name}.uploaded` marker beside each file.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BackupManifest } from '@baqup/core';
import { markerPath, readUploadMarker, type UploadMarker } from './upload-marker.js';

export const SIDECAR_SUFFIXES = ['.sha256', '.manifest.json'] as const;

/** True for the data file of a backup (not a sidecar, not a temp/partial file of stage or rclone). */
export function isDataFile(name: string): boolean {
  if (name.startsWith('.')) return false;
  if (SIDECAR_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return !/\.(tmp|partial|part)$/.test(name);
}

export interface StagedBackup {
  /** Absolute path of the data file. */
  file: string;
  /** Path under the staging root with `/` separators; the remote path is the same. */
  relativePath: string;
  /** Absent while stage is still writing (the manifest is written last) or when the run died half-way. */
  manifest?: BackupManifest;
  uploaded?: UploadMarker;
}

/** Every data file under `root` (or `root/prefix`); a missing directory is an empty list, other errors throw. */
export async function listStaged(root: string, prefix = ''): Promise<StagedBackup[]> {
  const out: StagedBackup[] = [];
  await walk(join(root, prefix), 0, async (file) => {
    const manifest = await readManifest(file);
    const uploaded = await readUploadMarker(file);
    out.push({
      file,
      relativePath: relative(root, file).split(sep).join('/'),
      ...(manifest && { manifest }),
      ...(uploaded && { uploaded }),
    });
  });
  return out.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
}

async function walk(dir: string, depth: number, onFile: (file: string) => Promise<void>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && depth === 0) return;
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory() && depth < 4) await walk(path, depth + 1, onFile);
    else if (e.isFile() && isDataFile(e.name)) await onFile(path);
  }
}

async function readManifest(file: string): Promise<BackupManifest | undefined> {
  try {
    return JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as BackupManifest;
  } catch {
    return undefined;
  }
}

/**
 * Complete staged backups (manifest present) without a verified copy on `remote` (its display string):
 * what a failed run left behind, to be uploaded again by the next one.
 */
export async function pendingUploads(root: string, remote: string | { display: string }): Promise<StagedBackup[]> {
  const display = typeof remote === 'string' ? remote : remote.display;
  const all = await listStaged(root);
  return all.filter(
    (b) => b.manifest !== undefined && !(b.uploaded?.remote === display && b.uploaded.sha256 === b.manifest.sha256),
  );
}

/** Removes a staged backup: data file and sidecars, manifest last so a half-removed backup is still listed. */
export async function removeStaged(file: string): Promise<void> {
  for (const path of [file, `${file}.sha256`, markerPath(file), `${file}.manifest.json`]) await rm(path, { force: true });
}
