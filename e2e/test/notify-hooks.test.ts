// Issue 19 end to end, with the BUILT controller and a real engine: one container with a succeeding and a failing
// target; alerts reach a loopback ntfy and a JSON webhook, Healthchecks.io-style and Uptime-Kuma-style monitors get
// their pings, and post_exec runs inside the container on both paths with the result in its environment (read back
// through the Docker API). Every log line is checked for secrets.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, runId, startContainer, useCleanup } from '../src/index.js';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { startFakeNtfy, type FakeNtfy, type Received } from './notify-fixtures.js';
import { backupNow, expectCleanLogs } from './observe-fixtures.js';
import { runId as pingRunId } from '@baqup/notify';

useCleanup();
useControllerCleanup();

const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const HOOK_KEY = `hk-${randomBytes(8).toString('hex')}`;
const HC_UUID = '0d338dcc-a054-41ec-b909-0242ac120002';
const KUMA_TOKEN = `kuma${randomBytes(6).toString('hex')}`;
const POST = (tag: string) => `echo "$BAQUP_RESULT|$BAQUP_ERROR_CODE|$BAQUP_BYTES|$BAQUP_TARGET|$BAQUP_TRIGGER" >> /tmp/post-${tag}.log; rm -f /tmp/maintenance-${tag}`;

