// The staging-full halt's rule, with a scripted free-space reading (pure unit: the real small filesystem is in
// e2e/test/disk-full.test.ts and the staging-full fault).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import { stagingHalt } from './halt.js';

const MiB = 1024 * 1024;

function world(freeMiB: number, resumeFreeMiB = 256) {
  const disk = { free: freeMiB * MiB, reads: 0 };
  const halt = stagingHalt({
    path: '/stage',
    logger: silentLogger,
    intervalMs: 3_600_000,
    resumeFreeBytes: resumeFreeMiB * MiB,
    freeBytes: async () => {
      disk.reads++;
      return disk.free;
    },
  });
  return { disk, halt };
}

const full = (needMiB: number) => ({ message: 'ENOSPC', need_bytes: needMiB * MiB });

describe('stagingHalt', () => {
  it('a small disk that can never hold the failed target: small targets with a recorded size run, the big one and unknown ones wait', async () => {
    // 48 MiB disk, a 1 GiB target met ENOSPC after 47 MiB; its partial is gone, 47 MiB free again.
    const { disk, halt } = world(47);
    halt.diskFull(full(47), 'app/fs-data');
    await halt.check();
    expect(halt.halted()).toMatch(/staging disk full at \/stage: no new jobs until it has 48\.0 MiB free \(47\.0 MiB now\)/);
    expect(halt.admit('app/fs-small', 4096)).toBeUndefined();
    expect(halt.admit('app/fs-data', 40 * MiB)).toMatch(/needs about 95\.0 MiB/);
    expect(halt.admit('app/fs-new')).toMatch(/no recorded size yet/);
    // A target of 30 MiB does not fit twice in 47 MiB.
    expect(halt.admit('app/fs-mid', 30 * MiB)).toMatch(/needs about 61\.0 MiB/);
    halt.stop();
    expect(disk.reads).toBeGreaterThan(0);
  });

  it('lifts once min(what the failed job needed, the resume floor) is free', async () => {
    const { disk, halt } = world(10, 64);
    halt.diskFull(full(500), 'app/fs-data');
    await halt.check();
    expect(halt.halted()).toBeDefined();
    disk.free = 63 * MiB;
    await halt.check();
    expect(halt.halted()).toBeDefined();
    disk.free = 64 * MiB;
    await halt.check();
    expect(halt.halted()).toBeUndefined();
    expect(halt.admit('app/fs-new')).toBeUndefined();
    expect(halt.admit('app/fs-data')).toBeUndefined();
  });

  it('a failed job needing less than the floor: lifts once that much is free', async () => {
    const { disk, halt } = world(5);
    halt.diskFull(full(19), 'app/fs-big');
    await halt.check();
    expect(halt.halted()).toMatch(/until it has 20\.0 MiB free/);
    disk.free = 21 * MiB;
    await halt.check();
    expect(halt.halted()).toBeUndefined();
  });

  it('a refused job reads the free space again, so the next one sees the room made meanwhile', async () => {
    const { disk, halt } = world(1);
    halt.diskFull(full(100), 'app/fs-data');
    await halt.check();
    expect(halt.admit('app/fs-small', 2 * MiB)).toBeDefined();
    await halt.check();
    disk.free = 10 * MiB;
    const reads = disk.reads;
    // Refused on the reading it has, and that refusal reads again.
    expect(halt.admit('app/fs-small', 2 * MiB)).toBeDefined();
    await halt.check();
    expect(disk.reads).toBe(reads + 1);
    expect(halt.admit('app/fs-small', 2 * MiB)).toBeUndefined();
    halt.stop();
  });
});
