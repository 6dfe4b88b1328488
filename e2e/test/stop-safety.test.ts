// `backup.stop=true` through the controller process: the container is running again after a successful backup,
// after a failed dump, after the controller was killed with SIGKILL mid-backup (the next controller on the same
// data dir replays the stop journal), and after a SIGTERM whose grace period ran out mid-backup (exit code 0).
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ensureImage, isRunning, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { lifecycle, recordEvents, until } from './dump-fixtures.js';
import { backupNow, dataFiles, filesUnder, journalEntries, partials, sleep, startCtl, useCtlCleanup, verifyStaged, waitDiscovered, type Ctl } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

/** Stops at once on SIGTERM (a bare `sleep` as PID 1 would make every stop a 10 s kill). */
const idle = (prepare: string) => ['sh', '-c', `${prepare}; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];
const SMALL = 'mkdir -p /data && echo hello > /data/a.txt';
// 8 sparse files of 4 GiB: no disk used, but the archive API streams 32 GiB of zeros, so a backup of /data lasts
// long enough to kill the controller while the container is held stopped. (4 GiB each stays within plain tar sizes.)
const HUGE = 'mkdir -p /data && for i in 1 2 3 4 5 6 7 8; do truncate -s 4G /data/f$i; done';

const labels = (path = '/data') => ({ 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': path });

// What a test got to, printed when it fails (a timeout says nothing about where it hung).
let trace: string[] = [];
const step = (what: string) => void trace.push(`${new Date().toISOString()} ${what}`);
beforeEach(() => {
  trace = [];
  onTestFailed(() => console.error(`steps:\n${trace.join('\n')}`));
});

const running = isRunning;

/**
 * Triggers a backup and returns once Docker reports the container stopped by the job and the dump is streaming.
 * With `wait`, the request stays open (`wait: true`): its settled answer (or error) is returned as a promise.
 */
async function startSlowBackup(ctl: Ctl, c: TestContainer, wait = false): Promise<{ answer: Promise<unknown> }> {
  let pending: Promise<unknown> = Promise.resolve();
  if (wait) pending = ctl.post('/api/backups', { container: c.name, target: 'fs-data', wait: true }).then((r) => r, (err: unknown) => err);
  else expect((await ctl.post('/api/backups', { container: c.name, target: 'fs-data' })).status).toBe(202);
  step('backup triggered');
  await ctl.waitForLog((l) => l.event === 'container.stopped' && l.container === c.name, 60_000);
  await until('the container to be stopped', async () => !(await running(c)), 300);
  step('container stopped');
  expect(journalEntries(ctl.root).map((e) => e.containerId)).toEqual([c.id]);
  // Mid-backup for real: the archive is streaming into a hidden partial file in staging.
  await until('a partial file in staging', async () => partials(ctl.staging).length > 0, 300);
  step('partial file written');
  // Wrapped: an async function returning a bare promise would wait for it.
  return { answer: pending };
}

describe('backup.stop=true', () => {
  it('after a successful backup the container runs again; Docker saw one stop, then one start', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle(SMALL) });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    const events = await recordEvents();
    const { status, job } = await backupNow(ctl, c.name, 'fs-data');
    expect(status).toBe(200);
    expect(job.status).toBe('succeeded');
    expect(await running(c)).toBe(true);
    const actions = lifecycle(await events.stop(), c.id).filter((a) => a === 'stop' || a === 'start');
    expect(actions).toEqual(['stop', 'start']);
    expect(journalEntries(ctl.root)).toEqual([]);
    expect(dataFiles(ctl.remote, c.name, 'fs-data')).toHaveLength(1);
  });

  it('after a failed dump (the path is missing) the container runs again and no file is left', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels('/nope'), cmd: idle(SMALL) });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    const events = await recordEvents();
    const { status, job } = await backupNow(ctl, c.name, 'fs-data');
    expect(status).toBe(500);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BAQUP_DUMP_SOURCE_MISSING');
    const line = await ctl.waitForLog((l) => l.event === 'job.failed' && l.job_id === job.job_id, 5_000);
    expect((line.error as { code?: string }).code).toBe('BAQUP_DUMP_SOURCE_MISSING');
    expect(await running(c)).toBe(true);
    // It really was stopped for the attempt (a cold copy), and started again.
    const actions = lifecycle(await events.stop(), c.id).filter((a) => a === 'stop' || a === 'start');
    expect(actions).toEqual(['stop', 'start']);
    expect(journalEntries(ctl.root)).toEqual([]);
    expect(filesUnder(join(ctl.staging, c.name))).toEqual([]);
    expect(filesUnder(join(ctl.remote, c.name))).toEqual([]);
  });

  it('after a dump that times out mid-stream (container held stopped) the container runs again, no file, no partial', async () => {
    // 8 s: the timer runs from the job's start, so the stop and the first bytes must come before it on a loaded host
    // (3 s was tight); 32 GiB cannot stream in 8 s, so it still times out mid-stream.
    const c = await startContainer({ image: await ensureImage('base'), labels: { ...labels(), 'backup.fs.data.timeout': '8s' }, cmd: idle(HUGE) });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    const { status, job } = await backupNow(ctl, c.name, 'fs-data');
    step('backup answered');
    expect(status).toBe(500);
    expect(job.error?.code).toBe('BAQUP_DUMP_TIMEOUT');
    // It failed while streaming, not before: the stop and the first bytes had happened.
    expect(ctl.logs().some((l) => l.event === 'container.stopped' && l.container === c.name)).toBe(true);
    expect(ctl.logs().some((l) => l.msg === 'dump streaming' && l.job_id === job.job_id)).toBe(true);
    expect(await running(c)).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
    expect(filesUnder(join(ctl.staging, c.name))).toEqual([]);
    expect(filesUnder(join(ctl.remote, c.name))).toEqual([]);
  });

  it('SIGKILL of the controller mid-backup: the next controller on the same data dir starts the container again', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle(HUGE) });
    const first = await startCtl();
    await waitDiscovered(first, c.name, 1);
    await startSlowBackup(first, c);
    first.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    step('first controller killed');
    // Nobody is left to start it: it stays down until a controller comes back.
    expect(await running(c)).toBe(false);
    expect(journalEntries(first.root).map((e) => e.containerName)).toEqual([c.name]);

    expect(partials(first.staging)).toHaveLength(1);

    const second = await startCtl({ root: first.root });
    step('second controller started');
    expect(second.logs().some((l) => /removed partial files/.test(String(l.msg)) && l.count === 1)).toBe(true);
    // The journal is replayed before the controller reports itself started.
    const line = second.logs().find((l) => l.event === 'container.started' && l.container === c.name);
    expect(line?.msg).toMatch(/left stopped by an interrupted backup/);
    expect(await running(c)).toBe(true);
    expect(journalEntries(second.root)).toEqual([]);
    // The interrupted write was swept; no data file was ever published for it.
    expect(partials(second.staging)).toEqual([]);
    expect(dataFiles(second.staging, c.name, 'fs-data')).toEqual([]);
    expect(dataFiles(second.remote, c.name, 'fs-data')).toEqual([]);
    step('second controller checked');
    expect(await second.stop(), second.output().slice(-3000)).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM mid-backup within the grace period: the job finishes and is uploaded, the container runs, exit 0', async () => {
    // 1 GiB of sparse zeros: several seconds of streaming here (a faster host must still be mid-stream when the
    // test sees the partial file, polled every 200 ms), far below the default 60 s grace period.
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle('mkdir -p /data && truncate -s 1G /data/f') });
    // The hold budget (default 5 s, see apps/controller/src/shutdown.ts) raised to the grace period: this case is
    // about a job that finishes within it.
    const ctl = await startCtl({ env: { BAQUP_SHUTDOWN_HOLD_GRACE_MS: '60000' } });
    await waitDiscovered(ctl, c.name, 1);
    await startSlowBackup(ctl, c);
    ctl.kill('SIGTERM');
    expect(await ctl.exit).toEqual({ code: 0, signal: null });
    const logs = ctl.logs();
    const stopping = logs.findIndex((l) => l.event === 'controller.stopping');
    const done = logs.findIndex((l) => l.event === 'job.succeeded' && l.container === c.name);
    expect(stopping).toBeGreaterThanOrEqual(0);
    expect(done).toBeGreaterThan(stopping);
    expect(logs.some((l) => /grace period over/.test(String(l.msg)))).toBe(false);
    expect(await running(c)).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
    const files = dataFiles(ctl.remote, c.name, 'fs-data');
    expect(files).toHaveLength(1);
    expect(verifyStaged(join(ctl.remote, c.name, 'fs-data', files[0]!)).size).toBeGreaterThan(0);
  });

  it('SIGTERM mid-backup with a short grace period: the container runs again and the controller exits 0', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle(HUGE) });
    const ctl = await startCtl({ env: { BAQUP_SHUTDOWN_GRACE_MS: '1500' } });
    await waitDiscovered(ctl, c.name, 1);
    // A client waits on the job (`baqup backup` does): its open request must not hold the shutdown up.
    const { answer } = await startSlowBackup(ctl, c, true);
    ctl.kill('SIGTERM');
    const exit = await Promise.race([ctl.exit, sleep(30_000).then(() => 'still running 30 s after SIGTERM')]);
    expect(exit, ctl.output().slice(-3000)).toEqual({ code: 0, signal: null });
    // The waiting client is answered (the job failed: aborted) or its connection closed; never left hanging.
    const got = (await answer) as Error | { status: number; body: { jobs?: { status: string }[] } };
    if (!(got instanceof Error)) expect([got.status, got.body.jobs?.[0]?.status]).toEqual([500, 'failed']);
    expect(ctl.logs().some((l) => l.event === 'controller.stopping' && /grace period over/.test(String(l.msg)))).toBe(true);
    expect(await running(c)).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
    expect(dataFiles(ctl.staging, c.name, 'fs-data')).toEqual([]);
    expect(partials(ctl.staging)).toEqual([]);
    expect(dataFiles(ctl.remote, c.name, 'fs-data')).toEqual([]);
  });

  it('docker stop (SIGTERM, SIGKILL 10 s later) mid cold backup: the job is aborted within the hold budget, the container runs, exit 0 before the kill', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle(HUGE) });
    const ctl = await startCtl();
    await waitDiscovered(ctl, c.name, 1);
    await startSlowBackup(ctl, c);
    const t0 = Date.now();
    ctl.kill('SIGTERM');
    const killer = setTimeout(() => ctl.kill('SIGKILL'), 10_000);
    const exit = await ctl.exit;
    clearTimeout(killer);
    const took = Date.now() - t0;
    expect(exit, ctl.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(10_000);
    expect(await running(c)).toBe(true);
    const logs = ctl.logs();
    const over = logs.findIndex((l) => l.event === 'controller.stopping' && /holding a stopped container/.test(String(l.msg)));
    const started = logs.findIndex((l) => l.event === 'container.started' && l.container === c.name);
    expect(over).toBeGreaterThanOrEqual(0);
    expect(started).toBeGreaterThan(over);
    expect(logs.some((l) => l.event === 'job.failed' && (l.error as { code?: string } | undefined)?.code === 'BAQUP_JOB_ABORTED')).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
    expect(partials(ctl.staging)).toEqual([]);
    expect(dataFiles(ctl.staging, c.name, 'fs-data')).toEqual([]);
  });

  it('a second SIGTERM mid cold backup starts the held container and exits at once (code 1)', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: labels(), cmd: idle(HUGE) });
    // Long budgets: only the second signal can end this quickly.
    const ctl = await startCtl({ env: { BAQUP_SHUTDOWN_HOLD_GRACE_MS: '60000' } });
    await waitDiscovered(ctl, c.name, 1);
    await startSlowBackup(ctl, c);
    ctl.kill('SIGTERM');
    await ctl.waitForLog((l) => l.event === 'controller.stopping', 10_000);
    const t0 = Date.now();
    ctl.kill('SIGTERM');
    const exit = await Promise.race([ctl.exit, sleep(20_000).then(() => 'still running 20 s after the second SIGTERM')]);
    expect(exit, ctl.output().slice(-3000)).toEqual({ code: 1, signal: null });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(await running(c)).toBe(true);
    expect(ctl.logs().some((l) => /second signal/.test(String(l.msg)))).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
  });

  it('SIGTERM the moment controller.started is logged still shuts down gracefully (exit 0), every time', async () => {
    // Regression: the line used to come before the signal handlers, and a preempted process died by the signal.
    const exits: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const ctl = await startCtl();
      ctl.kill('SIGTERM');
      exits.push(await ctl.exit);
      expect(ctl.logs().some((l) => l.event === 'controller.stopping'), ctl.output().slice(-1500)).toBe(true);
    }
    expect(exits).toEqual(Array.from({ length: 6 }, () => ({ code: 0, signal: null })));
  });
});
