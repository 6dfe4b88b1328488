// group-runs.ts: the pure planning (members in start order, which jobs a scheduled or manual run takes, the set a
// run forms, why a run is no set) and the manual run's sequencing with fakes for the engine and the job queue
// (real ContainerHolds with a journal in a temp directory): the group stopped dependents first and started
// dependencies first, the results settled only once the group runs again, the set written and shipped.
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type BackupJob, type BackupResult, type ContainerBackupConfig, type DesiredState, type TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { ContainerHolds, type GroupRunResult } from '@baqup/dump';
import type { JobSkipped } from '@baqup/scheduler';
import type { GroupManifest } from '@baqup/stage';
import type { GroupManifestStore } from '@baqup/upload';
import { groupManifestOf, groupRuns, incompleteReason, manualJobsOf, planGroupRun, scheduledJobsOf } from './group-runs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-group-runs-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const target = (type: TargetConfig['type'], instance: string, schedule = 'daily'): TargetConfig => ({ type, instance, schedule, properties: {} }) as unknown as TargetConfig;

function member(group: string, service: string, dependsOn: string[], targets: TargetConfig[], extra: Partial<ContainerBackupConfig> = {}): ContainerBackupConfig {
  return {
    containerId: `id-${service}`,
    containerName: `${group}-${service}-1`,
    image: 'img',
    enabled: true,
    stop: true,
    group: { name: group, source: 'compose', service, dependsOn },
    schedules: { daily: { name: 'daily', cron: '0 3 * * *', retention: {} }, weekly: { name: 'weekly', cron: '0 4 * * 0', retention: {} } },
    targets,
    errors: [],
    ...extra,
  } as ContainerBackupConfig;
}

const desiredOf = (...cs: ContainerBackupConfig[]): DesiredState => new Map(cs.map((c) => [c.containerId, c]));

// web → app → db, cache; a disabled member and another group's container are left out.
const web = member('shop', 'web', ['app'], []);
const app = member('shop', 'app', ['db', 'cache'], [target('fs', 'uploads'), target('fs', 'cache', 'weekly')]);
const db = member('shop', 'db', [], [target('postgres', 'main')]);
const cache = member('shop', 'cache', [], [target('redis', 'main', 'weekly')]);
const off = { ...member('shop', 'old', [], [target('fs', 'x')]), enabled: false };
const other = { ...member('blog', 'db', [], [target('fs', 'x')]), containerId: 'id-blog-db' };
const shop = desiredOf(web, app, db, cache, off, other);

describe('planGroupRun', () => {
  it('takes the enabled members of the group only, in start order (dependencies first, ties by name)', () => {
    const plan = planGroupRun('shop', shop, () => []);
    expect(plan.order).toEqual(['cache', 'db', 'app', 'web']);
    expect(plan.members.map((m) => m.containerName)).toEqual(['shop-cache-1', 'shop-db-1', 'shop-app-1', 'shop-web-1']);
  });

  it('refuses a depends_on cycle, naming it (nothing is stopped)', () => {
    const a = member('loop', 'a', ['b'], []);
    const b = member('loop', 'b', ['a'], []);
    expect(() => planGroupRun('loop', desiredOf(a, b), () => [])).toThrow(/cycle \((a → b → a|b → a → b)\)/);
  });
});

describe('which jobs a run takes', () => {
  it('scheduled: every member target on the tick\'s schedule, the tick\'s own job kept as it is; members without one are in the run with none', () => {
    const tick = { id: 'tick-1', container: db, target: db.targets[0]!, schedule: db.schedules.daily!, triggeredAt: new Date('2026-01-01T03:00:00Z'), trigger: 'schedule' } as BackupJob;
    const plan = planGroupRun('shop', shop, scheduledJobsOf(tick));
    expect(plan.members.map((m) => [m.service, m.jobs.map((j) => `${j.target.type}-${j.target.instance}`)])).toEqual([['cache', []], ['db', ['postgres-main']], ['app', ['fs-uploads']], ['web', []]]);
    expect(plan.members[1]!.jobs[0]).toBe(tick);
    expect(plan.members[2]!.jobs[0]).toMatchObject({ trigger: 'schedule', triggeredAt: tick.triggeredAt, schedule: { name: 'daily' } });
  });

  it('manual: every target of every member, whatever its schedule; with targets named, only those of the asked member', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const all = planGroupRun('shop', shop, manualJobsOf(app, undefined, 'manual', now));
    expect(all.members.map((m) => [m.service, m.jobs.map((j) => `${j.target.type}-${j.target.instance}`)])).toEqual([['cache', ['redis-main']], ['db', ['postgres-main']], ['app', ['fs-uploads', 'fs-cache']], ['web', []]]);
    expect(all.members.flatMap((m) => m.jobs).every((j) => j.trigger === 'manual' && j.triggeredAt === now)).toBe(true);
    const one = planGroupRun('shop', shop, manualJobsOf(app, [app.targets[1]!], 'manual', now));
    expect(one.members.map((m) => m.jobs.length)).toEqual([0, 0, 1, 0]);
    expect(one.members[2]!.jobs[0]!.target).toBe(app.targets[1]);
  });
});

