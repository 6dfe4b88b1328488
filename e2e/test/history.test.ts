// The history (issue 14) through the built controller and CLI against the shared engine: backups run, the
// controller restarts on the same data dir, and /metrics, /api/containers and /api/runs say the same before and
// after; `baqup history` prints the runs; a baqup.db filled with garbage while the controller is stopped is
// detected, moved aside, rebuilt from what staging and the remote hold, and backups go on.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HistoryCorruptError } from '@baqup/core';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { backupNow, CLI_MAIN, startCtl, TOKEN, useCtlCleanup, waitDiscovered, type Body, type Ctl } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const run = promisify(execFile);
/** An idle app that stops at once on SIGTERM. */
const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

/**
 * The per-target state samples (`baqup_target_*`) of one container (the shared engine holds other tests' containers
 * too). The `baqup_job_*` histogram and counters count this process's jobs and start at 0 after a restart.
 */
async function metricsOf(ctl: Ctl, container: string): Promise<string[]> {
  const res = await fetch(`http://${ctl.api}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.text()).split('\n').filter((l) => l.startsWith('baqup_target_') && l.includes(`baqup_container="${container}"`)).sort();
}

async function containerOf(ctl: Ctl, name: string): Promise<Body> {
  const r = await ctl.get('/api/containers');
  return (r.body as Body[]).find((c) => c.name === name);
}

async function cli(ctl: Ctl, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN, TZ: 'UTC' }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('history across restarts', () => {
  it('survives a controller restart: the same /metrics, /api/containers and runs; the CLI prints them; a garbage baqup.db is rebuilt and backups go on', async () => {
    const c = await startContainer({
      image: await ensureImage('base'),
      labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.gone.path': '/no/such/dir' },
      cmd: IDLE,
    });
    const first = await startCtl();
    const root = first.root;
    await waitDiscovered(first, c.name, 2);
    const ok1 = await backupNow(first, c.name, 'fs-data');
    const ok2 = await backupNow(first, c.name, 'fs-data');
    const bad = await backupNow(first, c.name, 'fs-gone');
    expect([ok1.job.status, ok2.job.status, bad.job.status]).toEqual(['succeeded', 'succeeded', 'failed']);

    const metricsBefore = await metricsOf(first, c.name);
    const containerBefore = await containerOf(first, c.name);
    expect(metricsBefore.find((l) => l.startsWith('baqup_target_failures_total') && l.includes('target="fs-gone"'))).toMatch(/ 1$/);
    expect(containerBefore.targets.find((t: Body) => t.key.endsWith('/fs-data')).status).toBe('healthy');
    const runsBefore = (await first.get(`/api/runs?container=${c.name}`)).body as Body;
    expect(runsBefore.runs.map((r: Body) => r.id)).toEqual([bad.job.job_id, ok2.job.job_id, ok1.job.job_id]);
    expect(runsBefore.runs[1]).toMatchObject({ target: 'fs-data', trigger: 'manual', success: true, stored_bytes: ok2.job.bytes, sha256: ok2.job.sha256, upload: 'uploaded', location: 'staging,remote' });
    expect(runsBefore.runs[0]).toMatchObject({ target: 'fs-gone', success: false, error_code: bad.job.error!.code });
    expect((await first.stop()).code).toBe(0);

    // The restart: same data dir, same config.
    const second = await startCtl({ root });
    await waitDiscovered(second, c.name, 2);
    expect(second.logs().find((l) => l.event === 'history.opened')).toMatchObject({ fresh: false });
    expect(await metricsOf(second, c.name)).toEqual(metricsBefore);
    expect(await containerOf(second, c.name)).toEqual(containerBefore);
    const runsAfter = (await second.get(`/api/runs?container=${c.name}`)).body as Body;
    expect(runsAfter).toEqual(runsBefore);
    const summary = ((await second.get('/api/history/targets')).body as Body).targets.find((t: Body) => t.container === c.name && t.target === 'fs-gone');
    expect(summary).toMatchObject({ runs: 1, failures: 1, failure_streak: 1, last_success: false });

    // The CLI: a table by default, the API's runs with --json.
    const text = await cli(second, 'history', c.name);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^FINISHED\s+TARGET\s+TRIGGER\s+RESULT/);
    expect(text.stdout).toMatch(new RegExp(`${c.name}/fs-gone\\s+manual\\s+FAILED ${bad.job.error!.code}`));
    expect(text.stdout.match(new RegExp(`${c.name}/fs-data\\s+manual\\s+ok`, 'g'))).toHaveLength(2);
    const json = await cli(second, 'history', c.name, 'fs-data', '--json');
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as Body;
    expect(doc.runs).toEqual(runsBefore.runs.slice(1));
    expect(doc.summary).toMatchObject({ container: c.name, target: 'fs-data', runs: 2, failures: 0 });
    expect((await second.stop()).code).toBe(0);

    // Garbage in baqup.db while the controller is stopped.
    const data = join(root, 'data');
    writeFileSync(join(data, 'baqup.db'), Buffer.alloc(64 * 1024, 'garbage!'));
    const third = await startCtl({ root });
    const corrupt = await third.waitForLog((l) => l.event === 'history.corrupt', 30_000);
    expect(corrupt).toMatchObject({ level: 'error', error: { code: HistoryCorruptError.code } });
    expect(existsSync(String(corrupt.moved_to))).toBe(true);
    expect(readdirSync(data).filter((n) => n.startsWith('baqup.db.corrupt-'))).toContain(String(corrupt.moved_to).split('/').at(-1));
    // Rebuilt from staging and the remote: the two backups of fs-data (the failed run left no file, so it is gone).
    const adopted = await third.waitForLog((l) => l.event === 'history.adopted', 60_000);
    expect(adopted.added).toBeGreaterThanOrEqual(2);
    await waitDiscovered(third, c.name, 2);
    const rebuilt = ((await third.get(`/api/runs?container=${c.name}`)).body as Body).runs as Body[];
    expect(rebuilt.map((r) => [r.target, r.success, r.sha256])).toEqual([['fs-data', true, ok2.job.sha256], ['fs-data', true, ok1.job.sha256]]);
    expect(rebuilt.every((r) => String(r.id).startsWith('adopted:') && r.location === 'staging,remote')).toBe(true);
    const data1 = (await containerOf(third, c.name)).targets.find((t: Body) => t.key.endsWith('/fs-data'));
    const lastBefore = containerBefore.targets.find((t: Body) => t.key.endsWith('/fs-data')).lastSuccess as string;
    expect(data1.status).toBe('healthy');
    // The manifest's time (the start of the dump plus its duration), not the controller's record of the finish.
    expect(Math.abs(Date.parse(data1.lastSuccess as string) - Date.parse(lastBefore))).toBeLessThan(5_000);
    // Backups go on, and are recorded in the new database.
    const ok3 = await backupNow(third, c.name, 'fs-data');
    expect(ok3.job.status).toBe('succeeded');
    const now = ((await third.get(`/api/runs?container=${c.name}&target=fs-data&limit=1`)).body as Body).runs as Body[];
    expect(now.map((r) => r.id)).toEqual([ok3.job.job_id]);
    expect(third.logs().some((l) => l.event === 'history.write_failed')).toBe(false);
    expect((await third.stop()).code).toBe(0);
  }, 600_000);
});
