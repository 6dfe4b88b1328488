// The pipeline's last stage: after a job's backup is stored, its target × schedule's retention runs on staging and
// off-host (the backend forgets natively, restic, or hands its files to the same arithmetic, rclone). Retention never
// fails a backup that is already safe: the job passes through as it came, and prune logs its own problems.
import { catchError, defer, from, map, mergeMap, of, type OperatorFunction } from 'rxjs';
import type { BackupJob, JobFlow, Logger } from '@baqup/core';
import { errorCode, errorMessage, jobFields } from '@baqup/core';
import type { UploadBackend } from '@baqup/upload';
import type { TriggerRetention } from './groups.js';
import { pruneSide, pruneTarget, type PruneTargetOptions } from './prune-target.js';

export interface PruneOperatorOptions {
  stagingRoot: string;
  backend: Pick<UploadBackend, 'forget'>;
  logger: Logger;
  timeZone: string;
  /** Policies of manual backups and safety copies (config `retention`); default DEFAULT_TRIGGER_RETENTION. */
  triggerRetention?: TriggerRetention;
  /** Prunes at once (default: unbounded; each is one target's listing and a few deletes). */
  concurrency?: number;
}

/** Runs retention for each stored job's target × schedule; failed jobs and the stored ones pass through unchanged. */
export function prune<T extends { kind: string; job: BackupJob }>(o: PruneOperatorOptions): OperatorFunction<JobFlow<T>, JobFlow<T>> {
  return mergeMap(
    (flow) => {
      if (flow.kind === 'failed') return of(flow);
      const { job } = flow as T;
      const fields = jobFields(job);
      return defer(() => from(pruneJob(o, job, fields))).pipe(
        catchError((err: unknown) => {
          o.logger.warn('prune failed', { ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
          return of(undefined);
        }),
        map(() => flow),
      );
    },
    o.concurrency ?? Number.POSITIVE_INFINITY,
  );
}

async function pruneJob(o: PruneOperatorOptions, job: BackupJob, fields: Record<string, string>): Promise<void> {
  const target: PruneTargetOptions = {
    stagingRoot: o.stagingRoot,
    container: job.container.containerName,
    type: job.target.type,
    instance: job.target.instance,
    schedule: job.schedule.name,
    policy: job.schedule.retention,
    ...(o.triggerRetention ? { triggerRetention: o.triggerRetention } : {}),
    logger: o.logger,
    timeZone: o.timeZone,
  };
  await pruneTarget(target);
  await o.backend.forget({ container: target.container, type: target.type, instance: target.instance, schedule: target.schedule }, target.policy, {
    fields,
    byFiles: (side) => pruneSide(target, 'remote', side, { job_id: fields.job_id }),
  });
}
