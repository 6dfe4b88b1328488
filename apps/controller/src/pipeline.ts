// One job through the stages: dump → compress → stage → upload → prune, errors as values all the way.
// The controller only composes; each stage's logic lives in its package.
import { createReadStream } from 'node:fs';
import { defer, of, type Observable } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import type { BackupJob, BackupResult, JobFailed, JobFlow, Logger, StagedJob } from '@baqup/core';
import { ControllerHaltedError, HoldRefusedError, errorCode, errorMessage, failedResult, targetKey } from '@baqup/core';
import { compress } from '@baqup/compress';
import { dump, type DumpDeps } from '@baqup/dump';
import { pruneTarget, type TriggerRetention } from '@baqup/prune';
import { stage } from '@baqup/stage';
import { countStaged, type JobRegistry } from './job-registry.js';
import { removeStaged, upload, uploadPending, type RcloneRemote, type ResticRepository } from '@baqup/upload';

export interface PipelineDeps {
  dump: DumpDeps;
  logger: Logger;
  stagingRoot: string;
  cleanupAfterUpload: boolean;
  levels: { gzip: number; zstd: number };
  timezone: string;
  /** Retention of manual backups and safety copies (config `retention`). */
  triggerRetention: TriggerRetention;
  backend: { kind: 'rclone'; remote: RcloneRemote } | { kind: 'restic'; repo: ResticRepository };
  /** Refuse this job (staging disk full, and the target is not likely to fit): the reason, or undefined when it may run. */
  halted: (job: BackupJob) => string | undefined;
  /** Told the compressed bytes each running job has written to staging so far (GET /api/jobs/{id}). */
  progress?: Pick<JobRegistry, 'progress'>;
}

const fieldsOf = (job: BackupJob) => ({ job_id: job.id, container: job.container.containerName, target: `${job.target.type}-${job.target.instance}`, schedule: job.schedule.name });

/** A cold hold refused because the controller is stopping: the job did not run, it did not fail. */
export const refusedByShutdown = (r: BackupResult, holds: { closed: boolean }): boolean => !r.success && r.error?.code === HoldRefusedError.code && holds.closed;

function failed(flow: JobFailed, logger: Logger, holds?: { closed: boolean }): BackupResult {
  if (holds && refusedByShutdown(flow.result, holds)) {
    logger.info('job skipped: the controller is stopping, so its container is not stopped for a copy', { event: 'job.skipped', ...fieldsOf(flow.result.job), reason: 'stopping' });
    return flow.result;
  }
  logger.error('backup failed', { event: 'job.failed', ...fieldsOf(flow.result.job), duration_ms: Math.round(flow.result.durationSeconds * 1000), error: flow.result.error });
  return flow.result;
}

function succeeded(staged: StagedJob, logger: Logger, extra: Partial<BackupResult> = {}): BackupResult {
  const durationSeconds = (Date.now() - staged.job.triggeredAt.getTime()) / 1000;
  const result: BackupResult = { job: staged.job, success: true, stagingPath: staged.stagingPath, manifest: staged.manifest, bytes: staged.manifest.size, durationSeconds, ...extra };
  logger.info('backup succeeded', { event: 'job.succeeded', ...fieldsOf(staged.job), bytes: staged.manifest.size, duration_ms: Math.round(durationSeconds * 1000), path: staged.stagingPath });
  return result;
}

/** Retention for the job's target and schedule on both sides; never fails the job (prune logs its own failures). */
async function prune(deps: PipelineDeps, job: BackupJob): Promise<void> {
  if (deps.backend.kind === 'restic') {
    const tags = [`container:${job.container.containerName}`, `target:${job.target.type}-${job.target.instance}`, `schedule:${job.schedule.name}`];
    await deps.backend.repo.forget(job.schedule.retention, { tags, fields: fieldsOf(job) }).catch((err: unknown) =>
      deps.logger.warn('restic forget failed', { event: 'prune.failed', ...fieldsOf(job), error: { code: errorCode(err), message: errorMessage(err) } }),
    );
  }
  await pruneTarget({
    stagingRoot: deps.stagingRoot,
    ...(deps.backend.kind === 'rclone' ? { remote: deps.backend.remote } : {}),
    container: job.container.containerName,
    type: job.target.type,
    instance: job.target.instance,
    schedule: job.schedule.name,
    policy: job.schedule.retention,
    triggerRetention: deps.triggerRetention,
    logger: deps.logger,
    timeZone: deps.timezone,
  });
}