let base: string;
const servers: FakeNtfy[] = [];
beforeAll(async () => {
  base = await ensureImage('base');
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(): Promise<FakeNtfy> {
  const s = await startFakeNtfy();
  servers.push(s);
  return s;
}

async function until<T>(what: string, get: () => T[], count: number, timeoutMs = 60_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (get().length < count) {
    if (Date.now() > deadline) throw new Error(`${what}: ${get().length} of ${count} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return get();
}

describe('alerts, pings and post_exec from the built controller', () => {
  it('a failing and a succeeding job: ntfy + webhook alerts, healthchecks + kuma pings, post_exec on both paths', async () => {
    const ntfy = await server();
    const hook = await server();
    const hc = await server();
    const kuma = await server();
    const name = `e2e-${runId}-hooks`;
    const c = await startContainer({
      image: base,
      name,
      cmd: SLEEPER,
      labels: {
        'backup.enabled': 'true',
        'backup.fs.etc.path': '/etc',
        'backup.fs.etc.pre_exec': 'touch /tmp/maintenance-etc',
        'backup.fs.etc.post_exec': POST('etc'),
        'backup.fs.gone.path': '/no/such/dir',
        'backup.fs.gone.pre_exec': 'touch /tmp/maintenance-gone',
        'backup.fs.gone.post_exec': POST('gone'),
        // Only this target reports to the Kuma push monitor (the URL as Kuma shows it, query and all).
        'backup.fs.gone.ping': `${kuma.url(`/api/push/${KUMA_TOKEN}`)}?status=up&msg=OK&ping=`,
      },
    });
    const ntfyUrl = `ntfy://127.0.0.1:${ntfy.port}/nas?scheme=http&priority=urgent&tags=nas`;
    const ctl = await startControllerProcess({
      config: {
        api: { listen: '127.0.0.1:0', token: TOKEN },
        notifications: {
          on_failure: [ntfyUrl],
          on_success: [ntfyUrl],
          webhook: [{ url: hook.url('/baqup'), headers: { 'X-Api-Key': HOOK_KEY } }],
          click_url: 'http://127.0.0.1:8080/api/status',
          ping: [`http://127.0.0.1:${hc.port}/ping/${HC_UUID}`],
        },
      },
    });
    await ctl.waitFor((l) => l.some((x) => x.name === name), 60_000);

    const run = await backupNow(ctl, TOKEN, name);
    const byTarget = Object.fromEntries(run.jobs.map((j) => [j.target, j]));
    expect(byTarget[`${name}/fs-etc`]).toMatchObject({ status: 'succeeded' });
    expect(byTarget[`${name}/fs-gone`]).toMatchObject({ status: 'failed' });
    const okJob = byTarget[`${name}/fs-etc`]!;
    const badJob = byTarget[`${name}/fs-gone`]!;
    const code = badJob.error!.code;

    // ntfy: the URL's priority and tags win; the failure names the error code, the success its size.
    const mine = (r: Received) => r.body.includes(`${name}/`);
    const alerts = await until('ntfy messages', () => ntfy.delivered.filter(mine), 2);
    const failure = alerts.find((m) => m.body.includes(`✗ ${name}/fs-gone`))!;
    const success = alerts.find((m) => m.body.includes(`✓ ${name}/fs-etc`))!;
    expect(failure.headers).toMatchObject({ priority: '5', tags: 'nas', click: 'http://127.0.0.1:8080/api/status' });
    expect(failure.body).toContain(code);
    expect(success.body).toMatch(new RegExp(`✓ ${name}/fs-etc \\(daily\\): backup succeeded \\([\\d.]+ (B|KiB|MiB) in \\d+s\\)`));

    // The webhook: baqup's JSON document with the header from the config, one item per target.
    const docs = await until('webhook documents', () => hook.delivered.filter(mine), 2);
    expect(docs.every((d) => d.headers['x-api-key'] === HOOK_KEY)).toBe(true);
    const items = docs.flatMap((d) => (JSON.parse(d.body) as { items: Array<Record<string, unknown>> }).items).filter((i) => String(i.target).startsWith(`${name}/`));
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: `${name}/fs-gone`, status: 'failed', error: expect.objectContaining({ code }) }),
        expect.objectContaining({ target: `${name}/fs-etc`, status: 'ok', bytes: okJob.bytes }),
      ]),
    );

    // Healthchecks (global): /start for each job, success for one, /fail with the error as the body for the other.
    const hcFor = (jobId: string) => hc.delivered.filter((r) => r.path.includes(`rid=${pingRunId(jobId)}`));
    const okPings = await until('healthchecks pings (ok job)', () => hcFor(okJob.job_id), 2);
    const badPings = await until('healthchecks pings (failed job)', () => hcFor(badJob.job_id), 2);
    expect(okPings.map((r) => r.path.split('?')[0])).toEqual([`/ping/${HC_UUID}/start`, `/ping/${HC_UUID}`]);
    expect(badPings.map((r) => r.path.split('?')[0])).toEqual([`/ping/${HC_UUID}/start`, `/ping/${HC_UUID}/fail`]);
    expect(badPings[1]!.body).toContain(`${name}/fs-gone: ${code}`);

    // Uptime Kuma (the failing target's own label): one push, status down.
    const [push] = await until('kuma pushes', () => kuma.delivered, 1);
    const pushUrl = new URL(push!.path, 'http://x');
    expect(push!.method).toBe('GET');
    expect(pushUrl.pathname).toBe(`/api/push/${KUMA_TOKEN}`);
    expect(pushUrl.searchParams.get('status')).toBe('down');
    expect(pushUrl.searchParams.get('msg')).toContain(code);
    expect(Number(pushUrl.searchParams.get('ping'))).toBeGreaterThanOrEqual(0);

    // post_exec ran inside the container on both paths, with the result in its environment; pre_exec's marker is gone.
    await ctl.waitForLog((l) => l.event === 'post_exec.finished' && l.target === 'fs-gone' && l.container === name, 30_000);
    await ctl.waitForLog((l) => l.event === 'post_exec.finished' && l.target === 'fs-etc' && l.container === name, 30_000);
    const read = async (file: string) => (await execIn(c, ['cat', file])).stdout.trim();
    expect(await read('/tmp/post-etc.log')).toBe(`success||${okJob.bytes}|fs-etc|manual`);
    expect(await read('/tmp/post-gone.log')).toBe(`failure|${code}||fs-gone|manual`);
    const markers = await execIn(c, ['sh', '-c', 'ls /tmp/maintenance-* 2>/dev/null | wc -l']);
    expect(markers.stdout.trim()).toBe('0');

    await ctl.stop();
    expectCleanLogs(ctl, [TOKEN, HOOK_KEY, KUMA_TOKEN, HC_UUID]);
  });
});
