// runGroup's sequence against a fake engine and a fake pipeline: hot jobs before the first stop, cold jobs while
// the whole group is down, the group started on every path, and a run that is one set only when all succeeded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupJob, BackupResult, TargetType } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { runGroup, type GroupRunMember } from './group-run.js';
import { ContainerHolds } from './holds.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-group-run-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

function engine(ids: string[]) {
  const running = new Map(ids.map((id) => [id, true]));
  const log: string[] = [];
  const docker = {
    inspect: async (id: string) => ({ state: { running: running.get(id), status: running.get(id) ? 'running' : 'exited', exitCode: 0 }, stopSignal: 'SIGTERM', stopTimeout: 10 }),
    isRunning: async (id: string) => running.get(id)!,
    stop: async (id: string) => void (log.push(`stop ${id}`), running.set(id, false)),
    start: async (id: string) => void (log.push(`start ${id}`), running.set(id, true)),
  } as unknown as DockerClient;
  return { docker, log, running };
}

const job = (container: string, type: TargetType): BackupJob =>
  ({ id: `${container}-${type}`, container: { containerId: container, containerName: container, stop: true }, target: { type, instance: 'main' } }) as unknown as BackupJob;
const member = (service: string, ...types: TargetType[]): GroupRunMember => ({ service, containerId: service, containerName: service, jobs: types.map((t) => job(service, t)) });

describe('runGroup', () => {
  it('dumps hot targets while all runs, copies cold ones with the whole group down, then starts it in order', async () => {
    const { docker, log, running } = engine(['db', 'app', 'web']);
    const holds = new ContainerHolds({ docker, journal: join(dir, 'j.json') });
    const runJob = async (j: BackupJob): Promise<BackupResult> => {
      const down = [...running].filter(([, r]) => !r).map(([id]) => id);
      log.push(`${j.id} (down: ${down.join(',') || 'none'})`);
      return { job: j, success: true, durationSeconds: 1 };
    };
    const r = await runGroup({ docker, holds, runJob }, 'shop', [member('db', 'postgres'), member('app', 'fs', 'sqlite'), member('web')], { pollMs: 1 });
    expect(log[0]).toBe('db-postgres (down: none)');
    expect(log.slice(1, 4)).toEqual(['stop web', 'stop app', 'stop db']);
    expect(log.slice(4, 6).sort()).toEqual(['app-fs (down: db,app,web)', 'app-sqlite (down: db,app,web)']);
    expect(log.slice(6)).toEqual(['start db', 'start app', 'start web']);
    expect(r.complete).toBe(true);
    expect(r.members.map((m) => [m.member.service, m.results.length])).toEqual([['db', 1], ['app', 2], ['web', 0]]);
    expect(r.starts.map((s) => s.result)).toEqual(['started', 'started', 'started']);
  });

  it('a failed or throwing cold job still starts the group, and the run is no set', async () => {
    const { docker, log } = engine(['db', 'app']);
    const holds = new ContainerHolds({ docker, journal: join(dir, 'j.json') });
    const runJob = async (j: BackupJob): Promise<BackupResult> => {
      if (j.id === 'app-fs') throw new Error('pipeline broke');
      return { job: j, success: j.id !== 'db-sqlite', durationSeconds: 1, ...(j.id === 'db-sqlite' ? { error: { code: 'BAQUP_DUMP_FAILED', message: 'x' } } : {}) };
    };
    const r = await runGroup({ docker, holds, runJob }, 'shop', [member('db', 'sqlite'), member('app', 'fs')], { pollMs: 1 });
    expect(log).toEqual(['stop app', 'stop db', 'start db', 'start app']);
    expect(r.complete).toBe(false);
    expect(r.members[1]!.results[0]).toMatchObject({ success: false, error: { message: 'pipeline broke' } });
    expect(await holds.journal.read()).toEqual([]);
  });

  it('a member that was already stopped stays stopped and does not spoil the set', async () => {
    const { docker, log, running } = engine(['db', 'app']);
    running.set('app', false);
    const holds = new ContainerHolds({ docker, journal: join(dir, 'j.json') });
    const r = await runGroup({ docker, holds, runJob: async (j) => ({ job: j, success: true, durationSeconds: 0 }) }, 'shop', [member('db', 'fs'), member('app', 'fs')], { pollMs: 1 });
    expect(log).toEqual(['stop db', 'start db']);
    expect(running.get('app')).toBe(false);
    expect(r.complete).toBe(true);
    expect(r.starts.map((s) => [s.service, s.result])).toEqual([['db', 'started'], ['app', 'left-stopped']]);
  });

  it('a group that cannot be stopped takes no cold copy, and says why', async () => {
    const { docker, log } = engine(['db', 'app']);
    const holds = new ContainerHolds({ docker, journal: join(dir, 'j.json') });
    holds.close('the controller is stopping');
    const ran: string[] = [];
    const r = await runGroup({ docker, holds, runJob: async (j) => (ran.push(j.id), { job: j, success: true, durationSeconds: 0 }) }, 'shop', [member('db', 'postgres'), member('app', 'fs')], { pollMs: 1 });
    expect(ran).toEqual(['db-postgres']);
    expect(log).toEqual([]);
    expect(r).toMatchObject({ complete: false, error: { code: 'BAQUP_DUMP_HOLD_REFUSED' } });
  });
});