async function afterRclone(deps: PipelineDeps, remote: RcloneRemote, staged: StagedJob): Promise<void> {
  // Earlier staged files of this target whose upload failed go now ("retry next scheduled run").
  const prefix = `${targetKey(staged.job.container.containerName, staged.job.target)}`;
  const pending = await uploadPending({ stagingRoot: deps.stagingRoot, remote, cleanupAfterUpload: deps.cleanupAfterUpload, logger: deps.logger, prefix });
  const first = pending.failed[0];
  if (first) deps.logger.error('earlier backups still wait for upload', { event: 'upload.failed', ...fieldsOf(staged.job), pending: pending.remaining.length, error: first.error });
}

async function intoRestic(deps: PipelineDeps, repo: ResticRepository, staged: StagedJob): Promise<BackupResult> {
  const { job } = staged;
  const ext = staged.manifest.file.slice(staged.manifest.timestamp.length + 1);
  const report = await repo.backupStdin(createReadStream(staged.stagingPath), {
    stdinFilename: `${job.container.containerName}/${job.target.type}-${job.target.instance}.${ext}`,
    tags: [`container:${job.container.containerName}`, `target:${job.target.type}-${job.target.instance}`, `schedule:${job.schedule.name}`],
  });
  deps.logger.info('stored in restic repository', { event: 'upload.succeeded', ...fieldsOf(job), snapshot: report.snapshotId, bytes: report.bytesProcessed, bytes_added: report.bytesAdded });
  if (deps.cleanupAfterUpload) await removeStaged(staged.stagingPath);
  return succeeded(staged, deps.logger);
}

/** Runs one job; the returned Observable emits exactly one BackupResult and never errors. */
export function backupPipeline(deps: PipelineDeps): (job: BackupJob) => Observable<BackupResult> {
  const failWith = (job: BackupJob, err: unknown, stagingPath?: string): BackupResult => {
    const f = failedResult(job, job.triggeredAt, { code: errorCode(err), message: errorMessage(err) });
    if (stagingPath) f.result.stagingPath = stagingPath;
    return failed(f, deps.logger, deps.dump.holds);
  };
  // Retention and retries of older uploads never fail a backup that is already safe; they log their own problems.
  const bestEffort = (job: BackupJob, what: string, p: Promise<void>) =>
    p.catch((err: unknown) => deps.logger.warn(`${what} failed`, { ...fieldsOf(job), error: { code: errorCode(err), message: errorMessage(err) } }));

  return (job) => {
    const halted = deps.halted(job);
    if (halted) return of(failWith(job, new ControllerHaltedError(halted)));
    deps.logger.info('backup started', { event: 'job.started', ...fieldsOf(job), trigger: job.trigger });
    const staged$ = of(job).pipe(dump(deps.dump), compress({ levels: deps.levels, logger: deps.logger }), deps.progress ? countStaged(deps.progress) : (x) => x, stage({ root: deps.stagingRoot, logger: deps.logger }));
    const backend = deps.backend;
    const done$: Observable<BackupResult> =
      backend.kind === 'rclone'
        ? staged$.pipe(
            upload({ remote: backend.remote, stagingRoot: deps.stagingRoot, cleanupAfterUpload: deps.cleanupAfterUpload, logger: deps.logger }),
            mergeMap((flow) => {
              if (flow.kind === 'failed') return of(failed(flow, deps.logger, deps.dump.holds));
              const staged: StagedJob = { kind: 'staged', job: flow.job, stagingPath: flow.stagingPath, manifest: flow.manifest };
              return defer(async () => {
                await bestEffort(job, 'upload of earlier backups', afterRclone(deps, backend.remote, staged));
                await bestEffort(job, 'prune', prune(deps, job));
                return succeeded(staged, deps.logger);
              });
            }),
          )
        : staged$.pipe(
            mergeMap((flow: JobFlow<StagedJob>) => {
              if (flow.kind === 'failed') return of(failed(flow, deps.logger, deps.dump.holds));
              return defer(async () => {
                const result = await intoRestic(deps, backend.repo, flow);
                await bestEffort(job, 'prune', prune(deps, job));
                return result;
              }).pipe(catchError((err: unknown) => of(failWith(job, err, flow.stagingPath))));
            }),
          );
    // A bug in any stage still ends as a failed result, never as an error of the outer pipeline.
    return done$.pipe(catchError((err: unknown) => of(failWith(job, err))));
  };
}
