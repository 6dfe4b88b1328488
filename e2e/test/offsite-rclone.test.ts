// Issue #5 (off the host) with rclone, through the BUILT controller process: a local-path remote on a per-second
// cron with retention 3, and a real SFTP server (`rclone serve sftp` on 127.0.0.1) configured only through
// RCLONE_CONFIG_TESTSFTP_* in the controller's env. Backups land on the remote under the staging-relative path with
// the same sha256; with the server down the job fails, the staged file stays and the failure is visible
// (API lastError, upload.failed); once it is back the next run uploads the old and the new file. cleanup_after_upload
// frees staging only after a verified upload. `baqup prune` applies a policy now, dry or not. No credential appears
// in any log line or any rclone command line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Secret } from '@baqup/core';
import { E2E_HOST, ensureImage, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { cli, sampleArgv, sha256 } from './offsite-fixtures.js';
import { backupNow, dataFiles, filesUnder, said, startCtl, useCtlCleanup, verifyStaged, waitDiscovered, type Ctl } from './pipeline-fixtures.js';
import { SftpServer } from './upload-fixtures.js';

useCleanup();
useCtlCleanup();

const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && head -c 50000 /dev/urandom > /data/b.bin && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
const T = 'fs-data';
const work = mkdtempSync(join(tmpdir(), 'baqup-e2e-offsite-'));
const servers: SftpServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(work, { recursive: true, force: true });
});

const app = async (schedule: string): Promise<TestContainer> =>
  startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': schedule } });

/** A schedule that never fires during a test: jobs come from POST /api/backups only. */
const MANUAL = { manual: { cron: '0 0 1 1 *', retention: 100 } };

async function sftpController(cleanupAfterUpload: boolean): Promise<{ ctl: Ctl; server: SftpServer; served: string; secrets: string[] }> {
  const served = mkdtempSync(join(work, 'served-'));
  const server = await SftpServer.start(served);
  servers.push(server);
  const env = Object.fromEntries(Object.entries(server.clientEnv()).map(([k, v]) => [k, typeof v === 'string' ? v : (v as Secret).reveal()]));
  const ctl = await startCtl({
    config: { staging: { cleanup_after_upload: cleanupAfterUpload }, upload: { remote: 'testsftp:backups', retries: 1 }, defaults: { schedules: MANUAL } },
    env,
  });
  return { ctl, server, served: join(served, 'backups', E2E_HOST), secrets: [server.password, env.RCLONE_CONFIG_TESTSFTP_PASS!] };
}

/** The remote copy (read on the server's disk, not through the server) has the staged copy's bytes and sidecars. */
function expectSameOnRemote(remoteRoot: string, container: string, file: string, sha: string): void {
  const m = verifyStaged(join(remoteRoot, container, T, file));
  expect(m.sha256).toBe(sha);
  expect(sha256(join(remoteRoot, container, T, file))).toBe(sha);
}

function expectNoSecret(ctl: Ctl, secrets: string[]): void {
  const lines = ctl.output().split('\n');
  expect(lines.length).toBeGreaterThan(10);
  for (const s of secrets) expect(lines.filter((l) => l.includes(s))).toEqual([]);
}

