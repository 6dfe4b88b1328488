import { describe, expect, it } from 'vitest';
import { decideStaleness, scheduleIntervalMs, type StalenessInput } from './staleness.js';

const T0 = new Date('2026-03-02T00:00:00Z'); // a Monday
const at = (ms: number) => new Date(T0.getTime() + ms);
const H = 3_600_000;
const opts = { factor: 2, timezone: 'UTC' };

const daily = (over: Partial<StalenessInput> = {}): StalenessInput => ({
  key: 'db/postgres-main', container: 'db', target: 'postgres-main', schedule: 'daily', cron: '0 0 3 * * *', discoveredAt: T0, ...over,
});

/** Runs the decision at each time in turn, feeding its stale set forward; returns every transition as `kind@hours`. */
function walk(inputs: (now: Date) => StalenessInput[], hours: number[], o = opts) {
  let stale = new Map<string, number>();
  const seen: string[] = [];
  for (const h of hours) {
    const d = decideStaleness(stale, inputs(at(h * H)), at(h * H), o);
    stale = d.stale;
    for (const t of d.transitions) seen.push(`${t.kind}@${h}`);
  }
  return { seen, stale };
}

describe('scheduleIntervalMs', () => {
  it('is the gap between two consecutive runs', () => {
    expect(scheduleIntervalMs('0 0 3 * * *', 'UTC', T0)).toBe(24 * H);
    expect(scheduleIntervalMs('*/2 * * * * *', 'UTC', T0)).toBe(2_000);
    expect(scheduleIntervalMs('0 0 3 * * 1-5', 'UTC', new Date('2026-03-06T04:00:00Z'))).toBe(24 * H); // Mon→Tue after a Friday run
  });
  it('is undefined for an expression that does not parse', () => {
    expect(scheduleIntervalMs('not cron', 'UTC', T0)).toBeUndefined();
  });
});

describe('decideStaleness', () => {
  it('a never-succeeded daily target is stale once 2 × 24 h have passed since discovery, announced once', () => {
    const { seen, stale } = walk(() => [daily()], [0, 24, 47.9, 48, 48.1, 60, 100]);
    expect(seen).toEqual(['target.stale@48.1']);
    expect(stale.get('db/postgres-main')).toBe(at(48.1 * H).getTime());
  });

  it('exactly at the allowance is not stale yet (strictly older)', () => {
    expect(decideStaleness(new Map(), [daily()], at(48 * H), opts).transitions).toEqual([]);
  });

  it('counts from the last success, and recovers once when a new success arrives', () => {
    const inputs = (now: Date) => [daily({ lastSuccess: now.getTime() >= at(80 * H).getTime() ? at(80 * H) : at(10 * H) })];
    const { seen, stale } = walk(inputs, [10, 50, 58, 59, 70, 80, 81, 200]);
    expect(seen).toEqual(['target.stale@59', 'target.recovered@80', 'target.stale@200']);
    expect(stale.has('db/postgres-main')).toBe(true);
  });

  it('the recovery says how long the target was stale', () => {
    const first = decideStaleness(new Map(), [daily()], at(50 * H), opts);
    const second = decideStaleness(first.stale, [daily({ lastSuccess: at(60 * H) })], at(60 * H), opts);
    expect(second.transitions).toMatchObject([{ kind: 'target.recovered', forMs: 10 * H, allowedMs: 48 * H }]);
  });

  it('staleness_factor scales the allowance', () => {
    expect(walk(() => [daily()], [24.5], { ...opts, factor: 1 }).seen).toEqual(['target.stale@24.5']);
    expect(walk(() => [daily()], [24.5, 71], { ...opts, factor: 3 }).seen).toEqual([]);
  });

  it('a second-level cron goes stale within seconds', () => {
    const fast = daily({ cron: '*/2 * * * * *' });
    expect(decideStaleness(new Map(), [fast], at(1_999), { ...opts, factor: 1 }).transitions).toEqual([]);
    expect(decideStaleness(new Map(), [fast], at(2_001), { ...opts, factor: 1 }).transitions.map((t) => t.kind)).toEqual(['target.stale']);
  });

  it('a target that disappears leaves the stale set silently; an unparsable cron is never stale', () => {
    const first = decideStaleness(new Map(), [daily()], at(50 * H), opts);
    expect(first.stale.size).toBe(1);
    expect(decideStaleness(first.stale, [], at(51 * H), opts)).toEqual({ stale: new Map(), transitions: [] });
    expect(decideStaleness(new Map(), [daily({ cron: 'nope' })], at(500 * H), opts).transitions).toEqual([]);
  });

  it('judges each target on its own', () => {
    const hourly = daily({ key: 'app/fs-config', container: 'app', target: 'fs-config', schedule: 'hourly', cron: '0 0 * * * *' });
    const d = decideStaleness(new Map(), [daily(), hourly], at(3 * H), opts);
    expect(d.transitions.map((t) => t.input.key)).toEqual(['app/fs-config']);
  });
});
