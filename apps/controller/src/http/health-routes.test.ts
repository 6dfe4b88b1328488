// Health routes through the real API server: open probes under protect_reads, metrics behind the token, and the
// warning for an API reachable from outside without a token. Readiness runs against a real temp staging dir.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import { StateStore } from '@baqup/state';
import { probeWritable } from '../observe/readiness.js';
import { healthRoutes } from './health-routes.js';
import { exposureWarning, isLoopback, startApiServer } from './server.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serve(opts: { token?: string; protectReads?: boolean; ping?: () => Promise<void>; logger?: Logger; halted?: () => string | undefined; writes?: { n: number } }) {
  const staging = mkdtempSync(join(tmpdir(), 'baqup-health-'));
  closers.push(() => rmSync(staging, { recursive: true, force: true }));
  const store = new StateStore('x');
  const s = await startApiServer({
    listen: '127.0.0.1:0',
    token: opts.token,
    protectReads: opts.protectReads ?? false,
    logger: opts.logger ?? silentLogger,
    routes: [
      healthRoutes(store, {
        ping: opts.ping ?? (() => Promise.resolve()),
        stagingPath: staging,
        staleUnready: false,
        ...(opts.halted ? { halted: opts.halted } : {}),
        probe: { write: (dir) => ((opts.writes ? opts.writes.n++ : 0), probeWritable(dir)) },
      }),
    ],
  });
  closers.push(s.close);
  return { base: `http://${s.address}`, staging };
}

describe('health routes', () => {
  it('/healthz and /readyz stay open with protect_reads; /metrics needs the token then', async () => {
    const { base } = await serve({ token: 'T0k3n', protectReads: true });
    const healthz = await fetch(`${base}/healthz`);
    expect([healthz.status, await healthz.text()]).toEqual([200, 'ok\n']);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', failing: [] });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer T0k3n' } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toContain('baqup_docker_up 0\n');
  });

  it('/readyz answers 503 with the failing checks', async () => {
    const { base } = await serve({ ping: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not ready', failing: ['docker'], checks: [{ name: 'docker', ok: false, error: 'connect ECONNREFUSED' }, { name: 'staging', ok: true }] });
  });
});

describe('readiness without writes per request', () => {
  it('many /readyz calls write the staging probe once, yet a vanished staging directory fails at once', async () => {
    const writes = { n: 0 };
    const { base, staging } = await serve({ writes });
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/readyz`).then((r) => r.status)));
    for (let i = 0; i < 20; i++) answers.push((await fetch(`${base}/readyz`)).status);
    expect(answers.every((s) => s === 200)).toBe(true);
    expect(writes.n).toBe(1);
    expect(readdirSync(staging)).toEqual([]);
    rmSync(staging, { recursive: true, force: true });
    const gone = await fetch(`${base}/readyz`);
    expect(gone.status).toBe(503);
    expect(await gone.json()).toMatchObject({ failing: ['staging'], checks: [{ name: 'docker', ok: true }, { name: 'staging', ok: false, error: expect.stringMatching(/ENOENT/) }] });
    mkdirSync(staging);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(writes.n).toBe(1);
  });

  it('a staging-full halt makes /readyz 503 with the reason, and ready again once lifted', async () => {
    let halt: string | undefined = 'staging disk full at /x: 1.2 GB needed';
    const { base } = await serve({ halted: () => halt });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not ready',
      failing: ['jobs'],
      checks: [{ name: 'docker', ok: true }, { name: 'staging', ok: true }, { name: 'jobs', ok: false, error: 'staging disk full at /x: 1.2 GB needed' }],
    });
    halt = undefined;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe('exposure warning', () => {
  // Pure: the tests never bind beyond loopback.
  it('warns when the API is reachable beyond loopback without a token', () => {
    expect(exposureWarning('0.0.0.0:8080', false)).toMatch(/^API listens on 0\.0\.0\.0:8080, reachable beyond this host, without a token/);
    expect(exposureWarning('[::]:8080', false)).toMatch(/without a token/);
    expect(exposureWarning('192.168.1.10:8080', false)).toMatch(/without a token/);
  });
  it('stays quiet on loopback or with a token', () => {
    expect(exposureWarning('127.0.0.1:8080', false)).toBeUndefined();
    expect(exposureWarning(':8080', false)).toBeUndefined();
    expect(exposureWarning('[::1]:8080', false)).toBeUndefined();
    expect(exposureWarning('0.0.0.0:8080', true)).toBeUndefined();
  });
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', '127.0.0.1.example.com'].some(isLoopback)).toBe(false);
  });
});
