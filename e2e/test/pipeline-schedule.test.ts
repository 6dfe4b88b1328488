// The controller process on a per-second cron: a labelled container gets backups on its schedule, staged and
// uploaded (local remote), each with a matching .sha256 and a manifest, and each a readable archive of the
// container's path. Dry runs (the API's dryRun and the controller's --dry-run) write nothing and stop nothing.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureImage, execIn, startContainer, useCleanup } from '../src/index.js';
import { lifecycle, recordEvents, tarOf, until } from './dump-fixtures.js';
import { dataFiles, decompressed, filesUnder, journalEntries, partials, said, sleep, startCtl, useCtlCleanup, verifyStaged, waitDiscovered } from './pipeline-fixtures.js';

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
    await ctl.waitForLogs((l) => l.event === 'job.succeeded' && l.container === c.name, 2, 60_000);
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
    // After the stop, not before: the cron keeps firing, and a third job may be writing its partial file right now.
    expect((await ctl.stop()).code).toBe(0);
    expect(partials(ctl.staging)).toEqual([]);
  });
});

describe('every engine on its schedule', () => {
  it('postgres, mariadb, redis, sqlite (with and without sqlite3) and fs each get a verified scheduled backup', async () => {
    const every = (type: string, extra: Record<string, string> = {}) => ({
      'backup.enabled': 'true',
      'backup.schedule.tick.cron': '*/3 * * * * *',
      'backup.schedule.tick.retention': '100',
      [`backup.${type}.main.schedule`]: 'tick',
      ...extra,
    });
    const pw = `sched-${Date.now().toString(36)}`;
    const events = await recordEvents();
    const containers = await Promise.all([
      startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: pw }, labels: every('postgres', { 'backup.postgres.main.databases': 'all' }) }),
      startContainer({ image: await ensureImage('mariadb'), env: { MARIADB_ROOT_PASSWORD: pw }, labels: every('mariadb') }),
      startContainer({ image: await ensureImage('redis'), labels: every('redis', { 'backup.redis.main.path': '/data' }) }),
      startContainer({ image: await ensureImage('sqlite'), labels: every('sqlite', { 'backup.sqlite.main.path': '/data/app.db' }) }),
      startContainer({ image: await ensureImage('sqlite-nobin'), labels: every('sqlite', { 'backup.sqlite.main.path': '/data/app.db' }) }),
      startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: every('fs', { 'backup.fs.main.path': '/data' }) }),
    ]);
    // The nobin image has no sqlite3 to create its database: a file made by the host's sqlite3 is put in place.
    const db = execFileSync('sh', ['-c', 'f=$(mktemp -u) && sqlite3 "$f" "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES (\'x\');" && cat "$f" && rm -f "$f"']);
    await containers[4]!.container.putArchive(tarOf('app.db', db), { path: '/data' });
    const ctl = await startCtl();
    for (const c of containers) await waitDiscovered(ctl, c.name, 1);
    for (const c of containers) await ctl.waitForLog((l) => l.event === 'job.succeeded' && l.container === c.name, 60_000);
    // Stopped first: the schedule keeps running (the nobin sqlite is held stopped during each of its cold copies).
    expect((await ctl.stop()).code).toBe(0);
    for (const [i, c] of containers.entries()) {
      const target = `${['postgres', 'mariadb', 'redis', 'sqlite', 'sqlite', 'fs'][i]}-main`;
      const started = ctl.logs().filter((l) => l.event === 'job.started' && l.container === c.name);
      expect(started.every((l) => l.trigger === 'schedule' && l.schedule === 'tick')).toBe(true);
      const files = dataFiles(ctl.remote, c.name, target);
      expect(files.length).toBeGreaterThanOrEqual(1);
      const m = verifyStaged(join(ctl.remote, c.name, target, files[0]!));
      expect((await decompressed(join(ctl.remote, c.name, target, files[0]!))).length).toBeGreaterThan(0);
      expect(m.sha256).toBe(verifyStaged(join(ctl.staging, c.name, target, files[0]!)).sha256);
      // Everything this controller stopped it started again (its own log says so, its journal is empty)...
      const own = ctl.logs().filter((l) => l.container === c.name && (l.event === 'container.stopped' || l.event === 'container.started')).map((l) => l.event);
      expect(own, c.name).toEqual(own.map((_, k) => (k % 2 === 0 ? 'container.stopped' : 'container.started')));
      expect(own.length % 2, c.name).toBe(0);
      if (i === 4) expect(own.length, 'the nobin sqlite is copied cold').toBeGreaterThanOrEqual(2);
      // ...and Docker agrees. (Waited for: another controller on a shared engine may hold it for a moment.)
      await until(`${c.name} to be running`, async () => (await c.container.inspect()).State.Running, 300);
    }
    expect(journalEntries(ctl.root)).toEqual([]);
    // Only ours: on a shared engine the controller also sees other tests' labelled containers.
    const mine = new Set(containers.map((c) => c.name));
    expect(ctl.logs().filter((l) => l.event === 'job.failed' && mine.has(String(l.container)))).toEqual([]);
    // The passwords (env only) are in no log line and no Docker event, though every dump exec'd with them.
    expect(said.join('\n')).not.toContain(pw);
    const log = await events.stop();
    expect(log).toMatch(/exec_start: pg_dumpall/);
    expect(log).toMatch(/exec_start: mariadb-dump/);
    expect(log).not.toContain(pw);
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
    const ctl = await startCtl({ args: ['--dry-run'] });
    expect(ctl.logs().find((l) => l.event === 'controller.started')?.dry_run).toBe(true);
    await waitDiscovered(ctl, c.name, 1);
    // Three ticks of the */2 cron would have passed: nothing may have run.
    await sleep(6_000);
    const manual = await ctl.post('/api/backups', { container: c.name, wait: true });
    expect(manual.status).toBe(503);
    expect(ctl.logs().filter((l) => typeof l.event === 'string' && (l.event.startsWith('job.') || l.event.startsWith('container.st')))).toEqual([]);
    // No staged file, no remote file, not even a journal (nothing was ever stopped).
    expect(filesUnder(join(ctl.root, 'data'))).toEqual([]);
    // (Docker's own events are not asserted here: any other controller on a shared engine may run this schedule.)
    expect((await c.container.inspect()).State.Running).toBe(true);
    expect((await execIn(c, ['cat', '/data/a.txt'])).stdout).toBe('hello\n');
  });
});
