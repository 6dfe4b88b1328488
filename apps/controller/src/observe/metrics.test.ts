import { describe, expect, it } from 'vitest';
import { HoldRefusedError, type BackupJob, type ContainerBackupConfig, type TargetConfig } from '@baqup/core';
import type { HeldContainer } from '@baqup/dump';
import { StateStore } from '@baqup/state';
import { ControllerMetrics, METRICS_CONTENT_TYPE } from './metrics.js';

const target = (instance: string): TargetConfig => ({ type: 'postgres', instance, schedule: 'daily', compress: 'zstd', timeoutSeconds: 60, properties: {} });
const container = (name: string, targets: TargetConfig[]): ContainerBackupConfig => ({
  containerId: `id-${name}`, containerName: name, image: 'postgres:16', enabled: true, stop: false,
  schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } } }, targets, errors: [],
});
const jobOf = (c: ContainerBackupConfig, t: TargetConfig, now: Date) => ({ id: 'j', container: c, target: t, schedule: c.schedules.daily!, triggeredAt: now, trigger: 'schedule' }) as BackupJob;

const lines = async (m: ControllerMetrics) => (await m.render()).trimEnd().split('\n');

describe('ControllerMetrics', () => {
  it('answers in the 0.0.4 text format', () => {
    expect(METRICS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('writes per-target series from the state (labels baqup_container, target, schedule; escaped), leaves out values that do not exist yet, and the global gauges', async () => {
    const now = new Date('2026-01-01T03:00:00Z');
    const store = new StateStore('x', { now: () => now });
    const db = container('we"ird\\db', [target('main'), target('other')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const job = jobOf(db, db.targets[0]!, now);
    store.recordResult({ job, success: false, error: { code: 'X', message: 'x' }, durationSeconds: 0.25 });
    store.recordResult({ job, success: true, durationSeconds: 1.5, bytes: 2048 });
    store.setQueue({ running: ['a'], queued: ['b', 'c'] });
    store.setDocker({ connected: true });
    const m = new ControllerMetrics({ state: () => store.snapshot(), processMetrics: false, version: '9.9.9' });
    const out = await lines(m);
    const main = 'baqup_container="we\\"ird\\\\db",target="postgres-main",schedule="daily"';
    const other = 'baqup_container="we\\"ird\\\\db",target="postgres-other",schedule="daily"';
    expect(out).toContain(`baqup_target_last_success_timestamp_seconds{${main}} 1767236400`);
    expect(out).toContain(`baqup_target_last_attempt_timestamp_seconds{${main}} 1767236400`);
    expect(out).toContain(`baqup_target_last_duration_seconds{${main}} 1.5`);
    expect(out).toContain(`baqup_target_last_size_bytes{${main}} 2048`);
    expect(out).toContain(`baqup_target_failures_total{${main}} 1`);
    expect(out).toContain(`baqup_target_failures_total{${other}} 0`);
    expect(out).toContain(`baqup_target_stale{${other}} 0`);
    expect(out.some((l) => l.startsWith(`baqup_target_last_success_timestamp_seconds{${other}}`))).toBe(false);
    expect(out).toContain('# TYPE baqup_target_failures_total counter');
    expect(out).toContain('baqup_jobs_running 1');
    expect(out).toContain('baqup_jobs_queued 2');
    expect(out).toContain('baqup_containers_discovered 1');
    expect(out).toContain('baqup_docker_up 1');
    expect(out).toContain(`baqup_build_info{version="9.9.9",nodejs_version="${process.version}"} 1`);
    expect(out.some((l) => /[{,]container=/.test(l))).toBe(false);
    // Every known target has its result series at 0 before its first result.
    expect(out).toContain(`baqup_job_results_total{${other},outcome="failure"} 0`);
    expect(out).toContain(`baqup_job_results_total{${other},outcome="success"} 0`);
  });

  it('counts results by outcome, observes durations, adds uploaded bytes of successes only', async () => {
    const now = new Date();
    const store = new StateStore('x');
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    const m = new ControllerMetrics({ state: () => store.snapshot(), processMetrics: false });
    const job = jobOf(db, db.targets[0]!, now);
    m.record({ job, success: true, durationSeconds: 42, bytes: 1000 });
    m.record({ job, success: true, durationSeconds: 0.5, bytes: 24 });
    m.record({ job, success: false, durationSeconds: 3, error: { code: 'X', message: 'x' } });
    m.record({ kind: 'skipped', job, reason: 'target-busy', message: 'busy' });
    m.record({ job, success: false, durationSeconds: 0, error: { code: HoldRefusedError.code, message: 'stopping' } }, true);
    const out = await lines(m);
    const l = 'baqup_container="db",target="postgres-main",schedule="daily"';
    expect(out).toContain(`baqup_job_results_total{${l},outcome="success"} 2`);
    expect(out).toContain(`baqup_job_results_total{${l},outcome="failure"} 1`);
    expect(out).toContain(`baqup_job_results_total{${l},outcome="skipped"} 2`);
    expect(out).toContain(`baqup_uploaded_bytes_total{${l}} 1024`);
    expect(out).toContain(`baqup_job_duration_seconds_bucket{le="1",${l},outcome="success"} 1`);
    expect(out).toContain(`baqup_job_duration_seconds_bucket{le="60",${l},outcome="success"} 2`);
    expect(out).toContain(`baqup_job_duration_seconds_count{${l},outcome="success"} 2`);
    expect(out).toContain(`baqup_job_duration_seconds_sum{${l},outcome="success"} 42.5`);
    expect(out).toContain(`baqup_job_duration_seconds_count{${l},outcome="failure"} 1`);
  });

  it('reports held containers by status (every status present), with when each hold began', async () => {
    const store = new StateStore('x');
    let held: HeldContainer[] = [
      { containerId: 'a', containerName: 'app', status: 'stopped', since: '2026-01-01T00:00:00.000Z' },
      { containerId: 'b', containerName: 'web', status: 'start-failed', since: '2026-01-01T00:00:10.000Z', attempts: 2 },
    ];
    const m = new ControllerMetrics({ state: () => store.snapshot(), held: () => held, processMetrics: false });
    let out = await lines(m);
    expect(out).toContain('baqup_containers_held{status="stopped"} 1');
    expect(out).toContain('baqup_containers_held{status="start-failed"} 1');
    expect(out).toContain('baqup_containers_held{status="stopping"} 0');
    expect(out).toContain('baqup_container_held_since_timestamp_seconds{baqup_container="app",status="stopped"} 1767225600');
    expect(out).toContain('baqup_container_held_since_timestamp_seconds{baqup_container="web",status="start-failed"} 1767225610');
    held = [];
    out = await lines(m);
    expect(out).toContain('baqup_containers_held{status="stopped"} 0');
    expect(out.some((l) => l.startsWith('baqup_container_held_since_timestamp_seconds{'))).toBe(false);
  });

  it('marks stale targets and an engine that does not answer; carries process metrics by default', async () => {
    const store = new StateStore('x');
    const db = container('db', [target('main')]);
    store.applyDesired(new Map([[db.containerId, db]]));
    store.setTargetStale('db/postgres-main', true);
    const m = new ControllerMetrics({ state: () => store.snapshot() });
    const out = await lines(m);
    expect(out).toContain('baqup_target_stale{baqup_container="db",target="postgres-main",schedule="daily"} 1');
    expect(out).toContain('baqup_docker_up 0');
    expect(out.some((l) => l.startsWith('process_cpu_user_seconds_total '))).toBe(true);
    expect(out.some((l) => l.startsWith('nodejs_heap_size_used_bytes '))).toBe(true);
    expect(out.find((l) => l.startsWith('baqup_build_info{'))).toMatch(/version="\d+\.\d+\.\d+"/);
  });
});
