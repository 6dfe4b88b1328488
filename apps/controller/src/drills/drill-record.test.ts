import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@baqup/core';
import type { DrillReport } from '@baqup/drill';
import { History } from '@baqup/history';
import { registerDrillMetrics } from './drill-metrics.js';
import { drillRecord, drillSeeds } from './drill-record.js';
import type { TargetDrillState } from './drills.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const openHistory = () => {
  const dir = mkdtempSync(join(tmpdir(), 'baqup-drill-record-'));
  dirs.push(dir);
  return new History({ path: join(dir, 'baqup.db'), logger: silent, retentionDays: 400 });
};

const passed: DrillReport = {
  container: 'db', target: 'postgres-main', ok: true, timestamp: '20261206T120000Z', file: '20261206T120000Z.sql.zst', side: 'remote', bytes: 4096,
  fetchMs: 120, startMs: 3000, restoreMs: 900, checkMs: 40, durationMs: 4100,
  checked: ['databases: app, postgres', '3 table row counts equal'], notChecked: [], problems: [], startedAt: '2026-12-06T12:30:00.000Z',
};
const failed: DrillReport = {
  container: 'db', target: 'postgres-main', ok: false, timestamp: '20261207T120000Z', file: '20261207T120000Z.sql.zst', side: 'remote', durationMs: 30,
  checked: [], notChecked: [], problems: [], error: { code: 'BAQUP_RESTORE_CHECKSUM', message: '20261207T120000Z.sql.zst is corrupt' }, startedAt: '2026-12-07T12:30:00.000Z',
};

describe('drills in the history', () => {
  it('a drill is one row with fetch time, restore time, bytes, result and reason', () => {
    expect(drillRecord(passed, 'remote')).toMatchObject({
      container: 'db', target: 'postgres-main', backup: '20261206T120000Z', source: 'remote', success: true,
      started_at: Date.parse(passed.startedAt), finished_at: Date.parse(passed.startedAt) + 4100, fetch_ms: 120, restore_ms: 900, bytes: 4096,
    });
    expect(drillRecord(failed, 'remote')).toMatchObject({ success: false, error_code: 'BAQUP_RESTORE_CHECKSUM', error_message: '20261207T120000Z.sql.zst is corrupt' });
    // No backup found: the source asked for, an empty backup name, the reason.
    const none: DrillReport = { container: 'db', target: 'postgres-main', ok: false, durationMs: 5, checked: [], notChecked: [], problems: [], error: { code: 'BAQUP_RESTORE_NOT_FOUND', message: 'none' }, startedAt: passed.startedAt };
    expect(drillRecord(none, 'staging')).toMatchObject({ backup: '', source: 'staging', success: false, error_code: 'BAQUP_RESTORE_NOT_FOUND' });
  });

  it('the state after a restart: the last report as it was, the last passed drill, the failures', () => {
    const h = openHistory();
    h.recordDrill(drillRecord(passed, 'remote'));
    h.recordDrill(drillRecord(failed, 'remote'));
    const [seed, ...rest] = drillSeeds(h.drillTargets());
    h.close();
    expect(rest).toEqual([]);
    expect(seed).toEqual({ key: 'db/postgres-main', container: 'db', target: 'postgres-main', last: failed, lastSuccess: new Date(passed.startedAt), failures: 1, since: new Date(passed.startedAt) });

    const h2 = openHistory();
    h2.recordDrill(drillRecord(passed, 'remote'));
    expect(drillSeeds(h2.drillTargets())[0]!.last).toEqual(passed);
    h2.close();
  });

  it('/metrics: the drill families with baqup_container and target labels', async () => {
    const registry = new Registry();
    const states: TargetDrillState[] = [
      { key: 'db/postgres-main', container: 'db', target: 'postgres-main', status: 'failed', last: failed, lastSuccess: new Date(passed.startedAt), failures: 1, since: new Date(0) },
      { key: 'app/sqlite-app', container: 'app', target: 'sqlite-app', status: 'verified', last: passed, lastSuccess: new Date(passed.startedAt), failures: 0, since: new Date(0) },
      { key: 'old/fs-data', container: 'old', target: 'fs-data', status: 'not_verified', failures: 0, since: new Date(0) },
    ];
    registerDrillMetrics(registry, () => states);
    const text = await registry.metrics();
    const t = Date.parse(passed.startedAt) / 1000;
    expect(text).toContain(`baqup_drill_last_success_timestamp_seconds{baqup_container="app",target="sqlite-app"} ${t}`);
    expect(text).toContain('baqup_drill_last_success{baqup_container="db",target="postgres-main"} 0');
    expect(text).toContain('baqup_drill_last_success{baqup_container="app",target="sqlite-app"} 1');
    expect(text).toContain('baqup_drill_last_restore_seconds{baqup_container="app",target="sqlite-app"} 0.9');
    expect(text).toContain('baqup_drill_last_fetch_seconds{baqup_container="app",target="sqlite-app"} 0.12');
    expect(text).toContain('baqup_drill_last_bytes{baqup_container="app",target="sqlite-app"} 4096');
    expect(text).toContain('baqup_drill_failures_total{baqup_container="db",target="postgres-main"} 1');
    expect(text).toContain('baqup_drill_unverified{baqup_container="old",target="fs-data"} 1');
    expect(text).toContain('baqup_drill_unverified{baqup_container="app",target="sqlite-app"} 0');
    // Never drilled: no last-success series (no invented timestamp).
    expect(text).not.toMatch(/baqup_drill_last_success_timestamp_seconds\{baqup_container="old"/);
  });
});
