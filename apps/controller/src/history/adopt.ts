// What a fresh history database (new, or replacing a damaged one) learns from the backups that exist: every backup
// staging, the rclone remote or the restic repository holds becomes a successful run at its own time.
import { targetKey, targetName } from '@baqup/core';
import type { RunRecord } from '@baqup/history';
import { listBackups, locationOf, type BackupEntry, type BackupSources } from '@baqup/restore';

const LOCATION = { local: 'staging', remote: 'remote', both: 'staging,remote', restic: 'restic' } as const;

export function adoptedRun(e: BackupEntry): RunRecord {
  const target = targetName(e);
  const m = e.manifest;
  const started = e.date.getTime();
  const where = locationOf(e);
  return {
    id: e.restic ? `adopted:restic:${e.restic.snapshotId}` : `adopted:${e.container}/${target}/${e.file}`,
    container: e.container,
    target,
    schedule: m?.schedule ?? 'unknown',
    trigger: m?.trigger ?? 'schedule',
    started_at: started,
    finished_at: started + (m?.durations.totalMs ?? 0),
    success: true,
    ...(m?.durations.totalMs !== undefined ? { duration_ms: m.durations.totalMs } : {}),
    ...(m?.size !== undefined || e.size !== undefined ? { stored_bytes: m?.size ?? e.size } : {}),
    ...(m?.rawSize !== undefined ? { raw_bytes: m.rawSize } : {}),
    ...(m ? { sha256: m.sha256 } : {}),
    // Restic snapshots of one target share a file name inside the repository: only staged/remote files are unique.
    ...(e.restic ? {} : { file: e.file }),
    location: LOCATION[where],
    ...(where === 'local' ? {} : { upload: 'uploaded' }),
  };
}

/**
 * Runs for every backup found. A target whose files are staged or on the remote is taken from those; restic
 * snapshots count only for targets with none (with cleanup_after_upload off, staging holds the same backups).
 */
export async function foundBackups(sources: BackupSources): Promise<RunRecord[]> {
  const { entries, problems } = await listBackups(sources);
  if (entries.length === 0 && problems.length > 0) throw new Error(problems.map((p) => `${p.source}: ${p.message}`).join('; '));
  const withFiles = new Set(entries.filter((e) => !e.restic).map((e) => targetKey(e.container, e)));
  return entries.filter((e) => !e.restic || !withFiles.has(targetKey(e.container, e))).map(adoptedRun);
}
