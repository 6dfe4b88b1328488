// Desired state → cron ticks → jobs → results, through one queue that manual triggers share.
import { Subject, Subscription, type Observable } from 'rxjs';
import { share, takeUntil } from 'rxjs/operators';
import type { BackupJob, BackupResult, DesiredState, Logger } from '@baqup/core';
import { nextRuns, runJobs, schedule, toJobs, type JobSkipped } from '@baqup/scheduler';
import type { StateStore } from '@baqup/state';

export interface JobsOptions {
  desired$: Observable<DesiredState>;
  store: StateStore;
  logger: Logger;
  timezone: string;
  concurrency: number;
  queueLimit: number;
  runJob: (job: BackupJob) => Observable<BackupResult>;
  onResult: (result: BackupResult) => void;
}

export interface Jobs {
  /** Queue a manual job through the same path as scheduled ones. */
  trigger: (job: BackupJob) => void;
  results$: Observable<BackupResult | JobSkipped>;
  subscription: Subscription;
  /** Stop taking new jobs (ticks and triggers); running ones go on. Resolves when the last one has finished. */
  drain: () => Promise<void>;
}

export function startJobs(o: JobsOptions): Jobs {
  const manual$ = new Subject<BackupJob>();
  const stopping$ = new Subject<void>();
  let drained!: () => void;
  const drainedP = new Promise<void>((resolve) => (drained = resolve));
  const subscription = new Subscription();
  let latest: DesiredState = new Map();

  const refreshNextRuns = () => {
    for (const p of nextRuns(latest, new Date(), o.timezone)) o.store.setNextRun(p.key, p.next[0]);
  };

  const desired$ = o.desired$.pipe(share());
  subscription.add(
    desired$.subscribe((d) => {
      latest = d;
      refreshNextRuns();
    }),
  );

  const results$ = schedule(desired$, { timezone: o.timezone, logger: o.logger }).pipe(
    takeUntil(stopping$),
    toJobs(),
    runJobs(o.runJob, {
      concurrency: o.concurrency,
      queueLimit: o.queueLimit,
      logger: o.logger,
      onQueueChange: (q) => o.store.setQueue(q),
      trigger$: manual$,
    }),
    share(),
  );
  const intake = results$.subscribe({ complete: () => drained(), next: (r) => {
    if ('kind' in r && r.kind === 'skipped') {
      o.store.recordEvent({ event: 'job.skipped', container: r.job.container.containerName, target: `${r.job.target.type}-${r.job.target.instance}`, message: r.message });
      return;
    }
    const result = r as BackupResult;
    o.store.recordResult(result);
    o.store.recordEvent({
      event: result.success ? 'job.succeeded' : 'job.failed',
      container: result.job.container.containerName,
      target: `${result.job.target.type}-${result.job.target.instance}`,
      message: result.success ? `backup written: ${result.stagingPath ?? ''}` : (result.error?.message ?? 'failed'),
    });
    refreshNextRuns();
    o.onResult(result);
  } });
  subscription.add(intake);

  return {
    trigger: (job) => manual$.next(job),
    results$,
    subscription,
    drain: () => {
      stopping$.next();
      manual$.complete();
      return drainedP;
    },
  };
}

