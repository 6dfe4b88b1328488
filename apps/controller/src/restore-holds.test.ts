import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '@baqup/core';
import { TargetLocks } from './drills/target-lock.js';
import { lockTarget, MAX_HOLDS, RestoreHolds } from './restore-holds.js';

const tick = () => new Promise((r) => setImmediate(r));
/** Whether `p` has settled after the queued promise jobs ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await tick();
  return done;
}

afterEach(() => vi.useRealTimers());

describe('RestoreHolds', () => {
  it('waits for the running job of the target, then keeps the next job waiting until released', async () => {
    const locks = new TargetLocks();
    const holds = new RestoreHolds(locks, silentLogger);
    const job = await locks.acquire('db/postgres-main');
    const taking = holds.take('db', 'postgres-main', 60);
    expect(await settled(taking)).toBe(false);
    job();
    const view = (await taking)!;
    expect(view).toMatchObject({ container: 'db', target: 'postgres-main', id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const next = locks.acquire('db/postgres-main');
    expect(await settled(next)).toBe(false);
    // Other targets never wait.
    expect(await settled(locks.acquire('db/fs-data'))).toBe(true);
    expect(holds.list().map((h) => h.id)).toEqual([view.id]);
    expect(holds.release(view.id)).toBe(true);
    expect(await settled(next)).toBe(true);
    expect(holds.release(view.id)).toBe(false);
    expect(holds.list()).toEqual([]);
  });

  it('expires unless renewed; a renewal pushes the end back; unknown ids are refused', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const locks = new TargetLocks();
    const warned: string[] = [];
    const holds = new RestoreHolds(locks, { ...silentLogger, warn: (_m, f) => void warned.push(String(f?.event)) });
    const view = (await holds.take('app', 'fs-data', 10))!;
    vi.advanceTimersByTime(8_000);
    const renewed = holds.renew(view.id, 10)!;
    expect(Date.parse(renewed.expires_at)).toBeGreaterThan(Date.parse(view.expires_at));
    vi.advanceTimersByTime(8_000);
    expect(locks.busy('app/fs-data')).toBe(true);
    vi.advanceTimersByTime(3_000);
    expect(locks.busy('app/fs-data')).toBe(false);
    expect(warned).toEqual(['restore.hold_expired']);
    expect(holds.renew(view.id, 10)).toBeUndefined();
    expect(holds.renew('0'.repeat(24), 10)).toBeUndefined();
  });

  it(`holds at most ${MAX_HOLDS} targets, waiting ones included; releaseAll frees every one`, async () => {
    const locks = new TargetLocks();
    const holds = new RestoreHolds(locks, silentLogger);
    const busy = await locks.acquire('c0/fs-x');
    const waiting = holds.take('c0', 'fs-x', 60);
    for (let i = 1; i < MAX_HOLDS; i++) expect(await holds.take(`c${i}`, 'fs-x', 60)).toBeDefined();
    expect(await holds.take('one-more', 'fs-x', 60)).toBeUndefined();
    busy();
    await waiting;
    expect(holds.list()).toHaveLength(MAX_HOLDS);
    holds.releaseAll();
    expect(holds.list()).toEqual([]);
    expect(locks.busy('c1/fs-x')).toBe(false);
  });

  it('lockTarget: the in-process hold of an API restore is the same lock', async () => {
    const locks = new TargetLocks();
    const release = await lockTarget(locks)('db', 'mariadb-main-2');
    expect(locks.busy('db/mariadb-main-2')).toBe(true);
    await release();
    expect(locks.busy('db/mariadb-main-2')).toBe(false);
  });
});
