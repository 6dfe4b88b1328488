// Health endpoints and `baqup healthcheck` of the BUILT controller and CLI: ready while Docker answers and staging
// takes writes; 1 when the engine goes away (a private second engine, so the shared one is never stopped), when
// staging disappears, and when the controller is gone; /healthz and /readyz open under protect_reads.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { startControllerProcess, useControllerCleanup, type ControllerProcess } from '../src/controller-process.js';
import { secondEngine, type SecondEngine } from '../src/second-engine.js';
import { baqupCli, expectCleanLogs, parsePrometheusText, sampleOf } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

// Its own root: the default one is shared with other test files another engineer may be running right now.
const ENGINE_ROOT = '/tmp/baqup-e2e-observe-engine';
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];

const healthcheck = (ctl: ControllerProcess | string) => baqupCli(['healthcheck'], { BAQUP_API_URL: `http://${typeof ctl === 'string' ? ctl : ctl.api}` });

interface ReadyBody {
  status: string;
  failing: string[];
  checks: Array<{ name: string; ok: boolean; error?: string }>;
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('strict Prometheus text parser (the one the tests rely on)', () => {
  it('parses escapes and rejects what Prometheus would reject', () => {
    const ok = parsePrometheusText('# HELP m h\n# TYPE m gauge\nm{a="x\\"y\\\\z\\n"} 1.5\nm{a="b"} +Inf\n');
    expect(ok.get('m')!.samples).toEqual([{ labels: { a: 'x"y\\z\n' }, value: 1.5 }, { labels: { a: 'b' }, value: Infinity }]);
    expect(() => parsePrometheusText('# TYPE m gauge\nm 1')).toThrow(/newline/);
    expect(() => parsePrometheusText('m 1\n')).toThrow(/outside its TYPE/);
    expect(() => parsePrometheusText('# TYPE m gauge\nm{a="\\x"} 1\n')).toThrow(/bad escape/);
    expect(() => parsePrometheusText('# TYPE m gauge\nm{a="1"} 1\nm{a="1"} 2\n')).toThrow(/duplicate/);
    expect(() => parsePrometheusText('# TYPE m gauge\nm{a=1} 1\n')).toThrow(/not quoted/);
    expect(() => parsePrometheusText('# TYPE m gauge\nm one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE m gauge\n\nm 1\n')).toThrow(/blank/);
  });
});

describe('health endpoints and baqup healthcheck', () => {
  let engine: SecondEngine | undefined;
  afterEach(async () => {
    await engine?.destroy();
    engine = undefined;
  });

  it('healthcheck exits 0 while ready, 1 when the engine goes away, 0 when it is back, 1 once the controller is gone', async () => {
    engine = secondEngine(ENGINE_ROOT);
    await engine.start();
    const ctl = await startControllerProcess({ dockerHost: engine.host, config: { api: { listen: '127.0.0.1:0', token: TOKEN } } });

    const ready = await healthcheck(ctl);
    expect(ready).toMatchObject({ code: 0, stdout: 'ready\n' });
    const body = (await ctl.request('/readyz')).body as ReadyBody;
    expect(body).toEqual({ status: 'ready', failing: [], checks: [{ name: 'docker', ok: true }, { name: 'staging', ok: true }] });

    await engine.stop();
    const down = await healthcheck(ctl);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^unhealthy \(HTTP 503\): docker: /);
    const r = await ctl.request('/readyz');
    expect(r.status).toBe(503);
    expect((r.body as ReadyBody).failing).toEqual(['docker']);
    const healthz = await ctl.request('/healthz');
    expect([healthz.status, healthz.text]).toEqual([200, 'ok\n']);
    const metrics = await until('baqup_docker_up', async () => parsePrometheusText((await ctl.request('/metrics')).text), (m) => sampleOf(m, 'baqup_docker_up') === 0);
    expect(sampleOf(metrics, 'baqup_docker_up')).toBe(0);

    await engine.start();
    expect((await until('healthcheck after restart', () => healthcheck(ctl), (x) => x.code === 0)).stdout).toBe('ready\n');

    const address = ctl.api;
    await ctl.stop();
    const gone = await healthcheck(address);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toMatch(/^unhealthy: the controller does not answer at http:\/\/127\.0\.0\.1:\d+/);
    expectCleanLogs(ctl, [TOKEN]);
  });

  it('a staging directory that disappears makes /readyz 503 until it is back', async () => {
    // A private engine: no container of another run can start a job that re-creates the staging directory.
    engine = secondEngine(ENGINE_ROOT);
    await engine.start();
    const ctl = await startControllerProcess({ dockerHost: engine.host, config: { api: { listen: '127.0.0.1:0', token: TOKEN } } });
    const staging = join(ctl.dataDir, 'data', 'staging');
    expect((await healthcheck(ctl)).code).toBe(0);
    rmSync(staging, { recursive: true, force: true });
    const r = await ctl.request('/readyz');
    expect(r.status).toBe(503);
    expect((r.body as ReadyBody).failing).toEqual(['staging']);
    expect((r.body as ReadyBody).checks[1]!.error).toMatch(/ENOENT/);
    expect((await healthcheck(ctl)).code).toBe(1);
    mkdirSync(staging);
    expect((await healthcheck(ctl)).code).toBe(0);
    await ctl.stop();
    expectCleanLogs(ctl, [TOKEN]);
  });

  it('with protect_reads, /healthz and /readyz stay open while /metrics and the state need the token', async () => {
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN, protect_reads: true } } });
    expect((await ctl.request('/healthz')).status).toBe(200);
    expect((await ctl.request('/readyz')).status).toBe(200);
    expect((await healthcheck(ctl)).code).toBe(0);
    expect((await ctl.request('/metrics')).status).toBe(401);
    expect((await ctl.request('/api/containers')).status).toBe(401);
    const authed = await fetch(`http://${ctl.api}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(authed.status).toBe(200);
    expect(sampleOf(parsePrometheusText(await authed.text()), 'baqup_docker_up')).toBe(1);
    await ctl.stop();
    expectCleanLogs(ctl, [TOKEN]);
  });

  it('health.stale_targets_unready: /readyz fails while a target is stale', async () => {
    const name = `e2e-${runId}-obs-unready`;
    await startContainer({
      image: await ensureImage('base'),
      name,
      cmd: SLEEPER,
      labels: { 'backup.enabled': 'true', 'backup.schedule.fast.cron': '*/2 * * * * *', 'backup.fs.data.path': '/nonexistent', 'backup.fs.data.schedule': 'fast' },
    });
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN }, staleness_factor: 1, health: { stale_targets_unready: true } } });
    await ctl.waitForLog((l) => l.event === 'target.stale' && l.container === name, 60_000);
    const r = await ctl.request('/readyz');
    expect(r.status).toBe(503);
    const body = r.body as ReadyBody;
    expect(body.failing).toContain('stale_targets');
    expect(body.checks.find((c) => c.name === 'stale_targets')!.error).toContain(`${name}/fs-data`);
    expect((await healthcheck(ctl)).code).toBe(1);
    await ctl.stop();
    expectCleanLogs(ctl, [TOKEN]);
  });
});
