// The job queue in front of the one long-lived backup pipeline: never two jobs for one target in the pipeline at once,
// a bounded and visible queue. The pipeline's stages bound their own concurrency with mergeMap, whose buffer is
// unbounded, so admission (dedupe + bound) happens before them: at most `concurrency + queueLimit` jobs are in the
// pipeline at any time, and a target's next job is admitted only after its previous result came out.
import { errorCode, errorMessage, silentLogger, targetKey, targetName, type BackupJob, type Logger } from '@baqup/core';
import { catchError, connect, defer, filter, finalize, map, merge, Subject, tap, type Observable, type OperatorFunction } from 'rxjs';

export type SkipReason = 'target-busy' | 'target-queued' | 'queue-full' | 'stopping' | 'cancelled';

/** Emitted instead of a result for a job that was not run. */
export interface JobSkipped {
  kind: 'skipped';
  job: BackupJob;
  reason: SkipReason;
  message: string;
}

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
  /** Told of every job admitted to the queue (scheduled and manual alike), before it starts: GET /api/jobs lists it as queued. */
  onQueued?: (job: BackupJob) => void;
  /** Gets the queue's cancel function on each subscription (DELETE /api/jobs/{id}): see JobCanceller. */
  canceller?: JobCanceller;
}

/** What a cancel request found: the job taken out of the queue, or why not. */
export type CancelOutcome =
  | { status: 'cancelled'; job: BackupJob }
  /** It has its slot and runs: baqup may hold its container stopped and is writing its backup, so it is not cut off. */
  | { status: 'running'; job: BackupJob }
  /** Not in the queue: never queued, or already finished (the job registry knows which). */
  | { status: 'unknown' };

/**
 * The handle a caller cancels queued jobs through. runPipeline attaches its queue to it when subscribed (and
 * detaches when unsubscribed); with nothing attached every id is `unknown`.
 */
export class JobCanceller {
  #cancel: ((jobId: string) => CancelOutcome) | undefined;

  /** Takes a queued job out of the queue: it is never started, and leaves the pipeline at once as a `cancelled` skip. */
  cancel(jobId: string): CancelOutcome {
    return this.#cancel?.(jobId) ?? { status: 'unknown' };
  }

  attach(cancel: (jobId: string) => CancelOutcome): () => void {
    this.#cancel = cancel;
    return () => {
      if (this.#cancel === cancel) this.#cancel = undefined;
    };
  }
}

type Admission = { job: BackupJob; key: string; skipped?: JobSkipped };

const MESSAGES: Record<SkipReason, string> = {
  'target-busy': 'a job for this target is still running',
  'target-queued': 'a job for this target is already queued',
  'queue-full': 'the job queue is full',
  stopping: 'the controller is stopping; the job was queued and is not started',
  cancelled: 'taken out of the queue before it started; it never ran',
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
      // The jobs behind those keys, by job id (what a cancel names).
      const queuedJobs = new Map<string, BackupJob>();
      const runningJobs = new Map<string, BackupJob>();
      // Cancelled jobs still waiting in the pipeline's own buffer: skipped (silently: their skip already left) when
      // their slot comes, which they give back at once.
      const cancelled = new Set<string>();
      // Cancelled jobs' skips, out at once; one per subscription of the pipeline, completed with it.
      let cancelled$ = new Subject<JobSkipped>();
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
        queuedJobs.set(job.id, job);
        opts.onQueued?.(job);
        logger.info('job queued', { event: 'job.queued', ...fields(job), queued: queued.size, running: running.size });
        // A job that gets a free slot starts synchronously and publishes then; don't show it as queued for an instant.
        if (running.size >= concurrency) publish();
        return { job, key };
      };
      const control: JobQueueControl = {
        started: (job) => {
          // Its skip left when it was cancelled; the pipeline drops this one (below). Its key may be a newer job's.
          if (cancelled.has(job.id)) return { kind: 'skipped', job, reason: 'cancelled', message: MESSAGES.cancelled };
          const key = keyOf(job);
          queued.delete(key);
          queuedJobs.delete(job.id);
          if (opts.stopping?.()) {
            publish();
            const message = MESSAGES.stopping;
            logger.info(`job skipped: ${message}`, { event: 'job.skipped', ...fields(job), reason: 'stopping' });
            return { kind: 'skipped', job, reason: 'stopping', message };
          }
          running.add(key);
          runningJobs.set(job.id, job);
          publish();
          return undefined;
        },
      };
      const cancel = (jobId: string): CancelOutcome => {
        const run = runningJobs.get(jobId);
        if (run) return { status: 'running', job: run };
        const job = queuedJobs.get(jobId);
        if (!job) return { status: 'unknown' };
        queuedJobs.delete(jobId);
        queued.delete(keyOf(job));
        cancelled.add(jobId);
        publish();
        logger.info(`job cancelled: ${MESSAGES.cancelled}`, { event: 'job.cancelled', ...fields(job) });
        cancelled$.next({ kind: 'skipped', job, reason: 'cancelled', message: MESSAGES.cancelled });
        return { status: 'cancelled', job };
      };
      const release = (r: R | JobSkipped) => {
        // A `stopping` skip left the queue in started(); a later job for its target may be queued by now.
        if ('kind' in r && r.kind === 'skipped') return;
        const key = keyOf(r.job);
        runningJobs.delete(r.job.id);
        queuedJobs.delete(r.job.id);
        if (running.delete(key) || queued.delete(key)) publish();
      };
      // A cancelled job reaching the pipeline's end: its skip already went out when it was cancelled.
      const fresh = (r: R | JobSkipped) => !('kind' in r && r.kind === 'skipped' && r.reason === 'cancelled' && cancelled.delete(r.job.id));
      const clear = () => {
        running.clear();
        queued.clear();
        runningJobs.clear();
        queuedJobs.clear();
        cancelled.clear();
        publish();
      };
      const detach = opts.canceller?.attach(cancel);

      const input$ = opts.trigger$ ? merge(jobs$, opts.trigger$) : jobs$;
      // connect(): both branches subscribe before the input starts, so a synchronous source loses nothing.
      const admitted$ = defer(() => {
        const cancels$ = (cancelled$ = new Subject<JobSkipped>());
        return input$.pipe(
          map(admit),
          connect((admissions$) =>
            merge(
              admissions$.pipe(filter((a) => a.skipped !== undefined), map((a) => a.skipped!)),
              admissions$.pipe(filter((a) => a.skipped === undefined), map((a) => a.job), pipeline(control), tap(release), filter(fresh), finalize(() => cancels$.complete())),
              cancels$,
            ),
          ),
        );
      });
      return admitted$.pipe(
        catchError((err: unknown, again) => {
          logger.error('backup pipeline failed outside its stages\' error handling; its running jobs are lost and it starts again', {
            event: 'job.failed', running: [...running], error: { code: errorCode(err), message: errorMessage(err) },
          });
          clear();
          return again;
        }),
        // Unsubscribed with jobs still queued (shutdown): they are dropped, so the visible queue must say so.
        finalize(() => {
          detach?.();
          clear();
        }),
      );
    });
}
