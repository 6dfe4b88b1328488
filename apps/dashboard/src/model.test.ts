import { describe, expect, it } from 'vitest';
import { confirmed, counts, farFromUsual, flatten, median, targetRows, verdict, verifiedKeys, type ContainerView, type TargetView } from './model.js';
import { ago, bytes, progress } from './format.js';

const target = (instance: string, status: TargetView['status'], extra: Partial<TargetView> = {}): TargetView => ({ key: `app/postgres-${instance}`, type: 'postgres', instance, schedule: 'daily', compress: 'zstd', status, ...extra });
const container = (targets: TargetView[], errors: ContainerView['errors'] = []): ContainerView => ({ id: 'c1', name: 'app', image: 'postgres:16', stop: false, targets, errors });

describe('targetRows, counts, verdict', () => {
  it('says all protected when every target is ok, and counts the unverified', () => {
    const cs = [container([target('a', 'healthy'), target('b', 'healthy')])];
    const rows = targetRows(cs, undefined, [], new Set(['app/postgres-a']));
    const c = counts(rows, cs);
    expect(c).toMatchObject({ targets: 2, ok: 2, failing: 0, overdue: 0, unverified: 1, running: 0 });
    expect(verdict(c, cs)).toEqual({ ok: true, attention: 0, text: 'All protected' });
  });

  it('counts failing and overdue targets and broken labels as needing attention, worst first', () => {
    const cs = [container([target('a', 'healthy'), target('b', 'error', { lastError: 'boom' }), target('c', 'warning')], [{ label: 'backup.postgres.x.pasword', value: 'y', message: 'unknown key', suggestion: 'password' }])];
    const rows = targetRows(cs, { docker: { connected: true, address: 'x' }, containers: 1, targets: 3, queue: { running: ['app/postgres-a'], queued: [] } });
    expect(rows.map((r) => [r.target, r.health, r.running])).toEqual([['postgres-b', 'failing', false], ['postgres-c', 'overdue', false], ['postgres-a', 'ok', true]]);
    const c = counts(rows, cs);
    expect(c).toMatchObject({ failing: 1, overdue: 1, running: 1, labelProblems: 1 });
    expect(verdict(c, cs)).toMatchObject({ ok: false, attention: 3, text: '3 need attention' });
  });

  it('does not call an empty host protected', () => {
    expect(verdict(counts([], []), [])).toMatchObject({ ok: false, attention: 0 });
  });

  it('takes sizes and durations from the history summaries', () => {
    const rows = targetRows([container([target('a', 'healthy')])], undefined, [{ container: 'app', target: 'postgres-a', runs: 3, failures: 0, failure_streak: 0, last_run_at: '2026-01-01T03:00:00.000Z', last_success: true, first_run_at: '2025-12-30T03:00:00.000Z', last_success_stored_bytes: 2048, last_duration_ms: 1500 }]);
    expect(rows[0]).toMatchObject({ lastBytes: 2048, lastDurationMs: 1500 });
  });

  it('knows verified targets from successful verifications and drills only', () => {
    expect([...verifiedKeys([{ container: 'a', target: 'fs-x', success: true }, { container: 'b', target: 'fs-y', success: false }, { container: 'c', target: 'fs-z', success: 1 }])]).toEqual(['a/fs-x', 'c/fs-z']);
  });
});

describe('format', () => {
  it('prints sizes, ages and progress', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(undefined)).toBe('—');
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(ago('2026-12-07T11:57:00Z', now)).toBe('3 min ago');
    expect(ago('2026-12-07T14:00:00Z', now)).toBe('in 2 h');
    expect(ago(undefined, now)).toBe('never');
    expect(progress(500, 1000, '2026-12-07T11:59:50Z', now)).toEqual({ rate: 50, fraction: 0.5, etaMs: 10_000 });
    expect(progress(500, undefined, '2026-12-07T11:59:50Z', now)).toEqual({ rate: 50 });
  });
});

describe('target detail and settings helpers', () => {
  it('marks values far from the median, none with fewer than 3', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(farFromUsual([100, 110, 90, 400, 30])).toEqual([false, false, false, true, true]);
    expect(farFromUsual([1, 1000])).toEqual([false, false]);
    expect(farFromUsual([0, 0, 0])).toEqual([false, false, false]);
  });

  it('flattens a config to dotted keys, and confirms only the exact name', () => {
    expect(flatten({ api: { token: '[redacted]', protect_reads: false }, on_failure: ['a', 'b'], empty: {}, list: [] })).toEqual([
      ['api.token', '[redacted]'], ['api.protect_reads', 'false'], ['on_failure', 'a, b'], ['empty', '{}'], ['list', '[]'],
    ]);
    expect(confirmed(' app ', 'app')).toBe(true);
    expect(confirmed('ap', 'app')).toBe(false);
    expect(confirmed('', '')).toBe(false);
  });
});
