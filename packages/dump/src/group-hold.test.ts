// holdGroup and the group-aware journal against a fake engine of several containers (the real engine's order,
// seen through Docker events, is e2e/test/group-backup.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import { holdGroup, type GroupHoldMember } from './group-hold.js';
import { ContainerHolds } from './holds.js';
import { startOrder } from './replay-journal.js';
import { silentLogger } from '@baqup/core';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-group-hold-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

interface FakeContainer {
  running: boolean;
  health?: string;
  /** Health after a start: `starting` for this many inspects, then this value. */
  healthAfterStart?: { startingFor: number; then: string };
  failStop?: boolean;
  removed?: boolean;
  inspects?: number;
}

function fakeEngine(containers: Record<string, FakeContainer>) {
  const log: string[] = [];
  const get = (id: string): FakeContainer => {
    const c = containers[id];
    if (!c || c.removed) throw new DockerNotFoundError(`container ${id}`);
    return c;
  };
  const docker = {
    inspect: async (id: string) => {
      const c = get(id);
      if (c.healthAfterStart && c.running) {
        c.inspects = (c.inspects ?? 0) + 1;
        c.health = c.inspects > c.healthAfterStart.startingFor ? c.healthAfterStart.then : 'starting';
      }
      return { state: { running: c.running, status: c.running ? 'running' : 'exited', exitCode: 0, ...(c.health ? { health: c.health } : {}) }, stopSignal: 'SIGTERM', stopTimeout: 10 };
    },
    isRunning: async (id: string) => get(id).running,
    stop: async (id: string) => {
      const c = get(id);
      if (c.failStop) throw new Error('engine said no');
      log.push(`stop ${id}`);
      c.running = false;
    },
    start: async (id: string) => {
      const c = get(id);
      log.push(`start ${id}`);
      c.running = true;
      c.inspects = 0;
    },
  } as unknown as DockerClient;
  return { docker, log };
}

// start order: db, cache, app, web
const members: GroupHoldMember[] = ['db', 'cache', 'app', 'web'].map((s) => ({ service: s, containerId: s, containerName: `shop-${s}-1` }));

