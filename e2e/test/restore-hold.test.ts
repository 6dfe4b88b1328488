// While a restore loads, the controller's backups of that target wait (issue 13: a restore never leaves things
// worse — a cold backup stopping the container mid-restore, or keeping a half-restored tree as the newest backup,
// would). The built controller's POST/PUT/DELETE /api/restores/holds against a real engine: a backup asked for
// during a hold starts only once the hold is released, or once it expires unrenewed; hostile ids and bodies get
// 400/404. Then the built CLI: a `baqup restore` holds its target, so a backup asked for while it stages its files
// runs after the restore released it.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensureImage, execIn, startContainer, useCleanup } from '../src/index.js';
import { backupNow, CLI_MAIN, startCtl, TOKEN, useCtlCleanup, waitDiscovered, type Ctl } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

async function call(ctl: Ctl, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://${ctl.api}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Index in the controller's log of the first line matching, or -1. */
const indexOf = (ctl: Ctl, pred: (l: Record<string, unknown>) => boolean) => ctl.logs().findIndex((l) => pred(l as Record<string, unknown>));

describe('restore holds', () => {
  it('a backup asked for during a hold starts only after the release, or after the hold expired unrenewed; bad requests are refused', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' }, cmd: IDLE });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    const started = (l: Record<string, unknown>) => l.event === 'job.started' && l.container === c.name;

    const hold = await call(ctl, 'POST', '/api/restores/holds', { container: c.name, target: 'fs-data', ttl_seconds: 60 });
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    expect(hold.body).toMatchObject({ container: c.name, target: 'fs-data', id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const id = String(hold.body.id);
    let finished = false;
    const backup = backupNow(ctl, c.name, 'fs-data').finally(() => (finished = true));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(finished).toBe(false);
    expect(indexOf(ctl, started)).toBe(-1);
    expect((await call(ctl, 'PUT', `/api/restores/holds/${id}`, { ttl_seconds: 30 })).status).toBe(200);
    expect((await call(ctl, 'DELETE', `/api/restores/holds/${id}`)).status).toBe(200);
    expect((await backup).job.status).toBe('succeeded');
    const released = indexOf(ctl, (l) => l.event === 'restore.hold_released' && l.container === c.name);
    expect(released).toBeGreaterThanOrEqual(0);
    expect(indexOf(ctl, started)).toBeGreaterThan(released);
    // Gone: renewing or releasing it again is a 404 naming it.
    const again = await call(ctl, 'DELETE', `/api/restores/holds/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'BAQUP_API_NO_HOLD', field: 'params.id' });

    // A hold nobody renews runs out, and the waiting backup goes on.
    const from = ctl.logs().length;
    expect((await call(ctl, 'POST', '/api/restores/holds', { container: c.name, target: 'fs-data', ttl_seconds: 5 })).status).toBe(200);
    const t0 = Date.now();
    expect((await backupNow(ctl, c.name, 'fs-data')).job.status).toBe('succeeded');
    expect(Date.now() - t0).toBeGreaterThan(3_000);
    const expired = ctl.logs().findIndex((l, i) => i >= from && l.event === 'restore.hold_expired' && l.container === c.name);
    expect(expired).toBeGreaterThanOrEqual(from);
    expect(ctl.logs().findIndex((l, i) => i >= from && started(l as Record<string, unknown>))).toBeGreaterThan(expired);

    // Hostile or wrong requests: refused with the field named, never a crash.
    expect((await call(ctl, 'POST', '/api/restores/holds', { container: c.name, target: 'fs-data' }, null)).status).toBe(401);
    for (const body of [{ container: c.name, target: 'nodash' }, { container: c.name, target: 'fs-data', ttl_seconds: 1 }, { container: c.name, target: 'fs-data', ttl_seconds: 100_000 }, { container: c.name }, { container: c.name, target: 'fs-data', extra: 1 }]) {
      const r = await call(ctl, 'POST', '/api/restores/holds', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(ctl, 'PUT', '/api/restores/holds/../../etc', { ttl_seconds: 10 })).status).toBeGreaterThanOrEqual(400);
    expect((await call(ctl, 'PUT', '/api/restores/holds/zz', { ttl_seconds: 10 })).status).toBe(400);
    expect((await call(ctl, 'PUT', `/api/restores/holds/${'a'.repeat(24)}`, { ttl_seconds: 10 })).status).toBe(404);
    expect(ctl.exited).toBe(false);
    expect((await ctl.stop()).code).toBe(0);
  }, 300_000);

  it('baqup restore holds its target: a backup asked for while it stages its files runs after the restore', async () => {
    // 512 MiB of sparse zeros: staging writes long enough to ask for a backup in the middle of it.
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' }, cmd: ['sh', '-c', "mkdir -p /data && truncate -s 512M /data/big && echo hi > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"] });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    expect((await backupNow(ctl, c.name, 'fs-data')).job.status).toBe('succeeded');
    const from = ctl.logs().length;
    const child = spawn(process.execPath, [CLI_MAIN, 'restore', c.name, 'fs-data', '--yes', '--no-safety-copy', '--config', `${ctl.root}/config.yml`], {
      env: { ...process.env, BAQUP_DATA_DIR: `${ctl.root}/data`, BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    let staging = false;
    const deadline = Date.now() + 120_000;
    while (!staging && Date.now() < deadline && child.exitCode === null) {
      staging = /^\.baqup-restore$/m.test((await execIn(c, ['ls', '-a', '/data']).catch(() => ({ stdout: '' }))).stdout);
      if (!staging) await new Promise((r) => setTimeout(r, 20));
    }
    expect(staging, `the restore ended before it staged its files:\n${out}`).toBe(true);
    const backup = backupNow(ctl, c.name, 'fs-data');
    expect(await exited, out).toBe(0);
    expect(out).toContain(`holding the controller's backups of ${c.name}/fs-data`);
    expect((await backup).job.status).toBe('succeeded');
    const at = (event: string) => ctl.logs().findIndex((l, i) => i >= from && l.event === event && l.container === c.name);
    expect(at('restore.hold_taken')).toBeGreaterThanOrEqual(from);
    expect(at('restore.hold_released')).toBeGreaterThan(at('restore.hold_taken'));
    expect(at('job.started')).toBeGreaterThan(at('restore.hold_released'));
    expect((await ctl.stop()).code).toBe(0);
  }, 300_000);
});