describe('rclone to a local-path remote on a per-second cron', () => {
  it('retention 3 leaves exactly 3 on staging and 3 on the remote after 6+ runs; baqup prune applies a stricter policy (dry run first)', async () => {
    const remote = join(work, 'local-remote');
    // This controller's files sit under its host directory on the remote.
    const hosted = join(remote, E2E_HOST);
    const c = await app('fast');
    const ctl = await startCtl({ config: { upload: { remote }, defaults: { schedules: { fast: { cron: '*/2 * * * * *', retention: 3 } } } } });
    await waitDiscovered(ctl, c.name, 1);
    await ctl.waitForLogs((l) => l.event === 'job.succeeded' && l.container === c.name, 6, 90_000);
    // A graceful stop lets a running job finish, prune included: what is on disk now is the settled state.
    expect((await ctl.stop()).code).toBe(0);
    const succeeded = ctl.logs().filter((l) => l.event === 'job.succeeded' && l.container === c.name).map((l) => basename(String(l.path)));
    expect(succeeded.length).toBeGreaterThanOrEqual(6);
    console.log(`local remote: ${succeeded.length} scheduled jobs, durations ${ctl.logs().filter((l) => l.event === 'job.succeeded' && l.container === c.name).map((l) => String(l.duration_ms)).join('/')} ms`);
    // Only this test's container: the controller also sees what other tests on the shared engine labelled.
    expect(ctl.logs().filter((l) => l.event === 'job.failed' && l.container === c.name)).toEqual([]);
    const staged = dataFiles(ctl.staging, c.name, T);
    expect(staged).toEqual(succeeded.slice(-3).sort());
    expect(dataFiles(hosted, c.name, T)).toEqual(staged);
    for (const f of staged) expectSameOnRemote(hosted, c.name, f, verifyStaged(join(ctl.staging, c.name, T, f)).sha256);
    const deleted = ctl.logs().filter((l) => l.event === 'prune.deleted' && l.container === c.name);
    expect(deleted.filter((l) => l.side === 'staging')).toHaveLength(succeeded.length - 3);
    expect(deleted.filter((l) => l.side === 'remote')).toHaveLength(succeeded.length - 3);
    // Nothing else is left on either side: no orphaned sidecars of pruned backups.
    expect(filesUnder(join(hosted, c.name, T)).filter((f) => !f.startsWith('.'))).toHaveLength(9);

    // The same data with retention 1: the CLI reads the target's schedule from its labels and this config.
    const cfg = join(work, 'prune-cli.yml');
    writeFileSync(cfg, JSON.stringify({ staging: { path: ctl.staging }, upload: { remote }, defaults: { schedules: { fast: { cron: '*/2 * * * * *', retention: 1 } } } }));
    const env = { BAQUP_DATA_DIR: join(work, 'cli-data') };
    const dry = await cli(['prune', c.name, '--dry-run', '--config', cfg], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`${c.name}/${T} (schedule fast: keep last 1)`);
    expect(dry.stdout).toContain('staging: 3 found, 1 kept, would delete 2');
    expect(dry.stdout).toContain('remote: 3 found, 1 kept, would delete 2');
    for (const f of staged.slice(0, 2)) expect(dry.stdout.split(`would delete ${c.name}/${T}/${f}`)).toHaveLength(3);
    expect(dataFiles(ctl.staging, c.name, T)).toEqual(staged);
    expect(dataFiles(hosted, c.name, T)).toEqual(staged);

    const real = await cli(['prune', c.name, T, '--json', '--config', cfg], env);
    expect(real.code, real.stderr).toBe(0);
    const report = JSON.parse(real.stdout) as { dry_run: boolean; targets: { target: string; sides: { side: string; deleted: string[]; kept: number }[] }[] };
    expect(report.dry_run).toBe(false);
    expect(report.targets.map((t) => t.target)).toEqual([T]);
    expect(report.targets[0]!.sides.map((s) => [s.side, s.deleted.map((d) => basename(d)).sort(), s.kept])).toEqual([
      ['staging', staged.slice(0, 2), 1],
      ['remote', staged.slice(0, 2), 1],
    ]);
    expect(dataFiles(ctl.staging, c.name, T)).toEqual(staged.slice(2));
    expect(dataFiles(hosted, c.name, T)).toEqual(staged.slice(2));
    expect(filesUnder(join(hosted, c.name, T)).filter((f) => !f.startsWith('.'))).toHaveLength(3);

    const unknown = await cli(['prune', 'no-such-container', '--config', cfg], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no container named "no-such-container"/);
  });
});

