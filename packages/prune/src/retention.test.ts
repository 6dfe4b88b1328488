import type { RetentionPolicy } from '@baqup/core';
import { describe, expect, it } from 'vitest';
import { groupBy } from './group-by.js';
import { newestFirst, selectForDeletion } from './retention.js';
import { history, rng, shuffle, type FakeBackup } from './test-histories.js';

const START = new Date('2024-01-01T00:30:00Z');
const HOUR = 3_600_000;
const ids = (list: { id: string }[]): string[] => list.map((b) => b.id);
const keptIds = (d: { keep: { backup: FakeBackup }[] }): string[] => d.keep.map((k) => k.backup.id);

/** Independent oracle for keep-daily in UTC: newest success of each of the N newest days with one. */
function expectedDaily(list: FakeBackup[], n: number, now: Date): string[] {
  const byDay = new Map<string, FakeBackup>();
  for (const b of [...list].filter((x) => x.success && x.time <= now).sort(newestFirst)) {
    const day = b.time.toISOString().slice(0, 10);
    if (!byDay.has(day)) byDay.set(day, b);
  }
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).slice(0, n).map(([, b]) => b.id);
}

/** Independent oracle for ISO weeks: Monday of the week, keyed by its date. */
function expectedWeekly(list: FakeBackup[], n: number, now: Date): string[] {
  const byWeek = new Map<string, FakeBackup>();
  for (const b of [...list].filter((x) => x.success && x.time <= now).sort(newestFirst)) {
    const d = new Date(Date.UTC(b.time.getUTCFullYear(), b.time.getUTCMonth(), b.time.getUTCDate()));
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const monday = d.toISOString().slice(0, 10);
    if (!byWeek.has(monday)) byWeek.set(monday, b);
  }
  return [...byWeek.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).slice(0, n).map(([, b]) => b.id);
}

const withReason = (d: ReturnType<typeof selectForDeletion<FakeBackup>>, r: string): string[] =>
  d.keep.filter((k) => k.reasons.includes(r as never)).map((k) => k.backup.id);

