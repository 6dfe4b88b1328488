// The controller process on a per-second cron: a labelled container gets backups on its schedule, staged and
// uploaded (local remote), each with a matching .sha256 and a manifest, and each a readable archive of the
// container's path. Dry runs (the API's dryRun and the controller's --dry-run) write nothing and stop nothing.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureImage, execIn, startContainer, useCleanup } from '../src/index.js';
import { lifecycle, recordEvents } from './dump-fixtures.js';
import { dataFiles, decompressed, filesUnder, partials, sleep, startCtl, useCtlCleanup, verifyStaged, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

/** An idle app that stops at once on SIGTERM (a bare `sleep` as PID 1 would make every stop a 10 s kill). */
const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && head -c 20000 /dev/urandom > /data/b.bin && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

const fast = (extra: Record<string, string> = {}) => ({
  'backup.enabled': 'true',
  'backup.schedule.fast.cron': '*/2 * * * * *',
  'backup.schedule.fast.retention': '100',
  'backup.fs.data.path': '/data',
  'backup.fs.data.schedule': 'fast',
  ...extra,
});

describe('scheduled backups through the controller', () => {
  it('a */2-second cron gives two or more verified backups on staging and on the remote', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: fast(), cmd: IDLE });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    await ctl.waitForLogs((l) => l.event === 'job.succeeded' && l.container === c.name, 2, 20_000);
    const started = ctl.logs().filter((l) => l.event === 'job.started' && l.container === c.name);
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(started.every((l) => l.trigger === 'schedule')).toBe(true);
    // job.succeeded is logged after the upload was verified: both sides are complete now.
    const staged = dataFiles(ctl.staging, c.name, 'fs-data');
    const remote = dataFiles(ctl.remote, c.name, 'fs-data');
    expect(staged.length).toBeGreaterThanOrEqual(2);
    for (const f of staged.slice(0, 2)) {
      expect(f).toMatch(/^\d{8}T\d{6}Z\.tar\.zst$/);
      expect(remote).toContain(f);
      const m = verifyStaged(join(ctl.staging, c.name, 'fs-data', f));
      expect(verifyStaged(join(ctl.remote, c.name, 'fs-data', f)).sha256).toBe(m.sha256);
      expect(m).toMatchObject({ type: 'fs', compression: 'zstd' });
      const tar = await decompressed(join(ctl.staging, c.name, 'fs-data', f));
      const listing = execFileSync('tar', ['-tvf', '-'], { input: tar }).toString();
      expect(listing).toMatch(/data\/a\.txt/);
      expect(listing).toMatch(/20000 .*data\/b\.bin/);
    }
    expect(partials(ctl.staging)).toEqual([]);
    const t0 = Date.now(); expect((await ctl.stop()).code).toBe(0); console.log("stop ms", Date.now() - t0, ctl.logs().slice(-8).map((l) => JSON.stringify(l)).join("\n"));
  });
});

describe('dry runs', () => {
  it('POST /api/backups {dryRun:true} returns the plan and writes and stops nothing', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' }, cmd: IDLE });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    const events = await recordEvents();
    const r = await ctl.post('/api/backups', { container: c.name, dryRun: true });
    expect(r.status).toBe(200);
    expect(r.body.dry_run).toBe(true);
    const plan = r.body.jobs[0].plan.steps as { action: string }[];
    expect(plan.map((s) => s.action)).toEqual(['stop', 'read-tree', 'start']);
    expect(filesUnder(join(ctl.staging, c.name))).toEqual([]);
    expect(filesUnder(join(ctl.remote, c.name))).toEqual([]);
    expect(lifecycle(await events.stop(), c.id)).toEqual([]);
    expect((await c.container.inspect()).State.Running).toBe(true);
  });

  it('a controller started with --dry-run runs no scheduled job: no file, no stop, no job taken', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: fast({ 'backup.stop': 'true' }), cmd: IDLE });
    const events = await recordEvents();
    const ctl = await startCtl({ args: ['--dry-run'] });
    expect(ctl.logs().find((l) => l.event === 'controller.started')?.dry_run).toBe(true);
    await waitDiscovered(ctl, c.name, 1);
    // Three ticks of the */2 cron would have passed: nothing may have run.
    await sleep(6_000);
    const manual = await ctl.post('/api/backups', { container: c.name, wait: true });
    expect(manual.status).toBe(503);
    expect(ctl.logs().filter((l) => typeof l.event === 'string' && l.event.startsWith('job.'))).toEqual([]);
    expect(filesUnder(join(ctl.root, 'data'))).toEqual([]);
    expect(lifecycle(await events.stop(), c.id)).toEqual([]);
    expect((await c.container.inspect()).State.Running).toBe(true);
    expect((await execIn(c, ['cat', '/data/a.txt'])).stdout).toBe('hello\n');
  });
});