function runResult(complete: boolean, over: Partial<GroupRunResult> = {}): GroupRunResult {
  const plan = planGroupRun('shop', desiredOf(db, app), manualJobsOf(db, undefined, 'manual', new Date()));
  return {
    group: 'shop',
    members: plan.members.map((m) => ({
      member: m,
      results: m.jobs.map((job, i) => ({
        job,
        success: complete || i > 0,
        durationSeconds: 1,
        ...(complete || i > 0
          ? { stagingPath: join(dir, m.containerName, `${job.target.type}-${job.target.instance}`, '20260101T120000Z.tar.zst'), manifest: { timestamp: '20260101T120000Z', sha256: 'a'.repeat(64) } }
          : { error: { code: 'BAQUP_DUMP_FAILED', message: 'disk on fire' } }),
      })) as BackupResult[],
    })),
    starts: [{ service: 'db', containerName: 'shop-db-1', result: 'started' }, { service: 'app', containerName: 'shop-app-1', result: complete ? 'started' : 'failed', ...(complete ? {} : { error: { code: 'BAQUP_GROUP_START', message: 'not healthy within 120 s' } }) }],
    stoppedAt: '2026-01-01T12:00:00.456Z',
    startedAt: '2026-01-01T12:00:09.000Z',
    complete,
    ...over,
  };
}

describe('the set a run forms', () => {
  it('a complete run: one manifest, named by its stop time, paths under the staging root, members in start order', () => {
    const m = groupManifestOf(runResult(true), ['db', 'app'], 'manual', dir)!;
    expect(m).toMatchObject({ version: 1, group: 'shop', timestamp: '20260101T120000Z', trigger: 'manual', startOrder: ['db', 'app'] });
    expect(m.members.map((x) => [x.service, x.backups.map((b) => b.path)])).toEqual([
      ['db', ['shop-db-1/postgres-main/20260101T120000Z.tar.zst']],
      ['app', ['shop-app-1/fs-uploads/20260101T120000Z.tar.zst', 'shop-app-1/fs-cache/20260101T120000Z.tar.zst']],
    ]);
  });

  it('an incomplete run forms none, and says why: the failed backups and the members that did not come back', () => {
    const r = runResult(false);
    expect(groupManifestOf({ ...r, complete: false }, ['db', 'app'], 'manual', dir)).toBeUndefined();
    expect(incompleteReason(r)).toBe('shop-db-1: disk on fire; shop-app-1: disk on fire; shop-app-1 did not come back: not healthy within 120 s');
    expect(incompleteReason({ ...r, error: { code: 'BAQUP_DUMP_STOP_FAILED', message: 'db could not be stopped' } })).toBe('db could not be stopped');
  });
});