describe('selectForDeletion over generated histories', () => {
  const ninetyDays = history({
    start: START,
    hours: 90 * 24,
    gaps: [[10 * 24, 13 * 24 + 5], [80 * 24 + 2, 80 * 24 + 20]],
    duplicateEvery: 17,
    clockJumpBackAt: 60 * 24,
    failEvery: 11,
  });
  const now = new Date(START.getTime() + 90 * 24 * HOUR);

  it.each<[string, RetentionPolicy]>([
    ['daily 7', { keepDaily: 7 }],
    ['daily 30 + weekly 8', { keepDaily: 30, keepWeekly: 8 }],
    ['weekly 12', { keepWeekly: 12 }],
    ['daily 3 + weekly 4 + monthly 6', { keepDaily: 3, keepWeekly: 4, keepMonthly: 6 }],
  ])('%s matches the independent oracle', (_name, policy) => {
    const d = selectForDeletion(shuffle(ninetyDays, rng(1)), policy, now);
    expect(withReason(d, 'daily').sort()).toEqual(expectedDaily(ninetyDays, policy.keepDaily ?? 0, now).sort());
    expect(withReason(d, 'weekly').sort()).toEqual(expectedWeekly(ninetyDays, policy.keepWeekly ?? 0, now).sort());
    expect(withReason(d, 'monthly')).toHaveLength(Math.min(policy.keepMonthly ?? 0, 3)); // Jan, Feb, Mar 2024
    const kept = new Set(keptIds(d));
    // Nothing is kept without a reason, and the only extra keeps are the always-kept newest success.
    const byRules = new Set([...withReason(d, 'daily'), ...withReason(d, 'weekly'), ...withReason(d, 'monthly')]);
    for (const id of kept) if (!byRules.has(id)) expect(withReason(d, 'newest-success')).toContain(id);
  });

  it('keep-last counts successes only, newest first, ties broken by id', () => {
    const d = selectForDeletion(shuffle(ninetyDays, rng(2)), { keepLast: 5 }, now);
    const successes = ninetyDays.filter((b) => b.success).sort(newestFirst);
    expect(withReason(d, 'last')).toEqual(ids(successes.slice(0, 5)));
    expect(d.keep).toHaveLength(5);
  });

  it('keep-within keeps everything younger than the window, failures included', () => {
    const d = selectForDeletion(ninetyDays, { keepWithinSeconds: 48 * 3600 }, now);
    const young = ninetyDays.filter((b) => now.getTime() - b.time.getTime() <= 48 * HOUR);
    expect(withReason(d, 'within').sort()).toEqual(ids(young).sort());
    expect(young.some((b) => !b.success)).toBe(true);
  });

  it('a clock jumped back keeps future-dated backups without letting them take a slot', () => {
    const list = history({ start: START, hours: 10 * 24 });
    const now = new Date(START.getTime() + 5 * 24 * HOUR); // the clock is now 5 days behind the newest backup
    const d = selectForDeletion(list, { keepLast: 3 }, now);
    const future = list.filter((b) => b.time > now);
    expect(withReason(d, 'future').sort()).toEqual(ids(future).sort());
    const present = list.filter((b) => b.time <= now).sort(newestFirst);
    expect(withReason(d, 'last')).toEqual(ids(present.slice(0, 3)));
    expect(d.delete).toHaveLength(list.length - future.length - 3);
  });

  it('a burst named ahead of the clock is judged as present within aheadToleranceMs, so keep-last still holds only N', () => {
    // Ten runs in five seconds: stage named them one second apart, the newest five seconds ahead of `now`.
    const now = new Date('2024-03-01T03:00:00Z');
    const burst: FakeBackup[] = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, time: new Date(now.getTime() + (i - 4) * 1000), success: true, schedule: 'daily' }));
    const strict = selectForDeletion(burst, { keepLast: 3 }, now);
    expect(withReason(strict, 'future')).toHaveLength(5);
    expect(strict.keep).toHaveLength(8); // 5 future + the 3 newest of the present: the policy says 3
    const tolerant = selectForDeletion(burst, { keepLast: 3 }, now, { aheadToleranceMs: 60_000 });
    expect(withReason(tolerant, 'future')).toEqual([]);
    expect(keptIds(tolerant)).toEqual(['b9', 'b8', 'b7']);
    expect(ids(tolerant.delete)).toEqual(['b6', 'b5', 'b4', 'b3', 'b2', 'b1', 'b0']);
    // Beyond the tolerance a backup is still future-dated and takes no slot.
    const far: FakeBackup[] = [...burst, { id: 'z', time: new Date(now.getTime() + 120_000), success: true, schedule: 'daily' }];
    const d = selectForDeletion(far, { keepLast: 3 }, now, { aheadToleranceMs: 60_000 });
    expect(withReason(d, 'future')).toEqual(['z']);
    expect(withReason(d, 'last')).toEqual(['b9', 'b8', 'b7']);
  });

  it('duplicate timestamps are ordered by id whatever the input order', () => {
    const t = new Date('2024-03-01T03:00:00Z');
    const twins: FakeBackup[] = ['b', 'a', 'c'].map((id) => ({ id, time: t, success: true, schedule: 'daily' }));
    for (const seed of [1, 2, 3, 4]) {
      const d = selectForDeletion(shuffle(twins, rng(seed)), { keepLast: 1 }, new Date('2024-03-02T00:00:00Z'));
      expect(keptIds(d)).toEqual(['c']);
      expect(ids(d.delete)).toEqual(['b', 'a']);
    }
  });

  it('an empty policy keeps everything', () => {
    for (const policy of [{}, { keepLast: 0, keepDaily: 0 }]) {
      const d = selectForDeletion(ninetyDays, policy, now);
      expect(d.delete).toEqual([]);
      expect(d.keep).toHaveLength(ninetyDays.length);
    }
  });

  it('never deletes the newest success, even when every rule would', () => {
    const list: FakeBackup[] = [
      { id: 'old-ok', time: new Date('2024-01-01T00:00:00Z'), success: true, schedule: 'daily' },
      { id: 'new-failed', time: new Date('2024-03-01T00:00:00Z'), success: false, schedule: 'daily' },
    ];
    const d = selectForDeletion(list, { keepWithinSeconds: 3600 }, new Date('2024-06-01T00:00:00Z'));
    expect(keptIds(d)).toEqual(['old-ok']);
    expect(ids(d.delete)).toEqual(['new-failed']);
  });

  it('per (target, schedule) groups: hourly retention never evicts the daily schedule', () => {
    const hourly = history({ start: START, hours: 30 * 24, schedule: 'hourly' });
    const daily = history({ start: new Date(START.getTime() + 2.5 * HOUR), hours: 30 * 24, everyHours: 24, schedule: 'daily' });
    const now = new Date(START.getTime() + 30 * 24 * HOUR);
    const policies: Record<string, RetentionPolicy> = { hourly: { keepLast: 24 }, daily: { keepDaily: 7 } };
    const groups = groupBy(shuffle([...hourly, ...daily], rng(9)), (b) => b.schedule);
    expect([...groups.keys()].sort()).toEqual(['daily', 'hourly']);
    const kept = [...groups].flatMap(([s, list]) => keptIds(selectForDeletion(list, policies[s] ?? {}, now)));
    expect(kept.filter((id) => id.startsWith('daily'))).toHaveLength(7);
    expect(kept.filter((id) => id.startsWith('hourly'))).toHaveLength(24);
    // Mixed into one group, the hourly backups would have taken every daily slot: the trap groupBy avoids.
    const mixed = selectForDeletion([...hourly, ...daily], { keepDaily: 7 }, now);
    expect(keptIds(mixed).filter((id) => id.startsWith('daily'))).toHaveLength(0);
  });

  it('buckets days in the configured zone', () => {
    // 22:30 and 23:30 UTC on Jan 1 are Jan 1 and Jan 2 in Berlin.
    const list: FakeBackup[] = [
      { id: 'a', time: new Date('2024-01-01T22:30:00Z'), success: true, schedule: 'daily' },
      { id: 'b', time: new Date('2024-01-01T23:30:00Z'), success: true, schedule: 'daily' },
    ];
    const now = new Date('2024-01-03T00:00:00Z');
    expect(selectForDeletion(list, { keepDaily: 2 }, now).keep).toHaveLength(1);
    expect(selectForDeletion(list, { keepDaily: 2 }, now, { timeZone: 'Europe/Berlin' }).keep).toHaveLength(2);
  });
});

