// The job registry behind GET /api/jobs: queued → running (bytes so far) → finished, bounded; the routes on a real
// server on 127.0.0.1. The bytes so far come from stage (StageDeps.onBytes, tested there).
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type BackupJob, type ContainerBackupConfig, type TargetConfig } from '@baqup/core';
import { startApiServer } from './http/server.js';
import { JobRegistry } from './job-registry.js';
import { jobRoutes } from './job-routes.js';

const t: TargetConfig = { type: 'fs', instance: 'data', schedule: 'daily', compress: 'zstd', timeoutSeconds: 60, properties: {} };
const c: ContainerBackupConfig = { containerId: 'id-app', containerName: 'app', image: 'x', enabled: true, stop: false, schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: {} } }, targets: [t], errors: [] };
const job = (id: string, trigger: BackupJob['trigger'] = 'manual'): BackupJob => ({ id, container: c, target: t, schedule: c.schedules.daily!, triggeredAt: new Date(), trigger });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('JobRegistry', () => {
  it('follows a job from queued to running with bytes so far to succeeded', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const r = new JobRegistry({ now: () => now, expectedBytes: () => 5000 });
    r.queued(job('a'));
    expect(r.get('a')).toEqual({ job_id: 'a', target: 'app/fs-data', trigger: 'manual', status: 'queued', queued_at: '2026-01-01T00:00:00.000Z', expected_bytes: 5000 });
    now = new Date('2026-01-01T00:00:01Z');
    r.started(job('a'));
    r.progress('a', 1234);
    expect(r.get('a')).toMatchObject({ status: 'running', started_at: '2026-01-01T00:00:01.000Z', bytes: 1234 });
    now = new Date('2026-01-01T00:00:03Z');
    r.finished({ job: job('a'), success: true, durationSeconds: 2, bytes: 4000, stagingPath: '/s/x.tar.zst' });
    r.progress('a', 9999); // a late chunk count after the result changes nothing
    expect(r.get('a')).toMatchObject({ status: 'succeeded', finished_at: '2026-01-01T00:00:03.000Z', bytes: 4000, path: '/s/x.tar.zst', duration_seconds: 2 });
  });

  it('records failures and skips, lists newest first, and forgets the oldest finished jobs beyond the limit', () => {
    const r = new JobRegistry({ limit: 2 });
    r.started(job('s1', 'schedule'));
    r.finished({ job: job('s1', 'schedule'), success: false, durationSeconds: 1, error: { code: 'BAQUP_X', message: 'boom' } });
    r.finished({ kind: 'skipped', job: job('s2'), reason: 'target-busy', message: 'busy' });
    r.queued(job('q'));
    r.finished({ kind: 'skipped', job: job('s3'), reason: 'queue-full', message: 'full' });
    expect(r.list().map((j) => j.job_id)).toEqual(['s3', 'q', 's2']);
    expect(r.get('s1')).toBeUndefined();
    expect(r.get('s2')).toMatchObject({ status: 'skipped', reason: 'target-busy', message: 'busy' });
    expect(r.get('q')).toMatchObject({ status: 'queued' });
  });
});

describe('GET /api/jobs', () => {
  it('lists jobs and answers one by id, 404 with a code for an unknown id', async () => {
    const r = new JobRegistry();
    r.queued(job('a'));
    r.started(job('a'));
    r.progress('a', 10);
    const s = await startApiServer({ listen: '127.0.0.1:0', protectReads: false, logger: silentLogger, routes: [jobRoutes(r)] });
    closers.push(s.close);
    const list = await fetch(`http://${s.address}/api/jobs`);
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ jobs: [{ job_id: 'a', status: 'running', bytes: 10 }] });
    expect(await (await fetch(`http://${s.address}/api/jobs/a`)).json()).toMatchObject({ job_id: 'a', target: 'app/fs-data', status: 'running' });
    const missing = await fetch(`http://${s.address}/api/jobs/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'BAQUP_API_NO_JOB', field: 'params.id' });
  });
});