describe('groupRuns().manual, with a fake engine and a fake queue', () => {
  function setup(o: { failStop?: string; fail?: string; queueCloses?: boolean } = {}) {
    const running = new Map([['id-db', true], ['id-app', true]]);
    const log: string[] = [];
    const docker = {
      inspect: async (id: string) => ({ id, name: id, state: { running: running.get(id), status: running.get(id) ? 'running' : 'exited', exitCode: 0 }, stopSignal: 'SIGTERM', stopTimeout: 10 }),
      isRunning: async (id: string) => running.get(id)!,
      stop: async (id: string) => {
        if (id === o.failStop) throw new Error(`${id} would not stop`);
        log.push(`stop ${id}`);
        running.set(id, false);
      },
      start: async (id: string) => {
        log.push(`start ${id}`);
        running.set(id, true);
      },
    } as unknown as DockerClient;
    const staging = join(dir, 'staging');
    const holds = new ContainerHolds({ docker, journal: join(dir, 'journal.json') });
    const results$ = new Subject<BackupResult | JobSkipped>();
    const stored: string[] = [];
    const store: GroupManifestStore = {
      display: 'fake:remote',
      store: async (_file, m: GroupManifest) => void stored.push(m.timestamp),
      list: async () => [],
      read: async () => {
        throw new Error('not used');
      },
      remove: async () => {},
      held: async () => new Set(),
    };
    const settled: string[] = [];
    const runs = groupRuns({
      docker, holds, logger: silentLogger, stagingRoot: staging, desired: () => desiredOf(db, app),
      startTimeoutMs: 2_000,
      groupStore: store,
      planned: (j) => log.push(`planned ${j.container.containerName}/${j.target.instance}`),
      settled: (r) => {
        settled.push(`${r.job.container.containerName}/${r.job.target.instance} ${r.success ? 'ok' : r.error?.code}`);
        log.push(`settled ${r.job.container.containerName}`);
      },
      trigger: (job) => {
        if (o.queueCloses) return false;
        const down = [...running].filter(([, r]) => !r).map(([id]) => id);
        log.push(`run ${job.container.containerName}/${job.target.instance} (down: ${down.join(',') || 'none'})`);
        // The fake pipeline: a staged file and its result, a moment later.
        setTimeout(async () => {
          const rel = join(job.container.containerName, `${job.target.type}-${job.target.instance}`, `20260101T12000${log.length % 10}Z.tar.zst`);
          await mkdir(join(staging, rel, '..'), { recursive: true });
          await writeFile(join(staging, rel), 'x');
          const ok = job.container.containerName !== o.fail;
          results$.next({ job, success: ok, durationSeconds: 0, ...(ok ? { stagingPath: join(staging, rel), manifest: { timestamp: '20260101T120000Z', sha256: 'b'.repeat(64) } as never } : { error: { code: 'BAQUP_DUMP_FAILED', message: 'broke' } }) });
        }, 5);
        return true;
      },
      results$,
    });
    return { runs, log, settled, stored, staging, running };
  }

  it('a manual backup of db runs the whole group: hot first, app then db stopped, the cold copy with both down, db then app started; results settled after; one set, stored off-host', async () => {
    const { runs, log, settled, stored, staging } = setup();
    const run = runs.manual(db, undefined, 'manual')!;
    expect(run.group).toBe('shop');
    expect(run.jobs.map((j) => `${j.container.containerName}/${j.target.instance}`)).toEqual(['shop-db-1/main', 'shop-app-1/uploads', 'shop-app-1/cache']);
    const results = await run.done;
    expect(results.map((r) => r.success)).toEqual([true, true, true]);
    const at = (s: string) => log.indexOf(s);
    expect(log.slice(0, 3)).toEqual(['planned shop-db-1/main', 'planned shop-app-1/uploads', 'planned shop-app-1/cache']);
    expect(log[3]).toBe('run shop-db-1/main (down: none)');
    expect(log.slice(4, 6)).toEqual(['stop id-app', 'stop id-db']);
    expect(log.slice(6, 8).sort()).toEqual(['run shop-app-1/cache (down: id-db,id-app)', 'run shop-app-1/uploads (down: id-db,id-app)']);
    expect(log.slice(8, 10)).toEqual(['start id-db', 'start id-app']);
    expect(at('settled shop-db-1')).toBeGreaterThan(at('start id-app'));
    expect(settled).toEqual(['shop-db-1/main ok', 'shop-app-1/uploads ok', 'shop-app-1/cache ok']);
    const sets = await readdir(join(staging, '.groups', 'shop'));
    expect(sets.filter((f) => f.endsWith('.group.json'))).toHaveLength(1);
    const m = JSON.parse(await readFile(join(staging, '.groups', 'shop', sets.find((f) => f.endsWith('.group.json'))!), 'utf8')) as GroupManifest;
    expect(m).toMatchObject({ trigger: 'manual', startOrder: ['db', 'app'] });
    expect(stored).toEqual([m.timestamp]);
    expect(sets).toContain(`${m.timestamp}.group.json.uploaded`);
  });

  it('a member that will not stop: no cold copy, every stopped member started again, the unrun jobs settled as failed, no set', async () => {
    const { runs, log, settled, staging, running } = setup({ failStop: 'id-db' });
    const results = await runs.manual(app, undefined, 'manual')!.done;
    expect(log).toContain('stop id-app');
    expect(log).toContain('start id-app');
    expect(log.some((l) => l.startsWith('run shop-app-1/'))).toBe(false);
    expect([...running.values()]).toEqual([true, true]);
    expect(results.map((r) => r.success)).toEqual([true, false, false]);
    expect(settled).toHaveLength(3);
    expect(settled.slice(1).map((s) => s.split(' ')[0])).toEqual(['shop-app-1/uploads', 'shop-app-1/cache']);
    expect(settled.slice(1).some((s) => s.endsWith(' ok'))).toBe(false);
    expect(results[1]!.error!.message).toMatch(/not run: the group shop could not be stopped/);
    await expect(readdir(join(staging, '.groups', 'shop'))).rejects.toThrow();
  });

  it('a failed backup: the group is started again all the same and the run forms no set', async () => {
    const { runs, log, staging } = setup({ fail: 'shop-app-1' });
    const results = await runs.manual(db, undefined, 'manual')!.done;
    expect(results.map((r) => r.success)).toEqual([true, false, false]);
    expect(log.filter((l) => l.startsWith('start '))).toEqual(['start id-db', 'start id-app']);
    await expect(readdir(join(staging, '.groups', 'shop'))).rejects.toThrow();
  });

  it('the queue closed (the controller stops): every job settled as not queued, with the stopping code', async () => {
    const { runs, settled } = setup({ queueCloses: true });
    const results = await runs.manual(db, [db.targets[0]!], 'manual')!.done;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ success: false, error: { code: 'BAQUP_API_STOPPING' } });
    expect(settled).toEqual(['shop-db-1/main BAQUP_API_STOPPING']);
  });

  it('a container of no group is not taken', () => {
    const { runs } = setup();
    const { group: _g, ...loner } = db;
    expect(runs.manual(loner as ContainerBackupConfig, undefined, 'manual')).toBeUndefined();
  });
});
