// The staged side as upload sees it: stage's listing (@baqup/stage owns the layout, names and manifest) plus
// upload's own record, the hidden `.{name}.uploaded` marker written beside a file once its remote copy was verified.
import { rm } from 'node:fs/promises';
import type { BackupManifest } from '@baqup/core';
import { backupFiles, listStaged as listStagedEntries, type StagedFilter } from '@baqup/stage';
import { markerPath, readUploadMarker, type UploadMarker } from './upload-marker.js';
import { targetKey } from '@baqup/core';

export interface StagedBackup {
  /** Absolute path of the data file. */
  file: string;
  /** Path under the staging root with `/` separators (`container/type-instance/file`). */
  relativePath: string;
  /** Absent while stage is still writing (the manifest is written last) or when the run died half-way. */
  manifest?: BackupManifest;
  uploaded?: UploadMarker;
}

/** `container/type-instance` (what uploadPending and prune pass) as stage's filter. */
function filterOf(prefix: string): StagedFilter {
  const [container, target] = prefix.replace(/^\/+|\/+$/g, '').split('/');
  const dash = target?.indexOf('-') ?? -1;
  return {
    ...(container ? { container } : {}),
    ...(target && dash > 0 ? { type: target.slice(0, dash), instance: target.slice(dash + 1) } : {}),
  };
}

/** Every staged data file under `root` (or one container / target: `container[/type-instance]`), with its upload marker. */
export async function stagedBackups(root: string, prefix = ''): Promise<StagedBackup[]> {
  const out: StagedBackup[] = [];
  for (const e of await listStagedEntries(root, filterOf(prefix))) {
    const uploaded = await readUploadMarker(e.path);
    out.push({
      file: e.path,
      relativePath: `${targetKey(e.container, e)}/${e.file}`,
      ...(e.manifest && { manifest: e.manifest }),
      ...(uploaded && { uploaded }),
    });
  }
  return out.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
}

/**
 * Complete staged backups (manifest present) without a verified copy on `remote` (its display string):
 * what a failed run left behind, to be uploaded again by the next one.
 */
export async function pendingUploads(root: string, remote: string | { display: string }): Promise<StagedBackup[]> {
  const display = typeof remote === 'string' ? remote : remote.display;
  const all = await stagedBackups(root);
  return all.filter(
    (b) => b.manifest !== undefined && !(b.uploaded?.remote === display && b.uploaded.sha256 === b.manifest.sha256),
  );
}

/** Removes a staged backup: data file and sidecars, manifest last so a half-removed backup is still listed. */
export async function removeStaged(file: string): Promise<void> {
  const [data, sha256, manifest] = backupFiles(file);
  for (const path of [data, sha256, markerPath(file), manifest]) await rm(path, { force: true });
}
