// pruneTarget on a real staging directory: manual runs and safety copies are groups of their own, so they never
// take a scheduled backup's slot and a schedule's retention never removes them.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupManifest, BackupTrigger, Logger } from '@baqup/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneTarget } from './prune-target.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2024-03-20T12:00:00Z');
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-prune-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ts = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** A complete staged backup (data, .sha256, manifest) as stage writes it; `trigger` undefined = an old manifest. */
function staged(time: Date, trigger: BackupTrigger | undefined, schedule = 'daily'): string {
  const dir = join(root, 'app', 'postgres-main');
  mkdirSync(dir, { recursive: true });
  const file = `${ts(time)}.sql.gz`;
  const sha = 'a'.repeat(64);
  writeFileSync(join(dir, file), 'x');
  writeFileSync(join(dir, `${file}.sha256`), `${sha}  ${file}\n`);
  const manifest: BackupManifest = {
    version: 1, container: 'app', containerId: 'id', image: 'postgres:16', type: 'postgres', instance: 'main', schedule,
    ...(trigger ? { trigger } : {}), timestamp: ts(time), file, compression: 'gzip', size: 1, sha256: sha,
    toolVersions: {}, durations: { dumpMs: 1, totalMs: 1 },
  };
  writeFileSync(join(dir, `${file}.manifest.json`), JSON.stringify(manifest));
  return `app/postgres-main/${file}`;
}

const left = (): string[] => readdirSync(join(root, 'app', 'postgres-main')).filter((f) => f.endsWith('.sql.gz')).map((f) => `app/postgres-main/${f}`).sort();
const prune = (dryRun = false, policy = { keepDaily: 7 }) =>
  pruneTarget({ stagingRoot: root, container: 'app', type: 'postgres', instance: 'main', schedule: 'daily', policy, dryRun, logger: quiet, now: NOW, timeZone: 'UTC' });

describe('pruneTarget per trigger', () => {
  it('seven manual backups in one afternoon remove none of the week of daily backups', async () => {
    const daily = Array.from({ length: 7 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 20 - i, 3)), 'schedule'));
    const manual = Array.from({ length: 7 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 20, 10, i * 5)), 'manual'));
    const [side] = await prune();
    expect(side?.error).toBeUndefined();
    // Every daily stays; of the manual ones only the two oldest go (retention.manual defaults to the newest 5).
    expect(side?.deleted.sort()).toEqual(manual.slice(0, 2).sort());
    expect(left()).toEqual([...daily, ...manual.slice(2)].sort());
  });

  it('never removes a safety copy for the schedule, however strict its policy', async () => {
    const safety = [staged(new Date(Date.UTC(2024, 1, 1, 3)), 'safety'), staged(new Date(Date.UTC(2024, 2, 19, 9)), 'safety')];
    const daily = Array.from({ length: 3 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 20 - i, 3)), 'schedule'));
    const [side] = await prune(false, { keepLast: 1 } as never);
    expect(side?.deleted.sort()).toEqual(daily.slice(1).sort());
    expect(left()).toEqual([...safety, daily[0]!].sort());
    expect(side?.kept.filter((k) => k.group === 'safety').map((k) => k.why)).toEqual(['safety copy (last 1/3)', 'safety copy (last 2/3)']);
  });

  it('keeps the three newest safety copies of a target (retention.safety default) and honours its own policy', async () => {
    const safety = Array.from({ length: 5 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 10 + i, 9)), 'safety'));
    const [side] = await prune();
    expect(side?.deleted.sort()).toEqual(safety.slice(0, 2).sort());
    const [again] = await pruneTarget({
      stagingRoot: root, container: 'app', type: 'postgres', instance: 'main', schedule: 'daily', policy: { keepDaily: 7 },
      triggerRetention: { manual: { keepLast: 5 }, safety: { keepLast: 1 } }, logger: quiet, now: NOW, timeZone: 'UTC',
    });
    expect(again?.deleted.sort()).toEqual([safety[2]!, safety[3]!].sort());
    expect(left()).toEqual([safety[4]]);
  });

  it('--dry-run says why each kept backup is kept and deletes nothing', async () => {
    const daily = Array.from({ length: 9 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 20 - i, 3)), 'schedule'));
    const manual = [staged(new Date(Date.UTC(2024, 2, 20, 10)), 'manual'), staged(new Date(Date.UTC(2024, 2, 20, 11)), 'manual')];
    const [side] = await prune(true, { keepDaily: 3, keepWeekly: 4 } as never);
    const why = Object.fromEntries(side!.kept.map((k) => [k.path, k.why]));
    expect(why).toEqual({
      [daily[0]!]: 'daily 1/3, weekly 1/4', // Wed Mar 20
      [daily[1]!]: 'daily 2/3',
      [daily[2]!]: 'daily 3/3',
      [daily[3]!]: 'weekly 2/4', // Sun Mar 17
      [manual[1]!]: 'manual (last 1/5)',
      [manual[0]!]: 'manual (last 2/5)',
    });
    expect(side!.deleted.sort()).toEqual(daily.slice(4).sort());
    expect(left()).toHaveLength(11);
  });

  it('counts a backup whose manifest has no trigger (written before triggers) in its schedule, and leaves other schedules alone', async () => {
    const old = Array.from({ length: 3 }, (_, i) => staged(new Date(Date.UTC(2024, 2, 20 - i, 3)), undefined));
    const hourly = staged(new Date(Date.UTC(2024, 2, 1, 3)), 'schedule', 'hourly');
    const [side] = await prune(false, { keepLast: 1 } as never);
    expect(side?.listed).toBe(3);
    expect(side?.deleted.sort()).toEqual(old.slice(1).sort());
    expect(left()).toEqual([old[0]!, hourly].sort());
  });
});
