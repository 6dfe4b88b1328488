// Every backup the sources hold, one entry per backup file: the staged copy and the rclone copy of the same file
// are one entry (local, remote or both); restic snapshots are their own entries (the repository holds the data
// under `/{container}/{type}-{instance}.{ext}`; the manifest rides on the snapshot as its `manifest:` tag).
import { compactTimestamp, listStaged } from '@baqup/stage';
import { manifestFromTags, readUploadMarker, type UploadMarker } from '@baqup/upload';
import { TARGET_TYPES, targetKey, targetName, matchesTarget, type BackupManifest, type Compression, type TargetType } from '@baqup/core';
import type { BackupSources } from './sources.js';
import { splitTargetKey } from './select.js';
import { compressionOf } from '@baqup/compress';

export interface StagedCopy {
  path: string;
  size: number;
  /** `.sha256` sidecar and manifest present and agreeing. */
  complete: boolean;
  sidecarSha256?: string;
  /** Written by upload after the remote copy was read back and matched. */
  uploaded?: UploadMarker;
}

export interface RemoteCopy {
  /** Path under the configured remote root: `{host}/{staged relative path}`, or the staged relative path for a legacy copy. */
  path: string;
  /** At the un-hosted legacy path (before remotes carried host names); `baqup migrate-remote` adopts it. */
  legacy?: boolean;
  size: number;
  hasSha256: boolean;
}

export interface ResticCopy {
  snapshotId: string;
  shortId: string;
  /** Path of the file inside the snapshot. */
  path: string;
  host: string;
}

export interface BackupEntry {
  container: string;
  type: TargetType;
  instance: string;
  /** Compact UTC timestamp: the file's name for staged/remote copies, the snapshot time for restic. */
  timestamp: string;
  date: Date;
  /** `{timestamp}.{ext}` (staged/remote) or the snapshot path's basename (restic). */
  file: string;
  compression: Compression;
  size?: number;
  manifest?: BackupManifest;
  staging?: StagedCopy;
  remote?: RemoteCopy;
  restic?: ResticCopy;
  /** For pickAt. */
  snapshotId?: string;
}

export interface CatalogFilter {
  container?: string;
  /** `type-instance` or instance. */
  target?: string;
}

const isType = (t: string): t is TargetType => (TARGET_TYPES as readonly string[]).includes(t);

/** Where each side stands; a side that cannot be listed is reported, not fatal (ls shows what it can). */
export interface Catalog {
  entries: BackupEntry[];
  problems: { source: 'staging' | 'remote' | 'restic'; message: string }[];
}

export async function listBackups(sources: BackupSources, filter: CatalogFilter = {}): Promise<Catalog> {
  const byKey = new Map<string, BackupEntry>();
  const problems: Catalog['problems'] = [];
  const wanted = (container: string, type: string, instance: string) =>
    (filter.container === undefined || filter.container === container) && (filter.target === undefined || matchesTarget({ type, instance }, filter.target));

  try {
    for (const s of await listStaged(sources.stagingRoot, filter.container === undefined ? {} : { container: filter.container })) {
      if (!isType(s.type) || !wanted(s.container, s.type, s.instance)) continue;
      const uploaded = await readUploadMarker(s.path);
      byKey.set(`${s.container}/${targetName(s)}/${s.file}`, {
        container: s.container,
        type: s.type,
        instance: s.instance,
        timestamp: s.timestamp,
        date: s.date,
        file: s.file,
        compression: s.compression,
        size: s.size,
        ...(s.manifest ? { manifest: s.manifest } : {}),
        staging: { path: s.path, size: s.size, complete: s.complete, ...(s.sha256 ? { sidecarSha256: s.sha256 } : {}), ...(uploaded ? { uploaded } : {}) },
      });
    }
  } catch (err) {
    problems.push({ source: 'staging', message: err instanceof Error ? err.message : String(err) });
  }

  if (sources.rclone) {
    try {
      // This host's backups first; legacy (un-hosted) copies of the same file only fill in where there is no hosted one.
      const ops = sources.rclone.ops;
      const listed = [...(await ops.list(filter.container ?? '')), ...(await ops.listLegacy(filter.container ?? ''))];
      for (const r of listed) {
        const [container, targetDir, file, ...rest] = r.path.split('/');
        if (!container || !targetDir || !file || rest.length > 0) continue;
        const split = splitTargetKey(targetDir);
        const m = /^(\d{8}T\d{6}Z)\./.exec(file);
        if (!split || !m?.[1] || !wanted(container, split.type, split.instance)) continue;
        const key = `${container}/${targetDir}/${file}`;
        const remote: RemoteCopy = { path: r.remotePath, size: r.size, hasSha256: r.hasSha256, ...(r.legacy ? { legacy: true } : {}) };
        const existing = byKey.get(key);
        if (existing) {
          existing.remote ??= remote;
          existing.manifest ??= r.manifest;
          continue;
        }
        byKey.set(key, {
          container,
          ...split,
          timestamp: m[1],
          date: parseCompact(m[1]),
          file,
          compression: compressionOf(file),
          size: r.size,
          ...(r.manifest ? { manifest: r.manifest } : {}),
          remote,
        });
      }
    } catch (err) {
      problems.push({ source: 'remote', message: err instanceof Error ? err.message : String(err) });
    }
  }

  const entries = [...byKey.values()];
  if (sources.restic) {
    try {
      const tags = filter.container === undefined ? [] : [`container:${filter.container}`];
      for (const snap of await sources.restic.snapshots({ tags })) {
        const tag = (name: string) => snap.tags.find((t) => t.startsWith(`${name}:`))?.slice(name.length + 1);
        const container = tag('container');
        const split = splitTargetKey(tag('target') ?? '');
        const path = snap.paths[0];
        if (!container || !split || !path || !wanted(container, split.type, split.instance)) continue;
        const file = path.split('/').at(-1) ?? path;
        const manifest = manifestFromTags(snap.tags);
        entries.push({
          container,
          ...split,
          timestamp: compactTimestamp(snap.time),
          date: snap.time,
          file,
          compression: compressionOf(file),
          ...(manifest ? { manifest } : {}),
          restic: { snapshotId: snap.id, shortId: snap.shortId, path, host: snap.host },
          snapshotId: snap.id,
        });
      }
    } catch (err) {
      problems.push({ source: 'restic', message: err instanceof Error ? err.message : String(err) });
    }
  }
  entries.sort(byTargetThenTime);
  return { entries, problems };
}

function parseCompact(ts: string): Date {
  return new Date(`${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(9, 11)}:${ts.slice(11, 13)}:${ts.slice(13, 15)}Z`);
}

/** Where an entry lives, as ls prints it. */
export function locationOf(e: BackupEntry): 'local' | 'remote' | 'both' | 'restic' {
  if (e.restic) return 'restic';
  if (e.staging && e.remote) return 'both';
  return e.staging ? 'local' : 'remote';
}

function byTargetThenTime(a: BackupEntry, b: BackupEntry): number {
  const ka = targetKey(a.container, a);
  const kb = targetKey(b.container, b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.date.getTime() - b.date.getTime();
}
