// What the remote holds under a prefix: data files with their manifests, in two rclone runs
// (one listing, one copy of every manifest) rather than one `rclone cat` per backup.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupManifest } from '@baqup/core';
import type { Rclone } from './rclone-exec.js';
import { joinRemote } from './remote-string.js';
import { isDataFile } from './staging.js';

export interface RemoteBackup {
  /** Path under the remote root, `/`-separated: the same as the staged relative path. */
  path: string;
  size: number;
  modTime: Date;
  /** Absent when the upload did not finish (the manifest is uploaded last) or the file is not ours. */
  manifest?: BackupManifest;
  hasSha256: boolean;
}

interface ListContext {
  display: string;
  rclone: Rclone;
  path: (relativePath: string) => string;
}

export async function listRemote(ctx: ListContext, prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]> {
  const shown = joinRemote(ctx.display, prefix);
  const entries = await ctx.rclone.lsjson(ctx.path(prefix), shown, signal);
  if (entries === null) return [];
  const names = new Set(entries.map((e) => e.Path));
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const full = (p: string): string => (base === '' ? p : `${base}/${p}`);
  const dataFiles = entries.filter((e) => isDataFile(e.Path.split('/').at(-1) ?? ''));
  const manifests = new Map<string, BackupManifest>();
  if (dataFiles.some((e) => names.has(`${e.Path}.manifest.json`))) {
    const dir = await mkdtemp(join(tmpdir(), 'baqup-manifests-'));
    try {
      await ctx.rclone.copyManifests(ctx.path(prefix), dir, shown, signal);
      for (const e of dataFiles) {
        if (!names.has(`${e.Path}.manifest.json`)) continue;
        const text = await readFile(join(dir, `${e.Path}.manifest.json`), 'utf8').catch(() => undefined);
        try {
          if (text !== undefined) manifests.set(e.Path, JSON.parse(text) as BackupManifest);
        } catch {
          // A torn manifest counts as absent: the backup is treated as incomplete, never as pruneable.
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return dataFiles
    .map((e) => {
      const manifest = manifests.get(e.Path);
      return {
        path: full(e.Path),
        size: e.Size,
        modTime: new Date(e.ModTime),
        ...(manifest && { manifest }),
        hasSha256: names.has(`${e.Path}.sha256`),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}