describe('selectForDeletion properties over random histories', () => {
  const seeds = Array.from({ length: 200 }, (_, i) => i + 1);
  it.each(seeds)('seed %i', (seed) => {
    const random = rng(seed);
    const int = (max: number): number => Math.floor(random() * (max + 1));
    const n = int(60);
    const base = START.getTime();
    const list: FakeBackup[] = Array.from({ length: n }, (_, i) => ({
      id: `b${int(n)}-${i}`,
      // Coarse times produce duplicates; the range extends past `now` to produce future-dated backups.
      time: new Date(base + int(120) * 6 * HOUR),
      success: random() < 0.8,
      schedule: 'daily',
    }));
    const policy: RetentionPolicy = {};
    if (random() < 0.6) policy.keepLast = int(10);
    if (random() < 0.3) policy.keepWithinSeconds = int(10) * 86_400;
    if (random() < 0.5) policy.keepDaily = int(10);
    if (random() < 0.4) policy.keepWeekly = int(5);
    if (random() < 0.3) policy.keepMonthly = int(3);
    const now = new Date(base + 100 * 6 * HOUR);
    const d = selectForDeletion(list, policy, now);

    const kept = keptIds(d);
    const deleted = ids(d.delete);
    expect(new Set([...kept, ...deleted]).size).toBe(n); // union is everything (ids are unique)…
    expect(kept.length + deleted.length).toBe(n); // …and the sets are disjoint
    const newestSuccess = [...list].sort(newestFirst).find((b) => b.success);
    if (newestSuccess !== undefined) expect(kept).toContain(newestSuccess.id);
    const presentSuccesses = list.filter((b) => b.success && b.time <= now).sort(newestFirst);
    const lastN = policy.keepLast ?? 0;
    for (const b of presentSuccesses.slice(0, lastN)) expect(kept).toContain(b.id);
    expect(kept.filter((id) => presentSuccesses.some((b) => b.id === id)).length).toBeGreaterThanOrEqual(
      Math.min(lastN, presentSuccesses.length),
    );
    for (const b of list.filter((x) => x.time > now)) expect(kept).toContain(b.id);
    // Same answer whatever the input order.
    const again = selectForDeletion(shuffle(list, random), policy, now);
    expect(keptIds(again)).toEqual(kept);
  });
});
