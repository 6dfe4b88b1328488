// The one long-lived backup pipeline: jobs flow through dump → compress → stage → upload → prune, errors as values
// all the way (each stage catches inside its own inner stream; a failed job passes the later stages untouched), and
// come out as one BackupResult each (or the queue's JobSkipped for a job the stopping controller did not start).
// The controller only composes; each stage's logic lives in its package.
import { concat, from, identity, ignoreElements, map, mergeMap, of, tap, type ObservableInput, type OperatorFunction } from 'rxjs';
import { ApiStoppingError, ControllerHaltedError, HoldRefusedError, jobFields, type BackupJob, type BackupResult, type CompressedJob, type DumpedJob, type JobFlow, type Logger, type StagedJob } from '@baqup/core';
import { compress } from '@baqup/compress';
import { dump, type DumpDeps } from '@baqup/dump';
import { prune, type TriggerRetention } from '@baqup/prune';
import type { JobQueueControl, JobSkipped } from '@baqup/scheduler';
import { stage } from '@baqup/stage';
import { upload, type UploadBackend, type UploadedJob } from '@baqup/upload';
import type { JobRegistry } from './job-registry.js';

export interface PipelineDeps {
  dump: DumpDeps;
  logger: Logger;
  stagingRoot: string;
  cleanupAfterUpload: boolean;
  levels: { gzip: number; zstd: number };
  timezone: string;
  /** Retention of manual backups and safety copies (config `retention`). */
  triggerRetention: TriggerRetention;
  backend: UploadBackend;
  /** Dumps running at once (`concurrency`); uploads run one at a time whatever this is. */
  concurrency: number;
  /** Refuse this job (staging disk full, and the target is not likely to fit): the reason, or undefined when it may run. */
  halted: (job: BackupJob) => string | undefined;
  /** Told the compressed bytes each running job has written to staging so far (GET /api/jobs/{id}). */
  progress?: Pick<JobRegistry, 'progress'>;
}

/** The stages, swappable so the wiring can be tested with marbles (pipeline.test.ts). */
export interface Stages {
  dump: (onStart: (job: BackupJob) => { code: string; message: string } | undefined) => OperatorFunction<BackupJob, JobFlow<DumpedJob>>;
  compress: OperatorFunction<JobFlow<DumpedJob>, JobFlow<CompressedJob>>;
  stage: OperatorFunction<JobFlow<CompressedJob>, JobFlow<StagedJob>>;
  upload: OperatorFunction<JobFlow<StagedJob>, JobFlow<UploadedJob>>;
  prune: OperatorFunction<JobFlow<UploadedJob>, JobFlow<UploadedJob>>;
}

/** A cold hold refused because the controller is stopping: the job did not run, it did not fail. */
export const refusedByShutdown = (r: BackupResult, holds: { closed: boolean }): boolean => !r.success && r.error?.code === HoldRefusedError.code && holds.closed;

export function stagesOf(deps: PipelineDeps): Stages {
  const progress = deps.progress;
  return {
    dump: (onStart) => dump(deps.dump, { concurrency: deps.concurrency, onStart }),
    compress: compress({ levels: deps.levels, logger: deps.logger }),
    // Stage tells the job registry the bytes of each staged file as they land (GET /api/jobs/{id}).
    stage: stage({ root: deps.stagingRoot, logger: deps.logger, ...(progress ? { onBytes: (id: string, n: number) => progress.progress(id, n) } : {}) }),
    upload: upload(deps.backend, { stagingRoot: deps.stagingRoot, cleanupAfterUpload: deps.cleanupAfterUpload, logger: deps.logger }),
    prune: prune<UploadedJob>({ stagingRoot: deps.stagingRoot, backend: deps.backend, logger: deps.logger, timeZone: deps.timezone, triggerRetention: deps.triggerRetention }),
  };
}

/** The pipeline, given the queue it reports starts to: each job in, one BackupResult out, never an error. */
export function backupPipeline(
  deps: Pick<PipelineDeps, 'logger' | 'halted'> & {
    holds?: { closed: boolean };
    /** Told when a job gets its dump slot and runs (the job registry's `running`, the history's start, post_exec owed, the start ping). */
    onStarted?: (job: BackupJob) => void;
    /** Waited for (to its end) for each result before it leaves the pipeline (post_exec, then the end ping); never errors. */
    onFinished?: (result: BackupResult) => ObservableInput<unknown>;
    /**
     * Taken before a job waits for its dump slot, released once its result left onFinished: the target's lock, so a
     * drill of the target never runs beside its backup (the wait is not the job's: onStarted comes after it).
     */
    lock?: (job: BackupJob) => Promise<() => void>;
  },
  stages: Stages,
): (queue: JobQueueControl) => OperatorFunction<BackupJob, BackupResult | JobSkipped> {
  const { logger } = deps;
  const finished = deps.onFinished;
  // Jobs the queue did not start (the controller is stopping): refused at the dump, they leave as the queue's skip.
  const skipped = new WeakMap<BackupJob, JobSkipped>();
  // When a job gets its dump slot: the queue learns it runs, and a halted controller refuses it before it starts.
  const onStart = (queue: JobQueueControl) => (job: BackupJob) => {
    const skip = queue.started(job);
    if (skip) {
      skipped.set(job, skip);
      return { code: ApiStoppingError.code, message: skip.message };
    }
    deps.onStarted?.(job);
    const halted = deps.halted(job);
    if (halted) return { code: ControllerHaltedError.code, message: halted };
    logger.info('backup started', { event: 'job.started', ...jobFields(job), trigger: job.trigger });
    return undefined;
  };
  const lock = deps.lock;
  const releases = new Map<string, () => void>();
  const release = (job: BackupJob) => {
    releases.get(job.id)?.();
    releases.delete(job.id);
  };
  const locked: OperatorFunction<BackupJob, BackupJob> = lock
    ? mergeMap((job) => from(lock(job)).pipe(map((r) => (releases.set(job.id, r), job))))
    : identity;
  return (queue) => (jobs$) =>
    jobs$.pipe(
      locked,
      stages.dump(onStart(queue)),
      stages.compress,
      stages.stage,
      stages.upload,
      stages.prune,
      map((flow) => (flow.kind === 'failed' && skipped.get(flow.result.job)) || report(flow, logger, deps.holds)),
      mergeMap((r) => (finished === undefined || 'kind' in r ? of(r) : concat(from(finished(r)).pipe(ignoreElements()), of(r)))),
      tap((r) => release(r.job)),
    );
}

/** The job's result, logged as `job.succeeded` or `job.failed`. */
function report(flow: JobFlow<UploadedJob>, logger: Logger, holds?: { closed: boolean }): BackupResult {
  if (flow.kind === 'failed') {
    const r = flow.result;
    if (holds && refusedByShutdown(r, holds)) {
      logger.info('job skipped: the controller is stopping, so its container is not stopped for a copy', { event: 'job.skipped', ...jobFields(r.job), reason: 'stopping' });
      return r;
    }
    logger.error('backup failed', { event: 'job.failed', ...jobFields(r.job), duration_ms: Math.round(r.durationSeconds * 1000), error: r.error });
    return r;
  }
  const durationSeconds = (Date.now() - flow.job.triggeredAt.getTime()) / 1000;
  logger.info('backup succeeded', { event: 'job.succeeded', ...jobFields(flow.job), bytes: flow.manifest.size, duration_ms: Math.round(durationSeconds * 1000), path: flow.stagingPath });
  return { job: flow.job, success: true, stagingPath: flow.stagingPath, manifest: flow.manifest, bytes: flow.manifest.size, durationSeconds };
}
