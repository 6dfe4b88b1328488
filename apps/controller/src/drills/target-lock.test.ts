// Per-target locks: a backup job and a drill of the same target never overlap; other targets never wait.
import { describe, expect, it } from 'vitest';
import { targetKey, type BackupJob } from '@baqup/core';
import { jobLock, TargetLocks } from './target-lock.js';

const tick = () => new Promise((r) => setImmediate(r));

function job(container: string, instance: string): BackupJob {
  const target = { type: 'fs' as const, instance, schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: {} };
  return {
    id: `${container}-${instance}`,
    container: { containerId: container, containerName: container, image: 'i', enabled: true, stop: false, schedules: { daily: schedule }, targets: [target], errors: [] },
    target, schedule, triggeredAt: new Date(0), trigger: 'schedule',
  };
}

describe('TargetLocks', () => {
  it('a drill of a target waits for its running backup job, and a job fired during the drill waits for the drill', async () => {
    const locks = new TargetLocks();
    const events: string[] = [];
    const backup = job('app', 'data');
    const key = targetKey('app', backup.target);
    const releaseBackup = await jobLock(locks)(backup);
    events.push('backup:start');
    expect(locks.busy(key)).toBe(true);

    let endDrill!: () => void;
    const drill = locks.run(key, async () => {
      events.push('drill:start');
      await new Promise<void>((r) => (endDrill = r));
      events.push('drill:end');
    });
    await tick();
    expect(events).toEqual(['backup:start']);

    events.push('backup:end');
    releaseBackup();
    await tick();
    expect(events).toEqual(['backup:start', 'backup:end', 'drill:start']);

    // The next backup of the same target, fired while the drill runs, waits for it.
    const next = jobLock(locks)(backup).then((release) => {
      events.push('backup2:start');
      release();
    });
    await tick();
    expect(events.at(-1)).toBe('drill:start');
    endDrill();
    await drill;
    await next;
    expect(events).toEqual(['backup:start', 'backup:end', 'drill:start', 'drill:end', 'backup2:start']);
    expect(locks.busy(key)).toBe(false);
  });

  it('other targets never wait, and a release twice releases once', async () => {
    const locks = new TargetLocks();
    const a = await locks.acquire('app/fs-a');
    const b = await Promise.race([locks.acquire('app/fs-b'), new Promise<'waited'>((r) => setTimeout(() => r('waited'), 50))]);
    expect(b).not.toBe('waited');
    const third = locks.acquire('app/fs-a');
    a();
    a();
    const releaseThird = await third;
    // The second release of `a` must not have released the third holder's turn.
    let fourthIn = false;
    const fourth = locks.acquire('app/fs-a').then((r) => {
      fourthIn = true;
      return r;
    });
    await tick();
    expect(fourthIn).toBe(false);
    releaseThird();
    (await fourth)();
    (b as () => void)();
    expect(locks.busy('app/fs-a')).toBe(false);
    expect(locks.busy('app/fs-b')).toBe(false);
  });

  it('a failing run releases the lock', async () => {
    const locks = new TargetLocks();
    await expect(locks.run('k', () => Promise.reject(new Error('drill failed')))).rejects.toThrow('drill failed');
    expect(locks.busy('k')).toBe(false);
    expect(await locks.run('k', () => Promise.resolve(7))).toBe(7);
  });
});
