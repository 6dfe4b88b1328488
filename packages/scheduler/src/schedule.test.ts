import { map, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { container, desired, recordingLogger, target } from './__fixtures__/builders.js';
import { schedule } from './schedule.js';
import { MAX_TIMER_MS, timerAt } from './timer.js';

// Virtual time starts at 0 = 1970-01-01T00:00:00Z, and cron-parser reads the clock through the scheduler's now(),
// so a per-second cron ticks at 1000ms, 2000ms, … of virtual time.
const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const label = (t: { key: string; at: Date }) => `${t.key}@${t.at.getTime()}`;

const A = container('a', { fast: '* * * * * *' }, [target('postgres', 'main', 'fast')]);
const B = container('b', { every2: '*/2 * * * * *' }, [target('redis', 'cache', 'every2')]);

describe('schedule', () => {
  it('ticks every target at its cron times, with the run time on the tick', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const desired$ = hot('a', { a: desired(A, B) });
      const ticks$ = schedule(desired$, { timezone: 'UTC' }).pipe(map(label));
      expectObservable(ticks$, '^ 4500ms !').toBe('1000ms a 999ms (bc) 996ms d 999ms (ef)', {
        // same-instant ticks come in the order their timers were armed: b's at 0, a's re-armed at 1000
        a: 'a/postgres-main@1000',
        b: 'b/redis-cache@2000', c: 'a/postgres-main@2000',
        d: 'a/postgres-main@3000',
        e: 'b/redis-cache@4000', f: 'a/postgres-main@4000',
      });
    });
  });

  it('a removed container stops ticking at once, the others go on', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const desired$ = hot('a 2499ms b', { a: desired(A, B), b: desired(B) });
      const ticks$ = schedule(desired$, { timezone: 'UTC' }).pipe(map(label));
      expectObservable(ticks$, '^ 6500ms !').toBe('1000ms a 999ms (bc) 1996ms d 1999ms e', {
        a: 'a/postgres-main@1000', b: 'b/redis-cache@2000', c: 'a/postgres-main@2000',
        d: 'b/redis-cache@4000', e: 'b/redis-cache@6000',
      });
    });
  });

  it('a new container is scheduled at once; a changed cron is re-armed at once', () => {
    const slow = container('a', { fast: '*/10 * * * * *' }, [target('postgres', 'main', 'fast')]);
    testScheduler().run(({ hot, expectObservable }) => {
      const desired$ = hot('a 1499ms b', { a: desired(slow), b: desired(A, B) });
      const ticks$ = schedule(desired$, { timezone: 'UTC' }).pipe(map(label));
      expectObservable(ticks$, '^ 3500ms !').toBe('2000ms (ab) 996ms c', {
        a: 'a/postgres-main@2000', b: 'b/redis-cache@2000', c: 'a/postgres-main@3000',
      });
    });
  });

  it('an unchanged cron keeps its timer, but the tick carries the config current at tick time', () => {
    const logger = recordingLogger();
    const A2 = container('a', { fast: '*/1 * * * * *' }, [target('postgres', 'main', 'fast', { compress: 'zstd' })], { containerId: 'id-a2' });
    testScheduler().run(({ hot, expectObservable }) => {
      // A recreated container (new id, same name) with another spelling of the same cron and a new compression.
      const desired$ = hot('a 1499ms b', { a: desired(A), b: desired(A2) });
      const ticks$ = schedule(desired$, { timezone: 'UTC', logger }).pipe(map((t) => `${label(t)}:${t.target.compress}:${t.container.containerId}`));
      expectObservable(ticks$, '^ 2500ms !').toBe('1000ms a 999ms b', { a: 'a/postgres-main@1000:gzip:id-a', b: 'a/postgres-main@2000:zstd:id-a2' });
    });
    expect(logger.lines.filter((l) => l.msg === 'target scheduled')).toHaveLength(1);
  });

  it('an invalid cron or unknown schedule is logged and skipped; other targets still tick', () => {
    const logger = recordingLogger();
    const bad = container('bad', { x: '61 * * * *' }, [target('postgres', 'main', 'x'), target('fs', 'data', 'missing')]);
    testScheduler().run(({ hot, expectObservable }) => {
      const desired$ = hot('a 999ms a', { a: desired(bad, A) });
      expectObservable(schedule(desired$, { timezone: 'UTC', logger }).pipe(map(label)), '^ 1500ms !').toBe('1000ms a', { a: 'a/postgres-main@1000' });
    });
    const invalid = logger.lines.filter((l) => l.fields?.event === 'container.invalid');
    // once per target, not once per desired-state emission
    expect(invalid.map((l) => [l.fields?.target, (l.fields?.error as { code: string }).code])).toEqual([
      ['postgres-main', 'BAQUP_SCHEDULE_CRON_INVALID'],
      ['fs-data', 'BAQUP_SCHEDULE_UNKNOWN'],
    ]);
  });

  it('reads cron fields in the configured zone', () => {
    // 03:00 in Europe/Berlin on 1 Jan 1970 (CET, UTC+1) is 02:00Z.
    const daily = container('d', { daily: '0 3 * * *' }, [target('sqlite', 'db', 'daily')]);
    testScheduler().run(({ hot, expectObservable }) => {
      const ticks$ = schedule(hot('a', { a: desired(daily) }), { timezone: 'Europe/Berlin', recheckMs: 3_600_000 }).pipe(map(label));
      expectObservable(ticks$, '^ 7300000ms !').toBe('7200000ms a', { a: 'd/sqlite-db@7200000' });
    });
  });

  it('a disabled container is not scheduled', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const off = { ...A, enabled: false };
      expectObservable(schedule(hot('a', { a: desired(off) }), { timezone: 'UTC' }), '^ 3000ms !').toBe('');
    });
  });
});

describe('timerAt', () => {
  it('never arms a timer longer than setTimeout can hold, and fires at the instant', () => {
    const ts = testScheduler();
    const delays: number[] = [];
    const spy: SchedulerLike = { now: () => ts.now(), schedule: (work, delay, state) => (delays.push(delay ?? 0), ts.schedule(work as never, delay, state)) };
    const at = 2 ** 32 + 5; // ~49.7 days
    ts.run(({ expectObservable }) => {
      expectObservable(timerAt(new Date(at), spy, () => new Date(ts.now()), Number.POSITIVE_INFINITY)).toBe(`${at}ms (a|)`, { a: undefined });
    });
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(delays.length).toBe(3);
  });

  it('notices a wall-clock step within one recheck interval', () => {
    const ts = testScheduler();
    // The wall clock jumps one hour ahead at virtual 60 s (NTP after boot); the 30-minute run is due at once.
    const wall = () => new Date(ts.now() + (ts.now() >= 60_000 ? 3_600_000 : 0));
    ts.run(({ expectObservable }) => {
      expectObservable(timerAt(new Date(1_800_000), ts, wall, 60_000)).toBe('60000ms (a|)', { a: undefined });
    });
  });
});
