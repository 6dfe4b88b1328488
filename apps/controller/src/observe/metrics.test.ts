import { describe, expect, it } from 'vitest';
import type { BackupJob, ContainerBackupConfig, TargetConfig } from '@baqup/core';
import { StateStore } from '@baqup/state';
import { escapeLabelValue, formatValue, renderMetrics } from './metrics.js';

const target = (instance: string): TargetConfig => ({ type: 'postgres', instance, schedule: 'daily', compress: 'zstd', timeoutSeconds: 60, properties: {} });
const container = (name: string, targets: TargetConfig[]): ContainerBackupConfig => ({
  containerId: `id-${name}`, containerName: name, image: 'postgres:16', enabled: true, stop: false,
  schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } } }, targets, errors: [],
});

describe('exposition format', () => {
  it('escapes backslash, double quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('plain-name_1')).toBe('plain-name_1');
  });
  it('formats special values', () => {
    expect([NaN, Infinity, -Infinity, 0, 1.5, 1_700_000_000.123].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0', '1.5', '1700000000.123']);
  });
});

describe('renderMetrics', () => {
  it('writes per-target series from the state, leaves out values that do not exist yet, and the global gauges', () => {
    const now = new Date('2026-01-01T03:00:00Z');
    const store = new StateStore('x', { now: () => now });
    const db = container('we"ird\\db', [target('main'), target('other')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const job = { id: 'j', container: db, target: db.targets[0]!, schedule: db.schedules.daily!, triggeredAt: now, trigger: 'schedule' } as BackupJob;
    store.recordResult({ job, success: false, error: { code: 'X', message: 'x' }, durationSeconds: 0.25 });
    store.recordResult({ job, success: true, durationSeconds: 1.5, bytes: 2048 });
    store.setQueue({ running: ['a'], queued: ['b', 'c'] });
    store.setDocker({ connected: true });
    const text = renderMetrics(store.snapshot());
    const main = 'container="we\\"ird\\\\db",target="postgres-main",schedule="daily"';
    const other = 'container="we\\"ird\\\\db",target="postgres-other",schedule="daily"';
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain(`baqup_target_last_success_timestamp_seconds{${main}} 1767236400`);
    expect(lines).toContain(`baqup_target_last_attempt_timestamp_seconds{${main}} 1767236400`);
    expect(lines).toContain(`baqup_target_last_duration_seconds{${main}} 1.5`);
    expect(lines).toContain(`baqup_target_last_size_bytes{${main}} 2048`);
    expect(lines).toContain(`baqup_target_failures_total{${main}} 1`);
    expect(lines).toContain(`baqup_target_failures_total{${other}} 0`);
    expect(lines).toContain(`baqup_target_stale{${other}} 0`);
    expect(lines.some((l) => l.startsWith(`baqup_target_last_success_timestamp_seconds{${other}}`))).toBe(false);
    expect(lines).toContain('# TYPE baqup_target_failures_total counter');
    expect(lines).toContain('baqup_jobs_running 1');
    expect(lines).toContain('baqup_jobs_queued 2');
    expect(lines).toContain('baqup_containers_discovered 1');
    expect(lines).toContain('baqup_docker_up 1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('marks stale targets', () => {
    const store = new StateStore('x');
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    store.setTargetStale('db/postgres-main', true);
    expect(renderMetrics(store.snapshot())).toContain('baqup_target_stale{container="db",target="postgres-main",schedule="daily"} 1\n');
    expect(renderMetrics(store.snapshot())).toContain('baqup_docker_up 0\n');
  });
});
