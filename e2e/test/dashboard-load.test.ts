// The dashboard's load bench: 200 targets (20 real labelled containers × 10 fs targets) and 100 000 recorded runs
// (seeded into the controller's history before it starts), in a real browser. Prints how long the Overview takes to
// its verdict and the Targets view to all 200 rows with their 30-day strips, and asserts generous bounds (two cores
// shared by several test runs).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import { History } from '@baqup/history';
import { ensureImage, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { startControllerProcess, useControllerCleanup, type ControllerProcess } from '../src/controller-process.js';

useCleanup();
useControllerCleanup();

const CHROMIUM = process.env.BAQUP_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CONTAINERS = 20;
const TARGETS_EACH = 10;
const RUNS = 100_000;
const DAY = 86_400_000;

let browser: Browser | undefined;
let ctl: ControllerProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'baqup-e2e-dashload-'));
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`e2e: ${CHROMIUM} is missing; install Debian's chromium (scripts/ensure-tools.mjs --e2e does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
afterAll(async () => {
  await browser?.close();
  await ctl?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function seed(containers: readonly TestContainer[]): void {
  mkdirSync(dataDir, { recursive: true });
  const h = new History({ path: join(dataDir, 'baqup.db'), logger: silentLogger, retentionDays: 400 });
  const keys = containers.flatMap((c) => Array.from({ length: TARGETS_EACH }, (_, i) => ({ container: c.name, target: `fs-t${i}` })));
  const now = Date.now();
  for (let n = 0; n < RUNS; n++) {
    const k = keys[n % keys.length]!;
    const finished = now - Math.floor(n / keys.length) * (90 * DAY / (RUNS / keys.length)) - 60_000;
    const ok = n % 97 !== 0;
    h.recordRun({
      id: `seed-${n}`, container: k.container, target: k.target, schedule: 'daily', trigger: 'schedule',
      started_at: finished - 2_000, finished_at: finished, success: ok, duration_ms: 2_000 + (n % 500),
      ...(ok ? { stored_bytes: 10_000 + (n % 1000), sha256: 'ab'.repeat(32), file: 'x.tar.zst', location: 'staging' } : { error_code: 'BAQUP_DUMP_FAILED', error_message: 'seeded failure' }),
    });
    if (n % 5000 === 4999) h.flush();
  }
  h.close();
}

describe('the dashboard with 200 targets and 100 000 runs', () => {
  it('loads the overview and all 200 target rows with their strips', async () => {
    const image = await ensureImage('sqlite');
    const labels = Object.fromEntries([['backup.enabled', 'true'], ...Array.from({ length: TARGETS_EACH }, (_, i) => [`backup.fs.t${i}.path`, '/data'])]);
    const containers: TestContainer[] = [];
    for (let i = 0; i < CONTAINERS; i += 5) containers.push(...(await Promise.all(Array.from({ length: Math.min(5, CONTAINERS - i) }, () => startContainer({ image, labels })))));
    const seedStart = Date.now();
    seed(containers);
    console.log(`dashboard load bench: ${RUNS} runs seeded in ${Date.now() - seedStart} ms`);
    ctl = await startControllerProcess({ config: { data_dir: dataDir, api: { listen: '127.0.0.1:0' }, logging: { level: 'info', format: 'json' } } });
    const names = new Set(containers.map((c) => c.name));
    await ctl.waitFor((list) => list.filter((c) => names.has(c.name) && c.targets.length === TARGETS_EACH).length === CONTAINERS, 120_000);

    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const t0 = Date.now();
    await page.goto(`http://${ctl.api}/`);
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    const overviewMs = Date.now() - t0;
    const t1 = Date.now();
    await page.click('a[href="#/targets"]');
    const mine = page.locator('[data-testid="target-row"]').filter({ has: page.locator('.strip') });
    await expect.poll(async () => {
      const keys = await page.locator('[data-testid="target-row"]').evaluateAll((rows) => rows.filter((r) => r.querySelector('.strip')).map((r) => r.getAttribute('data-key') ?? ''));
      return keys.filter((k) => names.has(k.split('/')[0]!)).length;
    }, { timeout: 120_000, interval: 200 }).toBe(CONTAINERS * TARGETS_EACH);
    const targetsMs = Date.now() - t1;
    console.log(`dashboard load bench: overview to its verdict ${overviewMs} ms; targets view to 200 rows with 30-day strips ${targetsMs} ms (${await mine.count()} strips shown)`);
    expect(overviewMs).toBeLessThan(30_000);
    expect(targetsMs).toBeLessThan(60_000);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 400_000);
});
