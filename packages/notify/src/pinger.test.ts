// Dead-man's-switch pings against a loopback receiver playing Healthchecks.io and an Uptime Kuma push monitor.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupJob, BackupResult } from '@baqup/core';
import { createPinger, runId } from './pinger.js';
import { startReceiver, type Receiver } from './__fixtures__/loopback.js';

const UUID = '0d338dcc-a054-11ec-b909-0242ac120002';
const JOB_ID = '6f1c1b9e-7a0b-4d55-9a43-0f5b8c0d1e2f';
const job = (ping?: string[]): BackupJob =>
  ({
    id: JOB_ID,
    container: { containerName: 'nextcloud', containerId: 'c1' },
    target: { type: 'postgres', instance: 'main', ...(ping ? { ping } : {}) },
    schedule: { name: 'daily' },
    triggeredAt: new Date(),
    trigger: 'schedule',
  }) as unknown as BackupJob;
const ok = (j: BackupJob): BackupResult => ({ job: j, success: true, bytes: 2048, durationSeconds: 1.5 });
const bad = (j: BackupJob): BackupResult => ({ job: j, success: false, durationSeconds: 4, error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited with code 1' } });

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(() => rx.close());

describe('pings', () => {
  it('Healthchecks (global, self-hosted /ping/<uuid>): /start, then success with a summary body; /fail with the error', async () => {
    const pinger = createPinger({ global: [`${rx.base}/ping/${UUID}`] });
    const j = job();
    await pinger.start(j);
    await pinger.finish(ok(j));
    await pinger.start(j);
    await pinger.finish(bad(j));
    const [start, success, , fail] = await rx.waitFor(4);
    expect(start).toMatchObject({ method: 'POST', path: `/ping/${UUID}/start?rid=${JOB_ID}`, body: '' });
    expect(success).toMatchObject({ method: 'POST', path: `/ping/${UUID}?rid=${JOB_ID}`, body: 'nextcloud/postgres-main: backup succeeded (2.0 KiB in 2s)' });
    expect(fail).toMatchObject({ method: 'POST', path: `/ping/${UUID}/fail?rid=${JOB_ID}`, body: 'nextcloud/postgres-main: BAQUP_DUMP_FAILED pg_dump exited with code 1 (after 4s)' });
  });

  it('Uptime Kuma (a target label): GET status=up|down with msg and the duration as ping; no start signal', async () => {
    const pinger = createPinger({});
    const j = job([`${rx.base}/api/push/PushTok1?status=up&msg=OK&ping=`]);
    await pinger.start(j);
    await pinger.finish(ok(j));
    await pinger.finish(bad(j));
    const [up, down] = await rx.waitFor(2);
    expect(rx.requests).toHaveLength(2);
    const upUrl = new URL(up!.path, rx.base);
    expect(up!.method).toBe('GET');
    expect(upUrl.pathname).toBe('/api/push/PushTok1');
    expect(Object.fromEntries(upUrl.searchParams)).toEqual({ status: 'up', msg: 'nextcloud/postgres-main: backup succeeded (2.0 KiB in 2s)', ping: '1500' });
    expect(new URL(down!.path, rx.base).searchParams.get('status')).toBe('down');
    expect(new URL(down!.path, rx.base).searchParams.get('msg')).toMatch(/BAQUP_DUMP_FAILED/);
  });

  it('turns a job id that is not a UUID into a stable UUID for rid', () => {
    expect(runId('k3x9a2')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runId('k3x9a2')).toBe(runId('k3x9a2'));
    expect(runId('k3x9a2')).not.toBe(runId('k3x9a3'));
  });

  it('a monitor that is down is logged, never thrown', async () => {
    const lines: string[] = [];
    const logger = { error: (msg: string, f: unknown) => lines.push(`${msg} ${JSON.stringify(f)}`), warn() {}, info() {}, debug() {}, child() { return logger; } };
    await rx.close();
    const pinger = createPinger({ global: [`hc+${rx.base}/pk/slug`], logger: logger as never, http: { retryLimit: 0, timeoutMs: 2000 } });
    await expect(pinger.finish(ok(job()))).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/ping could not be delivered.*"event":"ping.failed"/);
    expect(lines.join('\n')).not.toContain('/pk/slug');
    rx = await startReceiver();
  });
});
