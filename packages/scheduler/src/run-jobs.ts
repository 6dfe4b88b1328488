// The job queue in front of the one long-lived backup pipeline: never two jobs for one target in the pipeline at once,
// a bounded and visible queue. The pipeline's stages bound their own concurrency with mergeMap, whose buffer is
// unbounded, so admission (dedupe + bound) happens before them: at most `concurrency + queueLimit` jobs are in the
// pipeline at any time, and a target's next job is admitted only after its previous result came out.
import { errorCode, errorMessage, silentLogger, targetKey, targetName, type BackupJob, type Logger } from '@baqup/core';
import { catchError, connect, defer, filter, finalize, map, merge, tap, type Observable, type OperatorFunction } from 'rxjs';

export type SkipReason = 'target-busy' | 'target-queued' | 'queue-full' | 'stopping';

/** Emitted instead of a result for a job that was not run. */
export interface JobSkipped {
  kind: 'skipped';
  job: BackupJob;
  reason: SkipReason;
  message: string;
}
export type Skipped = JobSkipped;

/** Target keys, in start order (running) and FIFO order (queued). */
export interface QueueSnapshot {
  running: string[];
  queued: string[];
}

export interface RunJobsOptions {
  /** Jobs running at once across all targets (the pipeline's first stage uses it); default 2. Admission bound with queueLimit. */
  concurrency?: number;
  /** Jobs waiting for a free slot; more are skipped with `queue-full`. Default 100. */
  queueLimit?: number;
  logger?: Logger;
  /** Called on every change of the queue (for the state store's `setQueue`). */
  onQueueChange?: (queue: QueueSnapshot) => void;
  /** Manual jobs ("backup now"); they share the queue, its limits and the per-target dedupe with scheduled ones. */
  trigger$?: Observable<BackupJob>;
  /** True once the controller stops: jobs still queued then are skipped (`stopping`), never started. */
  stopping?: () => boolean;
}

type Admission = { job: BackupJob; key: string; skipped?: JobSkipped };

const MESSAGES: Record<SkipReason, string> = {
  'target-busy': 'a job for this target is still running',
  'target-queued': 'a job for this target is already queued',
  'queue-full': 'the job queue is full',
  stopping: 'the controller is stopping; the job was queued and is not started',
};

/** What the pipeline tells the queue. */
export interface JobQueueControl {
  /**
   * The job got its slot in the pipeline's first stage: from queued to running. Once the controller stops it is not
   * started: the skip (`stopping`, already logged) is returned, and the pipeline must emit it instead of running it.
   */
  started(job: BackupJob): JobSkipped | undefined;
}

/**
 * Feeds admitted jobs into `pipeline` (built once, subscribed once) and passes its results out, with a JobSkipped
 * for each job not admitted. Each result (anything carrying the `job` it is for) frees its target. The pipeline
 * should never error (its stages catch inside their inner streams); if it still does, that is logged and the
 * pipeline is subscribed again with an empty queue, so the controller keeps taking jobs.
 */
export function runPipeline<R extends { job: BackupJob }>(
  pipeline: (queue: JobQueueControl) => OperatorFunction<BackupJob, R | JobSkipped>,
  opts: RunJobsOptions = {},
): OperatorFunction<BackupJob, R | JobSkipped> {
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const queueLimit = Math.max(0, opts.queueLimit ?? 100);
  const logger = opts.logger ?? silentLogger;

  return (jobs$) =>
    defer(() => {
      // Per subscription, so one operator instance can be reused. Sets keep insertion order: FIFO for `queued`.
      const running = new Set<string>();
      const queued = new Set<string>();
      const publish = () => opts.onQueueChange?.({ running: [...running], queued: [...queued] });
      const keyOf = (job: BackupJob) => targetKey(job.container.containerName, job.target);
      const fields = (job: BackupJob) => ({
        container: job.container.containerName,
        target: targetName(job.target),
        schedule: job.schedule.name,
        job_id: job.id,
        trigger: job.trigger,
      });

      const admit = (job: BackupJob): Admission => {
        const key = keyOf(job);
        const reason: SkipReason | undefined = running.has(key)
          ? 'target-busy'
          : queued.has(key)
            ? 'target-queued'
            : running.size + queued.size >= concurrency + queueLimit
              ? 'queue-full'
              : undefined;
        if (reason) {
          const message = MESSAGES[reason];
          logger.warn(`job skipped: ${message}`, { event: 'job.skipped', ...fields(job), reason });
          return { job, key, skipped: { kind: 'skipped', job, reason, message } };
        }
        queued.add(key);
        logger.info('job queued', { event: 'job.queued', ...fields(job), queued: queued.size, running: running.size });
        // A job that gets a free slot starts synchronously and publishes then; don't show it as queued for an instant.
        if (running.size >= concurrency) publish();
        return { job, key };
      };
      const control: JobQueueControl = {
        started: (job) => {
          const key = keyOf(job);
          queued.delete(key);
          if (opts.stopping?.()) {
            publish();
            const message = MESSAGES.stopping;
            logger.info(`job skipped: ${message}`, { event: 'job.skipped', ...fields(job), reason: 'stopping' });
            return { kind: 'skipped', job, reason: 'stopping', message };
          }
          running.add(key);
          publish();
          return undefined;
        },
      };
      const release = (r: R | JobSkipped) => {
        // A `stopping` skip left the queue in started(); a later job for its target may be queued by now.
        if ('kind' in r && r.kind === 'skipped') return;
        const key = keyOf(r.job);
        if (running.delete(key) || queued.delete(key)) publish();
      };
      const clear = () => {
        running.clear();
        queued.clear();
        publish();
      };

      const input$ = opts.trigger$ ? merge(jobs$, opts.trigger$) : jobs$;
      // connect(): both branches subscribe before the input starts, so a synchronous source loses nothing.
      const admitted$ = input$.pipe(
        map(admit),
        connect((admissions$) =>
          merge(
            admissions$.pipe(filter((a) => a.skipped !== undefined), map((a) => a.skipped!)),
            admissions$.pipe(filter((a) => a.skipped === undefined), map((a) => a.job), pipeline(control), tap(release)),
          ),
        ),
      );
      return admitted$.pipe(
        catchError((err: unknown, again) => {
          logger.error('backup pipeline failed outside its stages\' error handling; its running jobs are lost and it starts again', {
            event: 'job.failed', running: [...running], error: { code: errorCode(err), message: errorMessage(err) },
          });
          clear();
          return again;
        }),
        // Unsubscribed with jobs still queued (shutdown): they are dropped, so the visible queue must say so.
        finalize(clear),
      );
    });
}
