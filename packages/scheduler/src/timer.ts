// Cron ticks from plain RxJS timers armed for the next run and re-armed after each tick.
import { NEVER, asyncScheduler, concatMap, defer, map, repeat, timer, type Observable, type SchedulerLike } from 'rxjs';
import { nextRun } from './cron.js';

/** setTimeout stores its delay in an int32: anything longer fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CronTimerOptions {
  tz: string;
  seed?: string;
  scheduler?: SchedulerLike;
  /** Wall clock; defaults to the scheduler's `now()` (virtual time under TestScheduler). */
  now?: () => Date;
  /**
   * Longest single timer. The wall clock is re-read after each chunk, so a clock step (NTP at boot on a board without
   * RTC, a resumed laptop) is noticed within this long instead of after a whole day. Capped at MAX_TIMER_MS.
   */
  recheckMs?: number;
}

/** Emits once when the wall clock reaches `at`, waiting in chunks of at most `recheckMs`; at once if `at` has passed. */
export function timerAt(at: Date, scheduler: SchedulerLike, now: () => Date, recheckMs = 60_000): Observable<void> {
  const chunk = Math.max(1, Math.min(recheckMs, MAX_TIMER_MS));
  const wait: Observable<void> = defer(() => {
    const remaining = at.getTime() - now().getTime();
    if (remaining > chunk) return timer(chunk, scheduler).pipe(concatMap(() => wait));
    return timer(Math.max(0, remaining), scheduler).pipe(map(() => undefined));
  });
  return wait;
}

/**
 * Emits each run time of `cron` when it comes. The next run is computed from the later of the clock and the last
 * run, so a timer that fires a millisecond early by the wall clock cannot emit the same run twice; a run missed
 * while the process slept is emitted once, late, never several times.
 */
export function cronTimer(cron: string, opts: CronTimerOptions): Observable<Date> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  const now = opts.now ?? (() => new Date(scheduler.now()));
  let last = Number.NEGATIVE_INFINITY;
  return defer(() => {
    const after = new Date(Math.max(now().getTime(), last));
    let at: Date;
    try {
      at = nextRun(cron, { tz: opts.tz, after, seed: opts.seed });
    } catch {
      // No future run (entries are validated before arming, so only an expression that ran out of dates). NEVER,
      // not EMPTY: repeat() would resubscribe to EMPTY in a tight loop. `nextRuns` reports the error for plan/state.
      return NEVER;
    }
    return timerAt(at, scheduler, now, opts.recheckMs).pipe(
      map(() => {
        last = at.getTime();
        return at;
      }),
    );
  }).pipe(repeat());
}
