import { describe, expect, it } from 'vitest';
import type { BackupJob, ContainerBackupConfig, TargetConfig } from '@baqup/core';
import { Secret } from '@baqup/core';
import { StateStore, type TargetSeed } from './store.js';
import { containersView } from './views.js';

const target = (instance: string): TargetConfig => ({
  type: 'postgres', instance, schedule: 'daily', compress: 'zstd', timeoutSeconds: 60, properties: {},
  password: { kind: 'literal', value: new Secret('hunter2') },
});
const container = (name: string, targets: TargetConfig[]): ContainerBackupConfig => ({
  containerId: `id-${name}`, containerName: name, image: 'postgres:16', enabled: true, stop: false,
  schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } } }, targets, errors: [],
});

describe('StateStore', () => {
  it('shows a container baqup holds (or could not start) with its hold, and drops the hold once it runs', () => {
    const store = new StateStore('x');
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    expect(containersView(store.snapshot())[0]!.hold).toBeUndefined();
    const lastError = { code: 'BAQUP_DOCKER_UNREACHABLE', message: 'engine down' };
    store.setHeld([{ containerId: 'id-db', containerName: 'db', status: 'start-failed', since: '2026-01-01T03:00:00.000Z', attempts: 4, lastError }]);
    expect(containersView(store.snapshot())[0]!.hold).toEqual({ status: 'start-failed', since: '2026-01-01T03:00:00.000Z', attempts: 4, lastError });
    store.setHeld([]);
    expect(containersView(store.snapshot())[0]!.hold).toBeUndefined();
  });

  it('tracks targets of the desired state and keeps their history across updates', () => {
    const store = new StateStore('unix:///var/run/docker.sock', { now: () => new Date('2026-01-01T03:00:00Z') });
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const job = { id: 'j1', container: db, target: db.targets[0]!, schedule: db.schedules.daily!, triggeredAt: new Date(), trigger: 'manual' } as BackupJob;
    store.recordResult({ job, success: false, error: { code: 'X', message: 'bad password' }, durationSeconds: 1 });
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ status: 'error', lastError: 'bad password' });
    store.applyDesired(new Map([[db.containerId, db]]));
    store.recordResult({ job, success: true, durationSeconds: 1 });
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ status: 'healthy', lastError: undefined });
    expect(store.snapshot().targets.get('db/postgres-main')?.lastSuccess?.toISOString()).toBe('2026-01-01T03:00:00.000Z');
    store.applyDesired(new Map());
    expect(store.snapshot().targets.size).toBe(0);
  });

  it('keeps metrics fields: discovery time, failures counter, last duration and size; stale marks warning', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new StateStore('x', { now: () => now });
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const key = 'db/postgres-main';
    expect(store.snapshot().targets.get(key)).toMatchObject({ discoveredAt: now, failures: 0, stale: false, status: 'unknown' });
    now = new Date('2026-01-01T01:00:00Z');
    store.applyDesired(new Map([[db.containerId, db]]));
    expect(store.snapshot().targets.get(key)?.discoveredAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const job = { id: 'j1', container: db, target: db.targets[0]!, schedule: db.schedules.daily!, triggeredAt: now, trigger: 'schedule' } as BackupJob;
    store.recordResult({ job, success: false, error: { code: 'X', message: 'no' }, durationSeconds: 2.5 });
    store.recordResult({ job, success: false, error: { code: 'X', message: 'no' }, durationSeconds: 3 });
    expect(store.snapshot().targets.get(key)).toMatchObject({ failures: 2, lastDurationSeconds: 3, status: 'error' });
    store.setTargetStale(key, true);
    expect(store.snapshot().targets.get(key)).toMatchObject({ stale: true, status: 'error' });
    store.recordResult({ job, success: true, durationSeconds: 4, bytes: 1234 });
    expect(store.snapshot().targets.get(key)).toMatchObject({ failures: 2, lastDurationSeconds: 4, lastBytes: 1234, stale: false, status: 'healthy' });
    store.setTargetStale(key, true);
    expect(store.snapshot().targets.get(key)).toMatchObject({ stale: true, status: 'warning' });
    store.setTargetStale(key, false);
    expect(store.snapshot().targets.get(key)).toMatchObject({ stale: false, status: 'healthy' });
  });

  it('bounds recent events and never shows a secret in its views', () => {
    const store = new StateStore('x', { recentEventLimit: 3 });
    for (let i = 0; i < 5; i++) store.recordEvent({ event: 'job.started', message: `m${i}` });
    expect(store.snapshot().recentEvents.map((e) => e.message)).toEqual(['m2', 'm3', 'm4']);
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const json = JSON.stringify(containersView(store.snapshot()));
    expect(json).toContain('"key":"db/postgres-main"');
    expect(json).not.toContain('hunter2');
  });

  it('takes what the history knew of a target at start: when it appears, or at once when it has not run yet', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    const store = new StateStore('x', { now: () => now });
    const db = container('db', [target('main'), target('other')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const lastSuccess = new Date('2026-01-01T03:00:00Z');
    const seed = { lastRun: new Date('2026-01-01T04:00:00Z'), lastSuccess, lastError: 'boom', status: 'error' as const, failures: 3, lastDurationSeconds: 2.5, lastBytes: 1234, discoveredAt: new Date('2025-12-01T00:00:00Z') };
    store.seedTargets(new Map<string, TargetSeed>([['db/postgres-main', seed], ['web/fs-data', { lastSuccess, status: 'healthy' as const, failures: 0 }]]));
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ ...seed, stale: false });
    expect(store.snapshot().targets.get('db/postgres-other')).toMatchObject({ status: 'unknown', failures: 0, discoveredAt: now });
    const web = container('web', []);
    web.targets = [{ ...target('data'), type: 'fs' }];
    store.applyDesired(new Map([[db.containerId, db], [web.containerId, web]]));
    expect(store.snapshot().targets.get('web/fs-data')).toMatchObject({ lastSuccess, status: 'healthy', discoveredAt: now });
  });

  it('a seed never overwrites a run of this process, and a target that leaves comes back as it left', () => {
    const store = new StateStore('x', { now: () => new Date('2026-01-02T00:00:00Z') });
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const job = { id: 'j1', container: db, target: db.targets[0]!, schedule: db.schedules.daily!, triggeredAt: new Date(), trigger: 'manual' } as BackupJob;
    store.recordResult({ job, success: false, error: { code: 'X', message: 'now' }, durationSeconds: 1 });
    store.seedTargets(new Map<string, TargetSeed>([['db/postgres-main', { status: 'healthy', failures: 9 }]]));
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ status: 'error', failures: 1, lastError: 'now' });
    store.applyDesired(new Map());
    store.applyDesired(new Map([[db.containerId, db]]));
    expect(store.snapshot().targets.get('db/postgres-main')).toMatchObject({ status: 'error', failures: 1, lastError: 'now' });
  });
});
