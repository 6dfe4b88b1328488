// ContainerHolds against a fake engine (pure unit: the real-engine cases are in e2e/test/stop-safety.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DockerUnreachableError } from '@baqup/core';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import { ContainerHolds, type HeldContainer, type StartEvent } from './holds.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-holds-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** One container; `down` makes every start fail as an unreachable engine would. */
function fakeDocker() {
  const s = { running: true, down: false, removed: false, starts: 0, log: [] as string[] };
  const docker = {
    inspect: async () => ({ state: { running: s.running }, stopSignal: 'SIGTERM', stopTimeout: 10 }),
    isRunning: async () => {
      if (s.down) throw new DockerUnreachableError('fake');
      if (s.removed) throw new DockerNotFoundError('container c');
      return s.running;
    },
    stop: async () => {
      s.log.push('stop');
      s.running = false;
    },
    start: async () => {
      s.starts++;
      if (s.down) throw new DockerUnreachableError('fake');
      if (s.removed) throw new DockerNotFoundError('container c');
      s.log.push('start');
      s.running = true;
    },
  } as unknown as DockerClient;
  return { docker, s };
}

describe('ContainerHolds', () => {
  it('a failed start is retried with backoff until the engine is back; meanwhile the container is listed start-failed', async () => {
    const { docker, s } = fakeDocker();
    const changes: HeldContainer[][] = [];
    const events: StartEvent[] = [];
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json'), retryBaseMs: 5, retryMaxMs: 20, onChange: (h) => changes.push(h), onStartEvent: (e) => events.push(e) });
    const release = await holds.hold('c', 'app');
    expect(holds.held()).toMatchObject([{ containerName: 'app', status: 'stopped' }]);
    s.down = true;
    await expect(release()).rejects.toMatchObject({ code: 'BAQUP_DUMP_RESTART_FAILED' });
    expect(holds.isHeld('c')).toBe(true);
    expect(holds.held()).toMatchObject([{ containerName: 'app', status: 'start-failed' }]);
    expect((await holds.journal.read()).map((e) => e.containerId)).toEqual(['c']);
    // Still down for many attempts: never given up.
    const deadline = Date.now() + 10_000;
    while ((holds.held()[0]?.attempts ?? 0) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(holds.held()[0]?.attempts).toBeGreaterThanOrEqual(6);
    expect(holds.held()[0]?.lastError?.code).toBe('BAQUP_DOCKER_UNREACHABLE');
    // A new cold hold of a container that is down by our doing is refused (it would never be started again).
    await expect(holds.hold('c', 'app')).rejects.toMatchObject({ code: 'BAQUP_DUMP_HOLD_REFUSED' });
    s.down = false;
    await holds.settled('c');
    expect(s.running).toBe(true);
    expect(holds.held()).toEqual([]);
    expect(holds.isHeld('c')).toBe(false);
    expect(await holds.journal.read()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
    expect(changes.some((h) => h[0]?.status === 'start-failed')).toBe(true);
    // One alert-worthy event when it went down, one when it came back (not one per retry).
    expect(events.map((e) => e.kind)).toEqual(['start_failed', 'started']);
    expect(events[0]).toMatchObject({ containerId: 'c', containerName: 'app', attempts: 1, error: { code: 'BAQUP_DOCKER_UNREACHABLE' } });
    expect(events[1]!.attempts).toBeGreaterThanOrEqual(6);
  });

  it('a container removed while its start is retried is dropped from the list and the journal', async () => {
    const { docker, s } = fakeDocker();
    const kinds: string[] = [];
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json'), retryBaseMs: 5, retryMaxMs: 10, onStartEvent: (e) => kinds.push(e.kind) });
    const release = await holds.hold('c', 'app');
    s.down = true;
    await release().catch(() => {});
    s.down = false;
    s.removed = true;
    await holds.settled('c');
    expect(holds.held()).toEqual([]);
    expect(kinds).toEqual(['start_failed', 'removed']);
    expect(await holds.journal.read()).toEqual([]);
  });

  it('hot use and cold hold of one container exclude each other: the stop waits for the hot dump to end', async () => {
    const { docker, s } = fakeDocker();
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const leaveHot = await holds.use('c');
    let stopped = false;
    const cold = holds.hold('c', 'app').then((r) => ((stopped = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    expect(s.log).toEqual([]);
    await leaveHot();
    const release = await cold;
    expect(s.log).toEqual(['stop']);
    let hotIn = false;
    const hot = holds.use('c').then((r) => ((hotIn = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(hotIn).toBe(false);
    await release();
    await (await hot)();
    // The hot dump got in only after the container was started again.
    expect(s.log).toEqual(['stop', 'start']);
    expect(hotIn).toBe(true);
  });

  it('close() refuses new holds (shutdown); releaseAll() starts what is held', async () => {
    const { docker, s } = fakeDocker();
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    await holds.hold('c', 'app');
    holds.close('controller stopping');
    await expect(holds.hold('d', 'other')).rejects.toThrow(/controller stopping/);
    await holds.releaseAll();
    expect(s.running).toBe(true);
    expect(holds.held()).toEqual([]);
  });
});
