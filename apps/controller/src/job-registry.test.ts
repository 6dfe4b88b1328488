// The job registry behind GET /api/jobs: queued → running (bytes so far) → finished, bounded; the routes on a real
// server on 127.0.0.1. The bytes so far come from stage (StageDeps.onBytes, tested there).
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type BackupJob, type ContainerBackupConfig, type TargetConfig } from '@baqup/core';
import { startApiServer } from './http/server.js';
import { JobRegistry } from './job-registry.js';
import { jobRoutes } from './job-routes.js';
import type { CancelOutcome } from '@baqup/scheduler';

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

  it('shows a job cancelled while queued as cancelled, not skipped', () => {
    const r = new JobRegistry();
    r.queued(job('q', 'schedule'));
    r.finished({ kind: 'skipped', job: job('q', 'schedule'), reason: 'cancelled', message: 'taken out of the queue' });
    expect(r.get('q')).toMatchObject({ status: 'cancelled', reason: 'cancelled', message: 'taken out of the queue', trigger: 'schedule' });
    expect(r.get('q')?.started_at).toBeUndefined();
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

describe('DELETE /api/jobs/{id}', () => {
  it('cancels a queued job (200, cancelled), refuses a running or finished one with 409 saying why, 404 for an unknown id, 401 without the token', async () => {
    const r = new JobRegistry();
    for (const id of ['run', 'q', 'done']) r.queued(job(id));
    r.started(job('run'));
    r.started(job('done'));
    r.finished({ job: job('done'), success: true, durationSeconds: 1, bytes: 1 });
    // The queue's side, as runPipeline answers: the queued job's cancelled skip reaches the registry before cancel returns.
    const cancel = (id: string): CancelOutcome => {
      if (id === 'run') return { status: 'running', job: job('run') };
      if (id !== 'q' || r.get('q')?.status !== 'queued') return { status: 'unknown' };
      r.finished({ kind: 'skipped', job: job('q'), reason: 'cancelled', message: 'taken out of the queue before it started; it never ran' });
      return { status: 'cancelled', job: job('q') };
    };
    const s = await startApiServer({ listen: '127.0.0.1:0', protectReads: false, token: 'tok', logger: silentLogger, routes: [jobRoutes(r, undefined, () => ({ cancel }))] });
    closers.push(s.close);
    const del = (id: string, token: string | undefined = 'tok') => fetch(`http://${s.address}/api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });

    expect((await del('q', '')).status).toBe(401);
    expect(r.get('q')?.status).toBe('queued');
    const ok = await del('q');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ job_id: 'q', status: 'cancelled', reason: 'cancelled' });
    const again = await del('q');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'BAQUP_API_JOB_NOT_QUEUED', field: 'params.id', error: expect.stringContaining('already finished (cancelled)') });
    const running = await del('run');
    expect(running.status).toBe(409);
    expect(await running.json()).toMatchObject({ code: 'BAQUP_API_JOB_NOT_QUEUED', error: expect.stringContaining('it is running') });
    expect(r.get('run')?.status).toBe('running');
    const finished = await del('done');
    expect(finished.status).toBe(409);
    expect(await finished.json()).toMatchObject({ error: expect.stringContaining('already finished (succeeded)') });
    const unknown = await del('nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'BAQUP_API_NO_JOB', field: 'params.id' });
    // Hostile ids: too long is a 400 naming the field; odd bytes are just an unknown id.
    const long = await del('x'.repeat(500));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ field: expect.stringContaining('id') });
    for (const odd of ['..%2F..', '\u0000', "'; DROP TABLE runs; --", '\u{1F4A3}']) expect((await del(odd)).status).toBe(404);
  });

  it('answers 503 while the controller takes no jobs (stopping), for a job it still lists as queued', async () => {
    const r = new JobRegistry();
    r.queued(job('q'));
    const s = await startApiServer({ listen: '127.0.0.1:0', protectReads: false, token: 'tok', logger: silentLogger, routes: [jobRoutes(r, undefined, () => undefined)] });
    closers.push(s.close);
    const res = await fetch(`http://${s.address}/api/jobs/q`, { method: 'DELETE', headers: { authorization: 'Bearer tok' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'BAQUP_API_NO_JOBS' });
  });
});
