// Desired state → cron ticks. One timer per target key: a new key is armed at once, a removed key (or a changed
// effective cron) is disarmed at once, and an unchanged key keeps its timer across desired-state updates.
import { CronInvalidError, ScheduleUnknownError, silentLogger, targetName, type ContainerBackupConfig, type DesiredState, type Logger, type ScheduleConfig, type TargetConfig } from '@baqup/core';
import {
  EMPTY, asyncScheduler, defer, distinctUntilChanged, endWith, filter, groupBy, map, mergeMap, share, switchMap, tap,
  type GroupedObservable, type Observable, type SchedulerLike,
} from 'rxjs';
import { resolveTimezone } from './cron.js';
import { scheduleEntries, type ScheduleEntry } from './entries.js';
import { cronTimer } from './timer.js';

/** A trigger for one target: which target and for which scheduled instant; carries the config current at tick time. */
export interface ScheduleTick {
  key: string;
  container: ContainerBackupConfig;
  target: TargetConfig;
  schedule: ScheduleConfig;
  /** The run time the tick is for (not the instant the timer fired). */
  at: Date;
}

export interface ScheduleOptions {
  /** IANA zone cron fields are read in; default `TZ` env, else UTC. Invalid → TimezoneInvalidError at call time. */
  timezone?: string;
  /** Wall clock; default the scheduler's `now()`. Under TestScheduler pass nothing or `() => new Date(ts.now())`. */
  now?: () => Date;
  scheduler?: SchedulerLike;
  logger?: Logger;
  /** Longest single timer before the wall clock is re-read (see timer.ts); default 60 s. */
  recheckMs?: number;
}

/** Ticks for every target of the desired state, following its changes. Never errors for a bad cron: it logs and skips that target. */
export function schedule(desired$: Observable<DesiredState>, opts: ScheduleOptions = {}): Observable<ScheduleTick> {
  const tz = resolveTimezone(opts.timezone);
  const scheduler = opts.scheduler ?? asyncScheduler;
  const now = opts.now ?? (() => new Date(scheduler.now()));
  const logger = opts.logger ?? silentLogger;

  const arm = (group: GroupedObservable<string, ScheduleEntry>): Observable<ScheduleTick> =>
    defer(() => {
      let latest: ScheduleEntry | undefined;
      return group.pipe(
        tap((e) => (latest = e)),
        // The group ends when the key leaves desired state; switching to EMPTY then cancels the timer at once.
        endWith(undefined),
        distinctUntilChanged((a, b) => a?.cron === b?.cron && a?.error === b?.error),
        switchMap((entry) => {
          if (!entry) return EMPTY;
          const fields = { container: entry.container.containerName, target: targetName(entry.target), schedule: entry.target.schedule };
          if (entry.error !== undefined || entry.cron === undefined) {
            const code = entry.schedule ? CronInvalidError.code : ScheduleUnknownError.code;
            logger.warn(`target not scheduled: ${entry.error ?? 'no cron'}`, { event: 'container.invalid', ...fields, error: { code, message: entry.error ?? 'no cron' } });
            return EMPTY;
          }
          logger.debug('target scheduled', { ...fields, cron: entry.schedule?.cron, timezone: tz });
          return cronTimer(entry.cron, { tz, seed: entry.key, scheduler, now, recheckMs: opts.recheckMs }).pipe(
            map((at): ScheduleTick => {
              const e = latest ?? entry; // the config current now, not the one the timer was armed with
              return { key: e.key, container: e.container, target: e.target, schedule: e.schedule ?? entry.schedule!, at };
            }),
          );
        }),
      );
    });

  return defer(() => {
    const snapshots$ = desired$.pipe(
      map((desired) => new Map(scheduleEntries(desired, tz).map((e) => [e.key, e] as const))),
      share(),
    );
    return snapshots$.pipe(
      mergeMap((snapshot) => snapshot.values()),
      // A key's group lives until a snapshot without it; the duration subscribes after the snapshot that created it.
      groupBy((e) => e.key, { duration: (g) => snapshots$.pipe(filter((s) => !s.has(g.key))) }),
      mergeMap(arm),
    );
  });
}
