// A full staging disk: a small filesystem this test mounts itself (a 20 MiB tmpfs; we are root), a target larger
// than it (random bytes through zstd: the case that used to spin the controller at 100 % CPU). The job fails at once
// with BAQUP_STAGE_DISK_FULL naming the path and the space needed, the partial file is removed, the API answers
// throughout, new jobs halt while space is short, and resume by themselves once there is room — no restart.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { backupNow, filesUnder, partials, sleep, startCtl, useCtlCleanup, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const idle = (prepare: string) => ['sh', '-c', `${prepare}; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];

let mnt: string;
beforeAll(() => {
  mnt = mkdtempSync(join(tmpdir(), 'baqup-e2e-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mnt]);
});
afterAll(() => {
  try {
    execFileSync('umount', ['-l', mnt]);
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
});

describe('staging disk full', () => {
  it('fails the job quickly with BAQUP_STAGE_DISK_FULL, keeps the API answering, halts new jobs and resumes once there is room', async () => {
    // 40 MiB of random bytes (incompressible) in the big target; a small target for the run after the halt.
    const c = await startContainer({
      image: await ensureImage('base'),
      labels: { 'backup.enabled': 'true', 'backup.fs.big.path': '/big', 'backup.fs.small.path': '/small', 'backup.fs.small.compress': 'none' },
      cmd: idle('mkdir -p /big /small && head -c 41943040 /dev/urandom > /big/r && echo hi > /small/a'),
    });
    const staging = join(mnt, 'staging');
    const ctl = await startCtl({ config: { staging: { path: staging, cleanup_after_upload: false } }, env: { BAQUP_SPACE_CHECK_MS: '500' } });
    await waitDiscovered(ctl, c.name, 2);

    // The API answers while the job runs into the full disk (the controller used to spin at 100 % CPU here).
    let probing = true;
    const slowest: number[] = [];
    const probe = (async () => {
      while (probing) {
        const t = Date.now();
        const r = await ctl.get('/api/status');
        expect(r.status).toBe(200);
        slowest.push(Date.now() - t);
        await sleep(100);
      }
    })();
    const t0 = Date.now();
    const { status, job } = await backupNow(ctl, c.name, 'fs-big');
    const took = Date.now() - t0;
    probing = false;
    await probe;
    expect(status).toBe(500);
    expect(job.error?.code).toBe('BAQUP_STAGE_DISK_FULL');
    expect(job.error?.message).toContain(staging);
    expect(job.error?.message).toMatch(/needs more than \d+\.\d MiB free/);
    expect(took).toBeLessThan(60_000);
    expect(slowest.length).toBeGreaterThan(0);
    expect(Math.max(...slowest)).toBeLessThan(5_000);
    expect(partials(staging)).toEqual([]);

    // The partial is gone, but the disk cannot hold what that backup needed: new jobs are refused meanwhile.
    const halted = await backupNow(ctl, c.name, 'fs-small');
    expect(halted.job.error?.code).toBe('BAQUP_CONTROLLER_HALTED');
    expect(halted.job.error?.message).toContain(staging);
    expect(ctl.logs().some((l) => l.event === 'controller.resumed')).toBe(false);

    // Room made (the filesystem grown, as a user would add a disk or free space): the periodic check lifts the
    // halt by itself, and the next job runs, without a restart.
    execFileSync('mount', ['-o', 'remount,size=200m', mnt]);
    await ctl.waitForLog((l) => l.event === 'controller.resumed', 30_000);
    const ok = await backupNow(ctl, c.name, 'fs-small');
    expect(ok.status).toBe(200);
    expect(ok.job.status).toBe('succeeded');
    expect(filesUnder(join(staging, c.name, 'fs-small')).length).toBeGreaterThan(0);
  });
});
