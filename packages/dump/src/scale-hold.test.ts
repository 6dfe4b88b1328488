// The cold hold of a Swarm task against a fake engine (pure unit: the real Swarm is in e2e/test/swarm.test.ts):
// the service is scaled to 0 and back to its exact count, journaled first, read from a stand-in, and a journal left
// by a crash scales it back at the next replay.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import { ContainerHolds } from './holds.js';
import { StopJournal } from './journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-scale-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function fakeSwarm(replicas: number | undefined) {
  const s = { replicas, taskRunning: true, log: [] as string[], journalAtScale: [] as unknown[] };
  const docker = {
    inspect: async () => ({ state: { running: true }, stopSignal: 'SIGTERM', stopTimeout: 1 }),
    isRunning: async () => {
      if (!s.taskRunning) throw new DockerNotFoundError('container task1');
      return true;
    },
    serviceReplicas: async () => s.replicas,
    scaleService: async (_id: string, n: number) => {
      s.log.push(`scale ${n}`);
      s.replicas = n;
      s.taskRunning = n > 0;
    },
    createStandIn: async () => {
      s.log.push('standin');
      return 'standin1';
    },
    removeContainer: async (id: string) => void s.log.push(`remove ${id}`),
    stop: async () => void s.log.push('stop'),
    start: async () => void s.log.push('start'),
  } as unknown as DockerClient;
  return { s, docker };
}

describe('scaling a Swarm service for a cold copy', () => {
  it('scales to 0 (journaled first, with the count), reads from the stand-in, scales back to the exact count', async () => {
    const { s, docker } = fakeSwarm(3);
    const journal = join(dir, 'journal.json');
    const holds = new ContainerHolds({ docker, journal });
    const release = await holds.hold('task1', 'shop_files', undefined, undefined, { swarm: { serviceId: 'svc1', service: 'shop_files' } });
    expect(s.log).toEqual(['standin', 'scale 0']);
    expect(release.readFrom).toBe('standin1');
    expect(await new StopJournal(journal).read()).toEqual([expect.objectContaining({ containerId: 'task1', service: { id: 'svc1', name: 'shop_files', replicas: 3, standIn: 'standin1' } })]);
    await release();
    expect(s.log).toEqual(['standin', 'scale 0', 'scale 3', 'remove standin1']);
    expect(s.replicas).toBe(3);
    expect(await new StopJournal(journal).read()).toEqual([]);
  });

  it('a global service (no replica count) is stopped and started as a container', async () => {
    const { s, docker } = fakeSwarm(undefined);
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const release = await holds.hold('task1', 'shop_agent', undefined, undefined, { swarm: { serviceId: 'svc1', service: 'shop_agent' } });
    expect(release.readFrom).toBeUndefined();
    await release();
    expect(s.log).toEqual(['stop', 'start']);
  });

  it('the replay after a crash scales the service back to the journaled count and removes the stand-in', async () => {
    const { s, docker } = fakeSwarm(0);
    const journal = join(dir, 'journal.json');
    await new StopJournal(journal).add({ containerId: 'task1', containerName: 'shop_files', stoppedAt: new Date().toISOString(), reason: 'test', service: { id: 'svc1', name: 'shop_files', replicas: 2, standIn: 'standin1' } });
    const report = await new ContainerHolds({ docker, journal }).replayJournal();
    expect(report.started).toEqual(['shop_files']);
    expect(s.log).toEqual(['scale 2', 'remove standin1']);
    expect(await new StopJournal(journal).read()).toEqual([]);
  });

  it('a count changed by someone else meanwhile is left as it is', async () => {
    const { s, docker } = fakeSwarm(5);
    const journal = join(dir, 'journal.json');
    await new StopJournal(journal).add({ containerId: 'task1', containerName: 'shop_files', stoppedAt: new Date().toISOString(), reason: 'test', service: { id: 'svc1', name: 'shop_files', replicas: 2 } });
    await new ContainerHolds({ docker, journal }).replayJournal();
    expect(s.replicas).toBe(5);
    expect(s.log).toEqual([]);
  });
});
