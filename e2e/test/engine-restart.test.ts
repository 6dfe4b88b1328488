// dockerd restarting mid cold backup (issue 12): the container baqup stopped cannot be started while the engine is
// down. It must stay visible meanwhile — in /api/containers (hold status start-failed, attempts, last error), in
// /metrics (baqup_containers_held, baqup_containers_start_failed) and as an alert — and run again within 30 s of the
// engine's return, with no controller restart. The shared engine is never restarted: a private second engine.
import { afterEach, describe, expect, it } from 'vitest';
import { ensureImage } from '../src/index.js';
import { secondEngine, type SecondEngine } from '../src/second-engine.js';
import { startFakeNtfy, type FakeNtfy } from './notify-fixtures.js';
import { partials, sleep, startCtl, useCtlCleanup, waitDiscovered, type Ctl } from './pipeline-fixtures.js';

useCtlCleanup();

let engine: SecondEngine | undefined;
let ntfy: FakeNtfy | undefined;
let started: Ctl | undefined;
afterEach(async () => {
  // The controller first: it holds connections to the fake ntfy (its close waits for them) and watches the engine.
  await started?.stop();
  started = undefined;
  await engine?.destroy();
  engine = undefined;
  await ntfy?.close();
  ntfy = undefined;
});

/** Idles under a TERM trap; /data is sparse zeros, so the archive streams long enough to stop the engine mid-way. */
const IDLE = ['sh', '-c', `mkdir -p /data && for i in $(seq 1 32); do truncate -s 1G /data/f$i; done; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
}

const running = async (e: SecondEngine, id: string) => (await e.docker.listContainers({ all: true, filters: { id: [id] } }))[0]?.State === 'running';

/** `baqup_containers_held{status="…"}`: one series per status, always present. */
function heldGauge(text: string, status: 'stopping' | 'stopped' | 'start-failed'): number | undefined {
  const prefix = `baqup_containers_held{status="${status}"} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

async function metrics(ctl: Ctl): Promise<string> {
  const r = await fetch(`http://${ctl.api}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return r.text();
}

describe('dockerd restart mid cold backup (private engine)', () => {
  it('keeps the stopped container visible (API, metrics, alert) while its start fails, and runs it within 30 s of the engine return', { timeout: 300_000 }, async () => {
    engine = secondEngine('/tmp/baqup-e2e-d2-restart');
    await engine.start();
    const base = await ensureImage('base');
    await engine.loadImage(base);
    const name = `restart-${Date.now().toString(36)}`;
    const created = await engine.docker.createContainer({
      name,
      Image: base,
      Cmd: IDLE,
      Labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' },
      HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'no' } },
    });
    await created.start();
    const id = created.id;
    ntfy = await startFakeNtfy();
    const ctl = (started = await startCtl({
      env: { DOCKER_HOST: engine.host },
      config: { defaults: { schedules: { manual: { cron: '0 0 1 1 *', retention: 10 } }, target: { schedule: 'manual' } }, notifications: { on_failure: [ntfy.url('/alerts')] } },
    }));
    await waitDiscovered(ctl, name, 1);

    const accepted = await ctl.post('/api/backups', { container: name, target: 'fs-data' });
    expect(accepted.status).toBe(202);
    await until('container stopped by the cold backup', async () => ((await running(engine!, id)) ? undefined : true), 60_000);
    await until('partial file in staging', async () => (partials(ctl.staging).length > 0 ? true : undefined), 60_000);
    const held = (await ctl.get('/api/containers')).body.find((c: { id: string }) => c.id === id);
    expect(held.hold).toMatchObject({ status: 'stopped' });
    expect(heldGauge(await metrics(ctl), 'stopped')).toBe(1);

    await engine.stop();
    // The job fails, the start fails (no engine): the container stays listed, with attempts and the last error.
    const down = await until('hold start-failed in /api/containers', async () => {
      const c = (await ctl.get('/api/containers')).body.find((x: { id: string }) => x.id === id);
      return c?.hold?.status === 'start-failed' && c.hold.attempts >= 1 ? c : undefined;
    }, 60_000);
    expect(down.hold.lastError.code).toMatch(/^BAQUP_/);
    expect(down.hold.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    const status = (await ctl.get('/api/status')).body;
    expect(status.held).toEqual([expect.objectContaining({ id, name, status: 'start-failed' })]);
    const m = await metrics(ctl);
    expect(heldGauge(m, 'start-failed')).toBe(1);
    expect(heldGauge(m, 'stopped')).toBe(0);
    const alert = await until('alert about the stopped container', async () => ntfy!.delivered.find((r) => r.body.includes(`✗ ${name}: left stopped`)), 30_000);
    expect(alert.body).toMatch(/could not start it again/);
    // Retried with backoff while the engine is away, never given up.
    await sleep(8_000);
    const later = (await ctl.get('/api/containers')).body.find((x: { id: string }) => x.id === id);
    expect(later.hold.attempts).toBeGreaterThan(down.hold.attempts);

    await engine.start();
    const back = Date.now();
    await until('container running after the engine returned', async () => ((await running(engine!, id)) ? true : undefined), 30_000);
    expect(Date.now() - back).toBeLessThanOrEqual(30_000);
    await until('gauges back to 0', async () => {
      const t = await metrics(ctl);
      return heldGauge(t, 'start-failed') === 0 && heldGauge(t, 'stopped') === 0 && heldGauge(t, 'stopping') === 0 ? true : undefined;
    }, 10_000);
    const view = await until('hold gone from /api/containers', async () => {
      const c = (await ctl.get('/api/containers')).body?.find((x: { id: string }) => x.id === id);
      return c && !c.hold ? c : undefined;
    }, 30_000);
    expect(view.name).toBe(name);
    const recovered = await until('alert that it runs again', async () => ntfy!.delivered.find((r) => r.body.includes(`✓ ${name}: running again`)), 30_000);
    expect(recovered.headers.title).toBeDefined();
    expect(ctl.exited).toBe(false);
    // The interrupted job's partial file is gone.
    await until('no partial left', async () => (partials(ctl.staging).length === 0 ? true : undefined), 30_000);
  });
});
