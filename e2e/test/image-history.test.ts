// The history in the shipped image: better-sqlite3 loads there (its native module, built on the host by
// docker/prebuild.sh like the rest of /app), /data/baqup.db is written, and the runs, /metrics and /api/containers
// survive replacing the container with one from a rebuilt image on the same /data — what an upgrade does. The
// rebuilt image is a new image (its own id) made FROM the tested one, so the same app meets an old database.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureImage, execIn, runId, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { buildImage } from '../src/docker-build.js';
import { engineSocketPath, ensureBaqupImage } from './image-build.js';

useCleanup();

const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

let dataDir: string;
let ctxDir: string;
let image: string;
let rebuilt: string;
let app: TestContainer;

async function until<T>(what: string, c: TestContainer, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(500);
  }
  const logs = await c.container.logs({ stdout: true, stderr: true, tail: 30 });
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\ncontroller log:\n${logs.toString('utf8')}`);
}

/** GET on the controller's API from inside its container (it has no network). */
async function api(c: TestContainer, path: string): Promise<{ status: number; text: string }> {
  const r = await execIn(c, ['node', '-e', `fetch('http://127.0.0.1:8080${path}').then(async (r) => { process.stdout.write(r.status + '\\n' + (await r.text())); })`]);
  if (r.exitCode !== 0) throw new Error(`GET ${path} in ${c.name}: ${r.stderr}`);
  const nl = r.stdout.indexOf('\n');
  return { status: Number(r.stdout.slice(0, nl)), text: r.stdout.slice(nl + 1) };
}

async function startBaqup(img: string, name: string): Promise<TestContainer> {
  const c = await startContainer({ image: img, name, binds: [`${engineSocketPath()}:/var/run/docker.sock`, `${dataDir}:/data`], hostConfig: { ReadonlyRootfs: true } });
  await until('baqup healthcheck to exit 0', c, async () => ((await execIn(c, ['baqup', 'healthcheck'])).exitCode === 0 ? true : undefined));
  await until(`${app.name} with two targets in /api/containers`, c, async () => {
    const r = await api(c, '/api/containers');
    const entry = (JSON.parse(r.text) as Body[]).find((x) => x.name === app.name);
    return entry?.targets.length === 2 ? true : undefined;
  });
  return c;
}

async function snapshot(c: TestContainer) {
  // The per-target state series; the baqup_job_* counters count one process's jobs and start at 0 in the new one.
  const metrics = (await api(c, '/metrics')).text.split('\n').filter((l) => l.startsWith('baqup_target_') && l.includes(`baqup_container="${app.name}"`)).sort();
  const entry = (JSON.parse((await api(c, '/api/containers')).text) as Body[]).find((x) => x.name === app.name);
  const history = await execIn(c, ['baqup', 'history', app.name, '--json']);
  expect(history.exitCode, history.stderr).toBe(0);
  return { metrics, entry, runs: (JSON.parse(history.stdout) as Body).runs as Body[] };
}

beforeAll(async () => {
  image = await ensureBaqupImage();
  dataDir = mkdtempSync(join(tmpdir(), 'baqup-e2e-img-history-'));
  // The rebuild: a new image from the tested one (own id, own tag), removed again after the file.
  ctxDir = mkdtempSync(join(tmpdir(), 'baqup-e2e-img-rebuild-'));
  writeFileSync(join(ctxDir, 'Dockerfile'), `FROM ${image}\nLABEL baqup.e2e.rebuilt=${runId}\n`);
  rebuilt = `baqup-e2e/baqup-rebuilt:${runId}`;
  await buildImage(ctxDir, ['Dockerfile'], rebuilt, { labels: { 'baqup.e2e.kind': 'baqup-image' } });
  app = await startContainer({
    image: await ensureImage('base'),
    name: `e2e-${runId}-img-hist-app`,
    labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.gone.path': '/no/such/dir' },
    cmd: IDLE,
  });
}, 600_000);

afterAll(async () => {
  await docker().getImage(rebuilt).remove().catch(() => undefined);
  rmSync(ctxDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('history in the image', () => {
  it('writes /data/baqup.db and keeps runs, /metrics and /api/containers across a rebuilt image on the same /data', async () => {
    const first = await startBaqup(image, `e2e-${runId}-img-hist-a`);
    const ok = await execIn(first, ['baqup', 'backup', app.name, 'fs-data', '--json']);
    expect(ok.exitCode, `${ok.stdout}\n${ok.stderr}`).toBe(0);
    const bad = await execIn(first, ['baqup', 'backup', app.name, 'fs-gone', '--json']);
    expect(bad.exitCode).toBe(1);
    const before = await snapshot(first);
    expect(before.runs.map((r) => [r.target, r.success])).toEqual([['fs-gone', false], ['fs-data', true]]);
    expect(before.metrics.find((l) => l.startsWith('baqup_target_last_success_timestamp_seconds') && l.includes('target="fs-data"'))).toBeDefined();
    expect(readdirSync(dataDir)).toContain('baqup.db');
    const opened = (await first.container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(opened).toMatch(/"event":"history\.opened"/);
    expect(opened).not.toMatch(/"event":"history\.(unavailable|corrupt)"/);

    await first.container.stop({ t: 30 });
    await first.container.remove();
    const second = await startBaqup(rebuilt, `e2e-${runId}-img-hist-b`);
    expect((await second.container.inspect()).Image).not.toBe((await docker().getImage(image).inspect()).Id);
    const after = await snapshot(second);
    expect(after).toEqual(before);
    const logs = (await second.container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toMatch(/"event":"history\.opened"[^\n]*"fresh":false/);
  }, 600_000);
});
