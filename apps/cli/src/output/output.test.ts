import { describe, expect, it } from 'vitest';
import { Secret } from '@baqup/core';
import { snakeCaseKeys } from './json.js';
import { Progress, bytesText } from './progress.js';
import { durationWords, retentionWords } from './retention.js';
import { humanDuration, humanSize } from './size.js';
import { isoInZone } from './time.js';

describe('snakeCaseKeys', () => {
  it('renames camelCase keys deep; leaves label keys, env names, values and secrets alone', () => {
    const v = snakeCaseKeys({ nextRun: 'x', dry_run: true, dryRun: false, durationMs: 1, sides: [{ stagedPath: 'p' }], labels: { 'backup.postgres.main.port': '1', PGPASSWORD: 'no' }, password: new Secret('s3cret'), at: new Date(0) });
    expect(v).toEqual({ next_run: 'x', dry_run: false, duration_ms: 1, sides: [{ staged_path: 'p' }], labels: { 'backup.postgres.main.port': '1', PGPASSWORD: 'no' }, password: '[redacted]', at: '1970-01-01T00:00:00.000Z' });
    expect(JSON.stringify(v)).not.toContain('s3cret');
  });
});

describe('isoInZone', () => {
  const at = new Date('2026-01-15T02:00:00Z');
  it.each([
    ['UTC', '2026-01-15T02:00:00Z'],
    ['Europe/Paris', '2026-01-15T03:00:00+01:00'],
    ['America/New_York', '2026-01-14T21:00:00-05:00'],
    ['Asia/Kolkata', '2026-01-15T07:30:00+05:30'],
  ])('%s', (tz, want) => {
    expect(isoInZone(at, tz)).toBe(want);
    expect(Date.parse(isoInZone(at, tz))).toBe(at.getTime());
  });
  it('summer time', () => expect(isoInZone(new Date('2026-07-01T01:00:00Z'), 'Europe/Paris')).toBe('2026-07-01T03:00:00+02:00'));
});

describe('retentionWords', () => {
  it.each([
    [{ keepLast: 4 }, '4'],
    [{ keepWithinSeconds: 10 * 86_400 }, '10d'],
    [{ keepWithinSeconds: 36 * 3600 }, '36h'],
    [{ keepWithinSeconds: 2 * 604_800 }, '2w'],
    [{ keepLast: 7, keepDaily: 7, keepMonthly: 6 }, '7,keep_daily=7,keep_monthly=6'],
    [{}, 'keep all'],
    [undefined, '-'],
  ])('%j → %s', (policy, want) => expect(retentionWords(policy)).toBe(want));
  it('durations fall back to seconds', () => expect(durationWords(61)).toBe('61s'));
});

describe('sizes and durations for people', () => {
  it.each([[undefined, '-'], [0, '0 B'], [1023, '1023 B'], [1536, '1.5 KiB'], [5 * 1024 ** 3, '5.0 GiB']])('%s bytes → %s', (b, want) => expect(humanSize(b)).toBe(want));
  it.each([[4.2, '4 s'], [185, '3 min 5 s'], [3720, '1 h 2 min']])('%s s → %s', (s, want) => expect(humanDuration(s)).toBe(want));
});

describe('Progress', () => {
  const items = [{ label: 'db/postgres-main', state: 'running', done: false }, { label: 'db/fs-data', state: 'succeeded', done: true }];
  const sink = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, sink: { isTTY, columns: 200, write: (t: string) => void writes.push(t) } };
  };

  it('not a terminal: a plain line every period, none in between', () => {
    let now = 0;
    const s = sink(false);
    const p = new Progress({ sink: s.sink, everyMs: 10_000, now: () => now, env: {} });
    now = 5_000;
    p.update(items);
    expect(s.writes).toEqual([]);
    now = 10_000;
    p.update(items);
    now = 12_000;
    p.update(items);
    expect(s.writes).toEqual(['… 10 s: 1/2 done; db/postgres-main running\n']);
  });

  it('a terminal: a bar redrawn in place, coloured unless NO_COLOR, cleared at the end', () => {
    const coloured = sink(true);
    new Progress({ sink: coloured.sink, now: () => 0, env: {} }).update(items);
    expect(coloured.writes[0]).toContain('\x1b[32m');
    expect(coloured.writes[0]!.startsWith('\r\x1b[2K[')).toBe(true);

    const plain = sink(true);
    const p = new Progress({ sink: plain.sink, now: () => 0, env: { NO_COLOR: '1' } });
    p.update(items);
    expect(plain.writes[0]).toBe('\r\x1b[2K[##########----------] 1/2 done, 0 s · db/postgres-main running');
    p.clear();
    expect(plain.writes[1]).toBe('\r\x1b[2K');
  });

  it('with bytes: size, rate over the last seconds, and what is left from the expected size; no ETA past it', () => {
    expect(bytesText(5 * 1024 ** 2, 20 * 1024 ** 2, 1024 ** 2)).toBe('5.0 MiB of ~20.0 MiB at 1.0 MiB/s, ~15 s left');
    expect(bytesText(5 * 1024 ** 2, undefined, 1024 ** 2)).toBe('5.0 MiB at 1.0 MiB/s');
    expect(bytesText(30 * 1024 ** 2, 20 * 1024 ** 2, 1024 ** 2)).toBe('30.0 MiB of ~20.0 MiB at 1.0 MiB/s');
    expect(bytesText(100, 1000, undefined)).toBe('100 B of ~1000 B');
  });

  it('not a terminal, a running job with bytes: its rate comes from the polls between the lines', () => {
    let now = 0;
    const s = sink(false);
    const p = new Progress({ sink: s.sink, everyMs: 10_000, now: () => now, env: {} });
    const job = (bytes: number) => [{ label: 'app/fs-data', state: 'running', done: false, bytes, expected: 100 * 1024 ** 2 }];
    for (let t = 1; t <= 10; t++) {
      now = t * 1000;
      p.update(job(t * 2 * 1024 ** 2)); // 2 MiB/s
    }
    expect(s.writes).toEqual(['… 10 s: 0/1 done; app/fs-data running 20.0 MiB of ~100.0 MiB at 2.0 MiB/s, ~40 s left\n']);
  });

  it('a terminal with bytes: the bar fills by bytes of the expected size', () => {
    const s = sink(true);
    let now = 0;
    const p = new Progress({ sink: s.sink, now: () => now, env: { NO_COLOR: '1' } });
    p.update([{ label: 'app/fs-data', state: 'running', done: false, bytes: 0, expected: 1000 }]);
    now = 2000;
    p.update([{ label: 'app/fs-data', state: 'running', done: false, bytes: 500, expected: 1000 }]);
    expect(s.writes[1]).toBe('\r\x1b[2K[##########----------] 0/1 done, 2 s · app/fs-data running 500 B of ~1000 B at 250 B/s, ~2 s left');
  });
});
