// Retention per trigger: the schedule's backups, the manual runs and the restore safety copies of one target are
// three groups, each judged by its own policy; the reasons a backup is kept read as people say them.
import type { RetentionPolicy } from '@baqup/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIGGER_RETENTION, keepText, policyOf, retentionGroupOf } from './groups.js';
import { selectForDeletion } from './retention.js';

const DAY = 86_400_000;
const NOW = new Date('2024-03-20T12:00:00Z'); // a Wednesday
const at = (daysAgo: number, hour = 3): Date => new Date(Date.UTC(2024, 2, 20 - daysAgo, hour));
const cand = (id: string, time: Date) => ({ id, time, success: true });

describe('retentionGroupOf', () => {
  it('puts manual and safety backups in their own group whatever schedule they ran under', () => {
    expect(retentionGroupOf({ schedule: 'daily', trigger: 'manual' }, 'daily')).toBe('manual');
    expect(retentionGroupOf({ schedule: 'hourly', trigger: 'manual' }, 'daily')).toBe('manual');
    expect(retentionGroupOf({ schedule: 'daily', trigger: 'safety' }, 'daily')).toBe('safety');
    expect(retentionGroupOf({ schedule: 'daily', trigger: 'schedule' }, 'daily')).toBe('schedule');
  });

  it("leaves another schedule's scheduled backups out (that schedule judges them)", () => {
    expect(retentionGroupOf({ schedule: 'hourly', trigger: 'schedule' }, 'daily')).toBeUndefined();
  });

  it('counts a manifest without a trigger (written before triggers were recorded) as scheduled', () => {
    expect(retentionGroupOf({ schedule: 'daily' }, 'daily')).toBe('schedule');
    expect(retentionGroupOf({ schedule: 'hourly' }, 'daily')).toBeUndefined();
  });
});

describe('policyOf', () => {
  it("gives the schedule group the schedule's policy and the others config retention.*", () => {
    const schedule: RetentionPolicy = { keepDaily: 7 };
    expect(policyOf('schedule', schedule, DEFAULT_TRIGGER_RETENTION)).toBe(schedule);
    expect(policyOf('manual', schedule, DEFAULT_TRIGGER_RETENTION)).toEqual({ keepLast: 5 });
    expect(policyOf('safety', schedule, DEFAULT_TRIGGER_RETENTION)).toEqual({ keepLast: 3 });
    expect(policyOf('safety', schedule, { manual: { keepLast: 9 }, safety: { keepWithinSeconds: 14 * 86_400 } })).toEqual({ keepWithinSeconds: 14 * 86_400 });
  });
});

describe('keep slots and keep reasons', () => {
  it('ranks each rule\'s keeps: ten daily backups under daily 7 + weekly 4 read "daily n/7" and "weekly n/4"', () => {
    // One backup a day, 03:00, for the last 10 days (Mar 10 .. Mar 19) and today.
    const list = Array.from({ length: 11 }, (_, i) => cand(`d${i}`, at(i)));
    const d = selectForDeletion(list, { keepDaily: 7, keepWeekly: 4 }, NOW);
    const why = new Map(d.keep.map((k) => [k.backup.id, keepText('schedule', k.slots)]));
    // Newest 7 days: daily 1/7 .. 7/7. Mar 20 (Wed) is week 1's newest, Mar 17 (Sun) week 2's, Mar 10 (Sun) week 3's.
    expect(why.get('d0')).toBe('daily 1/7, weekly 1/4');
    expect(why.get('d1')).toBe('daily 2/7');
    expect(why.get('d3')).toBe('daily 4/7, weekly 2/4');
    expect(why.get('d6')).toBe('daily 7/7');
    expect(why.get('d10')).toBe('weekly 3/4');
    expect([...why.keys()].sort()).toEqual(['d0', 'd1', 'd10', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(d.delete.map((b) => b.id).sort()).toEqual(['d7', 'd8', 'd9']);
  });

  it('says "manual (last n/5)" and "safety copy (last n/3)" for the other groups', () => {
    const manual = selectForDeletion(Array.from({ length: 7 }, (_, i) => cand(`m${i}`, new Date(NOW.getTime() - i * 60_000))), DEFAULT_TRIGGER_RETENTION.manual, NOW);
    expect(manual.keep.map((k) => keepText('manual', k.slots))).toEqual(['manual (last 1/5)', 'manual (last 2/5)', 'manual (last 3/5)', 'manual (last 4/5)', 'manual (last 5/5)']);
    expect(manual.delete.map((b) => b.id)).toEqual(['m5', 'm6']);
    const safety = selectForDeletion([cand('s0', at(1)), cand('s1', at(2))], DEFAULT_TRIGGER_RETENTION.safety, NOW);
    expect(safety.keep.map((k) => keepText('safety', k.slots))).toEqual(['safety copy (last 1/3)', 'safety copy (last 2/3)']);
  });

  it('drops "newest" next to a real rule, and says it alone when only the newest-success rule holds a backup', () => {
    expect(keepText('schedule', [{ reason: 'newest-success' }, { reason: 'daily', rank: 1, of: 7 }])).toBe('daily 1/7');
    expect(keepText('schedule', [{ reason: 'newest-success' }])).toBe('newest');
    expect(keepText('manual', [{ reason: 'within' }])).toBe('manual (within)');
    expect(keepText('schedule', [{ reason: 'no-policy' }])).toBe('no retention policy');
  });

  it('gives a keep-within policy no rank (an age has no count)', () => {
    const d = selectForDeletion([cand('a', at(1)), cand('b', at(20))], { keepWithinSeconds: 14 * DAY / 1000 }, NOW);
    const a = d.keep.find((k) => k.backup.id === 'a');
    expect(a?.slots.find((s) => s.reason === 'within')).toEqual({ reason: 'within' });
  });
});
