import { describe, expect, it } from 'vitest';
import { CronInvalidError, TimezoneInvalidError } from './errors.js';
import { nextRun, nextRunTimes, normalizeCron, parseCron, resolveTimezone } from './cron.js';

/** Every run in [from, to): the whole local day when from/to are local midnights. */
function runsBetween(expr: string, tz: string, from: string, to: string): string[] {
  const end = new Date(to).getTime();
  const out: string[] = [];
  let after = new Date(new Date(from).getTime() - 1);
  for (;;) {
    const next = nextRun(expr, { tz, after });
    if (next.getTime() >= end) return out;
    out.push(next.toISOString());
    after = next;
  }
}

describe('cron dialect', () => {
  it('accepts 5-field (minute first), 6-field (second first) and @aliases', () => {
    const after = new Date('2026-01-01T00:00:00Z');
    expect(nextRun('0 3 * * *', { tz: 'UTC', after })).toEqual(new Date('2026-01-01T03:00:00Z'));
    expect(nextRun('15 0 3 * * *', { tz: 'UTC', after })).toEqual(new Date('2026-01-01T03:00:15Z'));
    expect(nextRun('@daily', { tz: 'UTC', after })).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(nextRunTimes('*/20 * * * * *', { tz: 'UTC', after }, 3)).toEqual([
      new Date('2026-01-01T00:00:20Z'), new Date('2026-01-01T00:00:40Z'), new Date('2026-01-01T00:01:00Z'),
    ]);
  });

  it('supports L, # and day-of-month OR day-of-week like Vixie cron', () => {
    const after = new Date('2026-01-20T00:00:00Z');
    expect(nextRun('0 0 L * *', { tz: 'UTC', after })).toEqual(new Date('2026-01-31T00:00:00Z'));
    expect(nextRun('0 0 * * 1#1', { tz: 'UTC', after })).toEqual(new Date('2026-02-02T00:00:00Z'));
    // 1st of the month OR a Monday: Mon 26 Jan, Sun 1 Feb, Mon 2 Feb.
    expect(nextRunTimes('0 0 1 * 1', { tz: 'UTC', after }, 3).map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-01-26', '2026-02-01', '2026-02-02']);
  });

  it('rejects what cron-parser would silently complete or cannot satisfy', () => {
    for (const bad of ['', '* * * *', '* * * * * * *', '61 * * * *', '*/0 * * * *', '0 0 30 2 *', '@sometimes', '@DAILY', 'bogus * * * *']) {
      expect(() => parseCron(bad, { tz: 'UTC' }), bad).toThrow(CronInvalidError);
    }
    expect(() => parseCron(' 0 3 * * * ', { tz: 'Europe/Berlin' })).not.toThrow();
  });

  it('normalises to 6 fields so equivalent spellings compare equal', () => {
    expect(normalizeCron('0 3 * * *', 'UTC')).toBe(normalizeCron('0 0 3 * * *', 'UTC'));
    expect(normalizeCron('@weekly', 'UTC')).toBe('0 0 0 * * 0');
    expect(normalizeCron('H 3 * * *', 'UTC', 'a/postgres-main')).toBe(normalizeCron('H 3 * * *', 'UTC', 'a/postgres-main'));
  });

  it('resolves the zone from config, then TZ, then UTC, and rejects unknown zones', () => {
    expect(resolveTimezone('Europe/Berlin', { TZ: 'America/New_York' })).toBe('Europe/Berlin');
    expect(resolveTimezone(undefined, { TZ: 'America/New_York' })).toBe('America/New_York');
    expect(resolveTimezone(undefined, {})).toBe('UTC');
    expect(() => resolveTimezone('Nowhere/Land', {})).toThrow(TimezoneInvalidError);
    expect(() => parseCron('0 3 * * *', { tz: 'Nowhere/Land' })).toThrow(TimezoneInvalidError);
  });
});

// The 2026 transitions: Europe/Berlin 29 Mar 02:00 CET → 03:00 CEST and 25 Oct 03:00 CEST → 02:00 CET;
// America/New_York 8 Mar 02:00 EST → 03:00 EDT and 1 Nov 02:00 EDT → 01:00 EST. Ranges are whole local days.
describe('daylight saving (docs/adr/0002-cron-dialect.md)', () => {
  it('spring forward, Europe/Berlin: 30 2 * * * runs once, at 03:30 CEST', () => {
    expect(runsBetween('30 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toEqual(['2026-03-29T01:30:00.000Z']);
    expect(runsBetween('0 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toEqual(['2026-03-29T01:00:00.000Z']);
    // the day before and after keep their wall-clock time
    expect(nextRunTimes('30 2 * * *', { tz: 'Europe/Berlin', after: new Date('2026-03-27T12:00:00Z') }, 3).map((d) => d.toISOString())).toEqual([
      '2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('spring forward, America/New_York: 30 2 * * * runs once, at 03:30 EDT', () => {
    expect(runsBetween('30 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z')).toEqual(['2026-03-08T07:30:00.000Z']);
  });

  it('fall back, Europe/Berlin: 30 2 * * * runs once, at the first 02:30 (CEST)', () => {
    expect(runsBetween('30 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toEqual(['2026-10-25T00:30:00.000Z']);
    // computing from inside the repeated hour does not produce the second 02:30 either
    expect(nextRun('30 2 * * *', { tz: 'Europe/Berlin', after: new Date('2026-10-25T00:45:00Z') })).toEqual(new Date('2026-10-26T01:30:00Z'));
  });

  it('fall back, America/New_York: 30 1 * * * runs once (01:30 EDT); 30 2 * * * once at 02:30 EST', () => {
    expect(runsBetween('30 1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toEqual(['2026-11-01T05:30:00.000Z']);
    expect(runsBetween('30 2 * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toEqual(['2026-11-01T07:30:00.000Z']);
  });

  it('hourly follows elapsed time: 23 runs on the spring day, 25 on the fall day', () => {
    expect(runsBetween('0 * * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toHaveLength(23);
    expect(runsBetween('0 * * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toHaveLength(25);
    expect(runsBetween('0 * * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z')).toHaveLength(23);
    expect(runsBetween('0 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toHaveLength(25);
  });

  it('UTC has no transitions: 30 2 * * * is 02:30Z every day', () => {
    expect(runsBetween('30 2 * * *', 'UTC', '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual(['2026-03-29T02:30:00.000Z']);
  });
});
