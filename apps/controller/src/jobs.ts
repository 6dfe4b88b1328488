// Desired state → cron ticks → jobs → the one backup pipeline → results, through one queue that manual triggers share.
import { targetName } from '@baqup/core';
import { Subject, Subscription, type Observable, type OperatorFunction } from 'rxjs';
import { filter, share, takeUntil } from 'rxjs/operators';
import type { BackupJob, BackupResult, DesiredState, Logger } from '@baqup/core';
import { JobCanceller, nextRuns, runPipeline, schedule, toJobs, type CancelOutcome, type JobQueueControl, type JobSkipped } from '@baqup/scheduler';
import type { StateStore } from '@baqup/state';
import type { GroupRuns } from './group-runs.js';

export interface JobsOptions {
  desired$: Observable<DesiredState>;
  store: StateStore;
  logger: Logger;
  timezone: string;
  concurrency: number;
  queueLimit: number;
  /** The backup pipeline, built once and subscribed once for the controller's life. */
  pipeline: (queue: JobQueueControl) => OperatorFunction<BackupJob, BackupResult | JobSkipped>;
  onResult: (result: BackupResult) => void;
  /** Takes a scheduled job out of the queue's way (a backup group member's: its group runs instead); true when taken. */
  divert?: (job: BackupJob) => boolean;
  /** Told of every job the queue admits, scheduled or manual, before it starts (GET /api/jobs lists it as queued). */
  onQueued?: (job: BackupJob) => void;
}

export interface Jobs {
  /** Queue a manual job through the same path as scheduled ones. */
  trigger: (job: BackupJob) => void;
  /** A manual backup of a backup group member: its group's run (group-runs.ts); undefined for a container of no group. */
  group?: GroupRuns['manual'];
  results$: Observable<BackupResult | JobSkipped>;
  subscription: Subscription;
  /** Stop taking new jobs (ticks and triggers); running ones go on. Resolves when the last one has finished. */
  drain: () => Promise<void>;
  /** Take a queued job out of the queue (it never starts; results$ gets its `cancelled` skip at once); a running one is refused. */
  cancel: (jobId: string) => CancelOutcome;
}

export function startJobs(o: JobsOptions): Jobs {
  const manual$ = new Subject<BackupJob>();
  const stopping$ = new Subject<void>();
  let stopping = false;
  let drained!: () => void;
  const drainedP = new Promise<void>((resolve) => (drained = resolve));
  const subscription = new Subscription();
  let latest: DesiredState = new Map();
  const canceller = new JobCanceller();

  // Next runs are recomputed only for containers whose config changed (discovery keeps unchanged ones as the
  // same object), so a burst of 100 new containers costs 100 computations, not 100 × 100.
  const refreshNextRuns = (containers: DesiredState) => {
    for (const p of nextRuns(containers, new Date(), o.timezone)) o.store.setNextRun(p.key, p.next[0]);
  };

  const desired$ = o.desired$.pipe(share());
  subscription.add(
    desired$.subscribe((d) => {
      const changed = new Map([...d].filter(([id, c]) => latest.get(id) !== c));
      latest = d;
      if (changed.size > 0) refreshNextRuns(changed);
    }),
  );

  const results$ = schedule(desired$, { timezone: o.timezone, logger: o.logger }).pipe(
    takeUntil(stopping$),
    toJobs(),
    filter((job) => !o.divert?.(job)),
    runPipeline(o.pipeline, {
      concurrency: o.concurrency,
      queueLimit: o.queueLimit,
      logger: o.logger,
      onQueueChange: (q) => o.store.setQueue(q),
      trigger$: manual$,
      stopping: () => stopping,
      canceller,
      ...(o.onQueued ? { onQueued: o.onQueued } : {}),
    }),
    share(),
  );
  const intake = results$.subscribe({ complete: () => drained(), next: (r) => {
    if ('kind' in r && r.kind === 'skipped') {
      const skippedOf = latest.get(r.job.container.containerId);
      if (skippedOf) refreshNextRuns(new Map([[skippedOf.containerId, skippedOf]]));
      o.store.recordEvent({ event: r.reason === 'cancelled' ? 'job.cancelled' : 'job.skipped', container: r.job.container.containerName, target: targetName(r.job.target), message: r.message });
      return;
    }
    const result = r as BackupResult;
    o.store.recordResult(result);
    o.store.recordEvent({
      event: result.success ? 'job.succeeded' : 'job.failed',
      container: result.job.container.containerName,
      target: targetName(result.job.target),
      message: result.success ? `backup written: ${result.stagingPath ?? ''}` : (result.error?.message ?? 'failed'),
    });
    const c = latest.get(result.job.container.containerId);
    if (c) refreshNextRuns(new Map([[c.containerId, c]]));
    o.onResult(result);
  } });
  subscription.add(intake);

  return {
    trigger: (job) => manual$.next(job),
    cancel: (jobId) => canceller.cancel(jobId),
    results$,
    subscription,
    drain: () => {
      stopping = true;
      stopping$.next();
      manual$.complete();
      return drainedP;
    },
  };
}

