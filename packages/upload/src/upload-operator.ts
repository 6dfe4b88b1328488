// The pipeline stage: StagedJob → UploadedJob, through a backend strategy (rclone or restic). A failed store becomes
// a JobFailed (staging kept, no upload marker: retried on the next run of the target); the outer stream never errors.
// After a job's own store succeeded, the earlier staged backups of its target still without a verified copy go too,
// oldest first ("retry next scheduled run"), for either backend.
import { catchError, connect, defer, filter, from, merge, mergeMap, of, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { BackupJob, BackupManifest, JobFailed, JobFlow, Logger, StagedJob } from '@baqup/core';
import { errorCode, errorMessage, failedResult, targetKey, targetName } from '@baqup/core';
import type { StoreReport, UploadBackend } from './backend.js';
import type { RcloneRemote } from './rclone-remote.js';
import { removeStaged } from './staging.js';
import { uploadPending } from './upload-pending.js';

export interface UploadedJob {
  kind: 'uploaded';
  job: BackupJob;
  /** Where the staged copy was; gone when cleanupAfterUpload removed it. */
  stagingPath: string;
  stagingRemoved: boolean;
  manifest: BackupManifest;
  report: StoreReport;
}

export interface UploadOptions {
  stagingRoot: string;
  cleanupAfterUpload: boolean;
  logger: Logger;
  /** Stores at once (default 1: one link, one transfer), however many jobs dump meanwhile. */
  concurrency?: number;
  /** Also store earlier staged backups of the job's target that have no verified copy (default true). */
  retryPending?: boolean;
  /** Stores one job; the default goes through the backend (the marble tests of the wiring swap it). */
  storeJob?: (staged: StagedJob) => ObservableInput<UploadedJob>;
}

/** The rclone-only form: `upload({ remote, … })`. */
export interface UploadDeps extends UploadOptions {
  remote: Pick<RcloneRemote, 'display' | 'upload'>;
}

type Backend = Pick<UploadBackend, 'markerKey' | 'store'>;

const rcloneStore = (remote: UploadDeps['remote']): Backend => ({
  markerKey: remote.display,
  store: (r) => remote.upload(r.file, r.relativePath, r.signal, { fields: r.fields }),
});

/** Staged path relative to the staging root: the remote mirrors it exactly. */
function relativeTo(root: string, path: string): string {
  const base = root.endsWith('/') ? root : `${root}/`;
  if (!path.startsWith(base)) throw new Error(`staged file ${path} is outside the staging root`);
  return path.slice(base.length);
}

export function upload(backend: Backend, options: UploadOptions): OperatorFunction<JobFlow<StagedJob>, JobFlow<UploadedJob>>;
export function upload(deps: UploadDeps): OperatorFunction<JobFlow<StagedJob>, JobFlow<UploadedJob>>;
export function upload(first: Backend | UploadDeps, second?: UploadOptions): OperatorFunction<JobFlow<StagedJob>, JobFlow<UploadedJob>> {
  const [backend, o] = 'remote' in first && second === undefined
    ? [rcloneStore(first.remote), { ...first, retryPending: first.retryPending ?? false }]
    : [first as Backend, second as UploadOptions];
  // Failed jobs of earlier stages pass at once: they never wait for a transfer slot behind a long upload.
  const isFailed = (f: JobFlow<StagedJob>): f is JobFailed => f.kind === 'failed';
  return connect((flows$) => merge(flows$.pipe(filter(isFailed)), flows$.pipe(filter((f): f is StagedJob => !isFailed(f)), storeAll(backend, o))));
}

function storeAll(backend: Backend, o: UploadOptions): OperatorFunction<StagedJob, JobFlow<UploadedJob>> {
  return mergeMap((staged) => {
    const fields = { container: staged.manifest.container, target: targetName(staged.manifest), schedule: staged.manifest.schedule, job_id: staged.job.id };
    return defer(() => (o.storeJob ? o.storeJob(staged) : from(storeOne(backend, o, staged, fields)))).pipe(
      catchError((err: unknown) => {
        const failed: JobFailed = failedResult(staged.job, staged.job.triggeredAt, { code: errorCode(err), message: errorMessage(err) });
        failed.result.stagingPath = staged.stagingPath;
        failed.result.manifest = staged.manifest;
        return of(failed);
      }),
    );
  }, o.concurrency ?? 1);
}

async function storeOne(backend: Backend, o: UploadOptions, staged: StagedJob, fields: Record<string, string>): Promise<UploadedJob> {
  const report = await backend.store({ file: staged.stagingPath, relativePath: relativeTo(o.stagingRoot, staged.stagingPath), manifest: staged.manifest, fields });
  let stagingRemoved = false;
  if (o.cleanupAfterUpload) {
    // Only reached after the stored copy was verified.
    try {
      await removeStaged(staged.stagingPath);
      stagingRemoved = true;
    } catch (err) {
      o.logger.warn('staged copy not removed after upload', { ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }
  if (o.retryPending ?? true) await retryEarlier(backend, o, staged, fields);
  return { kind: 'uploaded', job: staged.job, stagingPath: staged.stagingPath, stagingRemoved, manifest: staged.manifest, report };
}

/** Never fails the job whose own backup is already safe: problems are logged. */
async function retryEarlier(backend: Backend, o: UploadOptions, staged: StagedJob, fields: Record<string, string>): Promise<void> {
  const { job } = staged;
  try {
    const pending = await uploadPending({ stagingRoot: o.stagingRoot, backend, cleanupAfterUpload: o.cleanupAfterUpload, logger: o.logger, prefix: targetKey(job.container.containerName, job.target) });
    const first = pending.failed[0];
    if (first) o.logger.error('earlier backups still wait for upload', { event: 'upload.failed', ...fields, pending: pending.remaining.length, error: first.error });
  } catch (err) {
    o.logger.warn('upload of earlier backups failed', { ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
  }
}