describe('rclone to SFTP on loopback (credentials in the controller env only)', () => {
  it('uploads with the same path and checksum; with the server down the job fails and the file stays; the next run uploads both', async () => {
    const { ctl, server, served, secrets } = await sftpController(false);
    const c = await app('manual');
    await waitDiscovered(ctl, c.name, 1);
    const argv = sampleArgv((cmd) => cmd.includes('testsftp:'));

    const first = await backupNow(ctl, c.name, T);
    expect(first.job.status).toBe('succeeded');
    const firstFile = basename(first.job.path!);
    expect(first.job.path).toBe(join(ctl.staging, c.name, T, firstFile));
    expect(first.job.sha256).toBe(verifyStaged(first.job.path!).sha256);
    expectSameOnRemote(served, c.name, firstFile, first.job.sha256!);

    await server.stop();
    const down = await backupNow(ctl, c.name, T);
    expect(down.status).toBe(500);
    expect(down.job.status).toBe('failed');
    expect(down.job.error?.code).toBe('BAQUP_UPLOAD_FAILED');
    const downFiles = dataFiles(ctl.staging, c.name, T);
    expect(downFiles).toHaveLength(2);
    const downFile = downFiles.find((f) => f !== firstFile)!;
    const downSha = verifyStaged(join(ctl.staging, c.name, T, downFile)).sha256;
    expect(dataFiles(served, c.name, T)).toEqual([firstFile]);
    const view = (await ctl.get(`/api/containers/${c.name}`)).body as { targets: { key: string; status: string; lastError?: string }[] };
    const t = view.targets.find((x) => x.key === `${c.name}/${T}`)!;
    expect(t.status).toBe('error');
    expect(t.lastError).toMatch(new RegExp(`^upload of ${c.name}/${T}/${downFile.replace(/\./g, '\\.')} failed: listing testsftp:backups/${E2E_HOST}/${c.name}/${T} failed: .*connection refused`));
    expect(ctl.logs().some((l) => l.event === 'upload.failed' && l.container === c.name && l.level === 'error')).toBe(true);

    await server.start();
    const back = await backupNow(ctl, c.name, T);
    expect(back.job.status).toBe('succeeded');
    const backFile = basename(back.job.path!);
    expect(dataFiles(served, c.name, T)).toEqual([firstFile, downFile, backFile].sort());
    expectSameOnRemote(served, c.name, downFile, downSha);
    expectSameOnRemote(served, c.name, backFile, verifyStaged(back.job.path!).sha256);
    const view2 = (await ctl.get(`/api/containers/${c.name}`)).body as { targets: { key: string; status: string; lastError?: string }[] };
    const t2 = view2.targets.find((x) => x.key === `${c.name}/${T}`)!;
    expect(t2.status).toBe('healthy');
    expect(t2.lastError).toBeUndefined();
    const failedMs = ctl.logs().find((l) => l.event === 'job.failed' && l.container === c.name)?.duration_ms;
    console.log(`sftp down: the failed job took ${String(failedMs)} ms; jobs: ${ctl.logs().filter((l) => l.container === c.name && l.event?.startsWith('job.') && l.duration_ms !== undefined).map((l) => `${l.event} ${String(l.duration_ms)} ms`).join(', ')}`);

    // rclone ran with the remote's name on its command line, never with a credential.
    const lines = argv.stop();
    expect(lines.some((l) => l.includes('copyto') && l.includes(`testsftp:backups/${E2E_HOST}/${c.name}/${T}/`))).toBe(true);
    for (const s of secrets) expect(lines.filter((l) => l.includes(s))).toEqual([]);
    expectNoSecret(ctl, secrets);
    for (const s of secrets) expect(said.join('').includes(s)).toBe(false);
  });

  it('cleanup_after_upload frees staging only after a verified upload: with the server down the file stays until it is uploaded', async () => {
    const { ctl, server, served, secrets } = await sftpController(true);
    const c = await app('manual');
    await waitDiscovered(ctl, c.name, 1);

    const first = await backupNow(ctl, c.name, T);
    expect(first.job.status).toBe('succeeded');
    const firstFile = basename(first.job.path!);
    expect(filesUnder(join(ctl.staging, c.name, T)).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(dataFiles(served, c.name, T)).toEqual([firstFile]);
    expect(first.job.sha256).toMatch(/^[0-9a-f]{64}$/);
    expectSameOnRemote(served, c.name, firstFile, first.job.sha256!);

    await server.stop();
    const down = await backupNow(ctl, c.name, T);
    expect(down.job.status).toBe('failed');
    const [kept] = dataFiles(ctl.staging, c.name, T);
    expect(kept).toBeDefined();
    const keptSha = verifyStaged(join(ctl.staging, c.name, T, kept!)).sha256;

    await server.start();
    const back = await backupNow(ctl, c.name, T);
    expect(back.job.status).toBe('succeeded');
    expect(filesUnder(join(ctl.staging, c.name, T)).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(dataFiles(served, c.name, T)).toEqual([firstFile, kept!, basename(back.job.path!)].sort());
    expectSameOnRemote(served, c.name, kept!, keptSha);
    expectNoSecret(ctl, secrets);
  });
});
