// The job queue: never two jobs for one target at once, a global concurrency limit, a bounded and visible queue.
// mergeMap's own buffer is unbounded, so admission (dedupe + bound) happens before it: only admitted jobs reach it,
// and at most `concurrency + queueLimit` are admitted at any time.
import { errorCode, errorMessage, silentLogger, targetKey, targetName, type BackupJob, type Logger } from '@baqup/core';
import { EMPTY, catchError, connect, defer, filter, finalize, map, merge, mergeMap, of, type Observable, type OperatorFunction } from 'rxjs';

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
  /** Jobs running at once across all targets; default 2. */
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

/**
 * Runs each job with `run`. `run` should catch its own errors and emit a failed result; an error that still escapes
 * is logged as `job.failed` and dropped, so the queue (and the outer pipeline) keeps going.
 */
export function runJobs<R>(run: (job: BackupJob) => Observable<R>, opts: RunJobsOptions = {}): OperatorFunction<BackupJob, R | JobSkipped> {
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const queueLimit = Math.max(0, opts.queueLimit ?? 100);
  const logger = opts.logger ?? silentLogger;

  return (jobs$) =>
    defer(() => {
      // Per subscription, so one operator instance can be reused. Sets keep insertion order: FIFO for `queued`.
      const running = new Set<string>();
      const queued = new Set<string>();
      const publish = () => opts.onQueueChange?.({ running: [...running], queued: [...queued] });
      const fields = (job: BackupJob) => ({
        container: job.container.containerName,
        target: targetName(job.target),
        schedule: job.schedule.name,
        job_id: job.id,
        trigger: job.trigger,
      });

      const admit = (job: BackupJob): Admission => {
        const key = targetKey(job.container.containerName, job.target);
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

      const start = ({ job, key }: Admission): Observable<R | JobSkipped> =>
        defer((): Observable<R | JobSkipped> => {
          queued.delete(key);
          if (opts.stopping?.()) {
            publish();
            const message = MESSAGES.stopping;
            logger.info(`job skipped: ${message}`, { event: 'job.skipped', ...fields(job), reason: 'stopping' });
            return of<JobSkipped>({ kind: 'skipped', job, reason: 'stopping', message });
          }
          running.add(key);
          publish();
          return run(job);
        }).pipe(
          catchError((err: unknown) => {
            logger.error('job crashed outside its stage error handling', { event: 'job.failed', ...fields(job), error: { code: errorCode(err), message: errorMessage(err) } });
            return EMPTY;
          }),
          finalize(() => {
            running.delete(key);
            publish();
          }),
        );

      const input$ = opts.trigger$ ? merge(jobs$, opts.trigger$) : jobs$;
      // connect(): both branches subscribe before the input starts, so a synchronous source loses nothing.
      return input$.pipe(
        map(admit),
        connect((admissions$) =>
          merge(
            admissions$.pipe(filter((a) => a.skipped !== undefined), map((a) => a.skipped!)),
            admissions$.pipe(filter((a) => a.skipped === undefined), mergeMap(start, concurrency)),
          ),
        ),
        // Unsubscribed with jobs still queued (shutdown): they are dropped, so the visible queue must say so.
        finalize(() => {
          running.clear();
          queued.clear();
          publish();
        }),
      );
    });
}