describe('holdGroup', () => {
  it('stops dependents first, journals every member before its stop, and starts dependencies first', async () => {
    const { docker, log } = fakeEngine({ db: { running: true }, cache: { running: true }, app: { running: true }, web: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const realAdd = holds.journal.add.bind(holds.journal);
    holds.journal.add = async (e) => {
      await realAdd(e);
      log.push(`journal ${e.containerId}`);
    };
    const held = await holdGroup({ docker, holds }, 'shop', members, { pollMs: 1 });
    expect(held.stopped).toEqual(['web', 'app', 'cache', 'db']);
    expect(log).toEqual(['journal web', 'stop web', 'journal app', 'stop app', 'journal cache', 'stop cache', 'journal db', 'stop db']);
    const journal = await holds.journal.read();
    expect(journal.map((e) => [e.containerId, e.group])).toEqual([
      ['web', { name: 'shop', rank: 3 }],
      ['app', { name: 'shop', rank: 2 }],
      ['cache', { name: 'shop', rank: 1 }],
      ['db', { name: 'shop', rank: 0 }],
    ]);
    // a cold job of a member while the group is held: its own hold neither stops nor starts anything
    const job = await holds.hold('app', 'shop-app-1');
    await job();
    expect(log.filter((l) => l.startsWith('start'))).toEqual([]);
    log.length = 0;
    const starts = await held.release();
    expect(log).toEqual(['start db', 'start cache', 'start app', 'start web']);
    expect(starts.map((s) => [s.service, s.result])).toEqual([['db', 'started'], ['cache', 'started'], ['app', 'started'], ['web', 'started']]);
    expect(await holds.journal.read()).toEqual([]);
    expect(await held.release()).toBe(starts); // once
  });

  it('leaves a member that was already stopped stopped, and never starts it', async () => {
    const { docker, log } = fakeEngine({ db: { running: true }, cache: { running: false }, app: { running: true }, web: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const held = await holdGroup({ docker, holds }, 'shop', members, { pollMs: 1 });
    expect(held.stopped).toEqual(['web', 'app', 'db']);
    expect(held.leftStopped).toEqual(['cache']);
    expect((await holds.journal.read()).map((e) => e.containerId)).toEqual(['web', 'app', 'db']);
    const starts = await held.release();
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start db', 'start app', 'start web']);
    expect(starts.find((s) => s.service === 'cache')?.result).toBe('left-stopped');
  });

  it('waits for each member to be healthy before starting the next', async () => {
    const { docker, log } = fakeEngine({ db: { running: true, healthAfterStart: { startingFor: 3, then: 'healthy' } }, cache: { running: true }, app: { running: true }, web: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const held = await holdGroup({ docker, holds }, 'shop', members, { pollMs: 1 });
    const inspected: string[] = [];
    const realInspect = docker.inspect.bind(docker);
    docker.inspect = (async (id: string) => {
      const info = await realInspect(id);
      inspected.push(`${id}:${info.state.health ?? 'running'}`);
      log.push(`inspect ${id} ${info.state.health ?? ''}`.trim());
      return info;
    }) as typeof docker.inspect;
    await held.release();
    expect(inspected.filter((i) => i.startsWith('db'))).toEqual(['db:starting', 'db:starting', 'db:starting', 'db:healthy']);
    // cache's start comes after db was seen healthy
    expect(log.indexOf('start cache')).toBeGreaterThan(log.indexOf('inspect db healthy'));
  });

  it('a member that never gets healthy fails after the timeout, and the rest are started all the same', async () => {
    const { docker, log } = fakeEngine({ db: { running: true, healthAfterStart: { startingFor: 0, then: 'unhealthy' } }, cache: { running: true }, app: { running: true }, web: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const held = await holdGroup({ docker, holds }, 'shop', members, { pollMs: 5, startTimeoutMs: 50 });
    const starts = await held.release();
    expect(starts[0]).toMatchObject({ service: 'db', result: 'failed', error: { code: 'BAQUP_GROUP_START' } });
    expect(starts[0]!.error!.message).toMatch(/group shop: shop-db-1 \(db\) is running but unhealthy 0 s after its start/);
    expect(starts.slice(1).map((s) => s.result)).toEqual(['started', 'started', 'started']);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start db', 'start cache', 'start app', 'start web']);
  });

  it('a stop that fails starts what was already stopped, in start order, before it throws', async () => {
    const { docker, log } = fakeEngine({ db: { running: true }, cache: { running: true, failStop: true }, app: { running: true }, web: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json'), logger: silentLogger });
    await expect(holdGroup({ docker, holds }, 'shop', members, { pollMs: 1 })).rejects.toMatchObject({ code: 'BAQUP_DUMP_STOP_FAILED' });
    expect(log.filter((l) => !l.startsWith('journal'))).toEqual(['stop web', 'stop app', 'start app', 'start web']);
    expect(await holds.journal.read()).toEqual([]);
    expect(holds.held()).toEqual([]);
  });

  it('releaseAll (shutdown) starts a held group in start order', async () => {
    const { docker, log } = fakeEngine({ db: { running: true }, cache: { running: true }, app: { running: true }, web: { running: true }, other: { running: true } });
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    await holdGroup({ docker, holds }, 'shop', members, { pollMs: 1 });
    await holds.hold('other', 'other');
    log.length = 0;
    holds.close('stopping');
    await holds.releaseAll();
    expect(log.filter((l) => l !== 'start other')).toEqual(['start db', 'start cache', 'start app', 'start web']);
    expect(log).toContain('start other');
    expect(await holds.journal.read()).toEqual([]);
  });

  it('the journal replay after a crash starts a group in start order, whatever order it was written in', async () => {
    const { docker, log } = fakeEngine({ db: { running: true }, cache: { running: true }, app: { running: true }, web: { running: true }, other: { running: true } });
    const journal = join(dir, 'journal.json');
    const first = new ContainerHolds({ docker, journal });
    await holdGroup({ docker, holds: first }, 'shop', members, { pollMs: 1 });
    await first.hold('other', 'other');
    first.stopRetries();
    // the controller dies here (SIGKILL): a new one on the same journal
    log.length = 0;
    const next = new ContainerHolds({ docker, journal });
    const report = await next.replayJournal();
    expect(report.started).toEqual(['other', 'shop-db-1', 'shop-cache-1', 'shop-app-1', 'shop-web-1']);
    expect(log).toEqual(['start other', 'start db', 'start cache', 'start app', 'start web']);
    expect(await next.journal.read()).toEqual([]);
  });

  it('startOrder keeps lone containers as listed and orders each group by rank', () => {
    const e = (id: string, group?: { name: string; rank: number }) => ({ containerId: id, containerName: id, stoppedAt: '', reason: '', ...(group ? { group } : {}) });
    const order = startOrder([e('b2', { name: 'b', rank: 1 }), e('x'), e('a1', { name: 'a', rank: 1 }), e('a0', { name: 'a', rank: 0 }), e('y'), e('b0', { name: 'b', rank: 0 })]);
    expect(order.map((x) => x.containerId)).toEqual(['x', 'y', 'a0', 'a1', 'b0', 'b2']);
  });
});
