// What the remote holds under a prefix: data files with their manifests, in two rclone runs
// (one listing, one copy of every manifest) rather than one `rclone cat` per backup.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupManifest } from '@baqup/core';
import { isDataFile, MANIFEST_SUFFIX, parseManifest, SHA256_SUFFIX } from '@baqup/stage';
import type { Rclone } from './rclone-exec.js';
import { joinRemote } from './remote-string.js';

export interface RemoteBackup {
  /** Path under this controller's root (`{remote}/{host}`), `/`-separated: the same as the staged relative path. */
  path: string;
  /** Path under the configured remote itself: `{host}/{path}`, or `path` for a legacy (un-hosted) backup. */
  remotePath: string;
  /** Found at the remote root, where backups lay before remotes carried host names (never pruned; see migrate). */
  legacy?: boolean;
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

export interface ListScope {
  /** Prepended to `path` for `remotePath` (the host directory, `host/`), empty for legacy listings. */
  under: string;
  /** Legacy listing: only `{container}/{type}-{instance}/{file}` at the remote root, no deeper (hosts' trees are there). */
  legacy?: boolean;
}

export async function listRemote(ctx: ListContext, prefix: string, signal?: AbortSignal, scope: ListScope = { under: '' }): Promise<RemoteBackup[]> {
  const shown = joinRemote(ctx.display, prefix);
  const base0 = prefix.replace(/^\/+|\/+$/g, '');
  // A backup is three segments deep: container/target/file. Legacy listings stop there so other hosts' trees stay out.
  const depth = scope.legacy ? 3 - (base0 === '' ? 0 : base0.split('/').length) : undefined;
  if (depth !== undefined && depth < 1) return [];
  const listed = await ctx.rclone.lsjson(ctx.path(prefix), shown, signal, depth);
  if (listed === null) return [];
  const entries = depth === undefined ? listed : listed.filter((e) => e.Path.split('/').length === depth);
  const names = new Set(entries.map((e) => e.Path));
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const full = (p: string): string => (base === '' ? p : `${base}/${p}`);
  const dataFiles = entries.filter((e) => isDataFile(e.Path.split('/').at(-1) ?? ''));
  const manifests = new Map<string, BackupManifest>();
  if (dataFiles.some((e) => names.has(`${e.Path}${MANIFEST_SUFFIX}`))) {
    const dir = await mkdtemp(join(tmpdir(), 'baqup-manifests-'));
    try {
      const include = depth === undefined ? `*${MANIFEST_SUFFIX}` : `/${'*/'.repeat(depth - 1)}*${MANIFEST_SUFFIX}`;
      await ctx.rclone.copyManifests(ctx.path(prefix), dir, shown, signal, include);
      for (const e of dataFiles) {
        if (!names.has(`${e.Path}${MANIFEST_SUFFIX}`)) continue;
        const text = await readFile(join(dir, `${e.Path}${MANIFEST_SUFFIX}`), 'utf8').catch(() => undefined);
        // A torn manifest counts as absent: the backup is treated as incomplete, never as pruneable.
        const manifest = text === undefined ? undefined : parseManifest(text);
        if (manifest) manifests.set(e.Path, manifest);
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
        remotePath: `${scope.under}${full(e.Path)}`,
        ...(scope.legacy && { legacy: true }),
        size: e.Size,
        modTime: new Date(e.ModTime),
        ...(manifest && { manifest }),
        hasSha256: names.has(`${e.Path}${SHA256_SUFFIX}`),
      };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}
