// The pipeline stage: StagedJob → UploadedJob. A failed upload becomes a JobFailed (staging kept, retried
// by uploadPending on the next run); the outer stream never errors.
import { catchError, defer, from, mergeMap, of, type OperatorFunction } from 'rxjs';
import type { BackupJob, BackupManifest, JobFailed, JobFlow, Logger, StagedJob } from '@baqup/core';
import { errorCode, errorMessage, failedResult, targetName } from '@baqup/core';
import type { RcloneRemote } from './rclone-remote.js';
import type { UploadReport } from './rclone-upload.js';
import { removeStaged } from './staging.js';

export interface UploadedJob {
  kind: 'uploaded';
  job: BackupJob;
  /** Where the staged copy was; gone when cleanupAfterUpload removed it. */
  stagingPath: string;
  stagingRemoved: boolean;
  manifest: BackupManifest;
  report: UploadReport;
}

export interface UploadDeps {
  remote: Pick<RcloneRemote, 'display' | 'upload'>;
  stagingRoot: string;
  cleanupAfterUpload: boolean;
  logger: Logger;
  /** Uploads at once (default 1: one link, one transfer). */
  concurrency?: number;
}

/** Staged path relative to the staging root: the remote mirrors it exactly. */
function relativeTo(root: string, path: string): string {
  const base = root.endsWith('/') ? root : `${root}/`;
  if (!path.startsWith(base)) throw new Error(`staged file ${path} is outside the staging root`);
  return path.slice(base.length);
}

export function upload(deps: UploadDeps): OperatorFunction<JobFlow<StagedJob>, JobFlow<UploadedJob>> {
  return mergeMap((item) => {
    if (item.kind === 'failed') return of(item);
    const staged = item;
    const fields = { container: staged.manifest.container, target: targetName(staged.manifest), schedule: staged.manifest.schedule, job_id: staged.job.id };
    return defer(() => from(uploadOne(deps, staged, fields))).pipe(
      catchError((err: unknown) => {
        const failed: JobFailed = failedResult(staged.job, staged.job.triggeredAt, { code: errorCode(err), message: errorMessage(err) });
        failed.result.stagingPath = staged.stagingPath;
        failed.result.manifest = staged.manifest;
        return of(failed);
      }),
    );
  }, deps.concurrency ?? 1);
}

async function uploadOne(deps: UploadDeps, staged: StagedJob, fields: Record<string, string>): Promise<UploadedJob> {
  const report = await deps.remote.upload(staged.stagingPath, relativeTo(deps.stagingRoot, staged.stagingPath), undefined, { fields });
  let stagingRemoved = false;
  if (deps.cleanupAfterUpload) {
    // Only reached after the remote copy was read back and matched.
    try {
      await removeStaged(staged.stagingPath);
      stagingRemoved = true;
    } catch (err) {
      deps.logger.warn('staged copy not removed after upload', { ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }
  return { kind: 'uploaded', job: staged.job, stagingPath: staged.stagingPath, stagingRemoved, manifest: staged.manifest, report };
}
