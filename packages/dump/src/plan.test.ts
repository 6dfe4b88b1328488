import { describe, expect, it } from 'vitest';
import { Secret, type BackupJob, type TargetConfig } from '@baqup/core';
import { dryRunPlan, restorePlan } from './plan.js';

const PASSWORD = 'hunter2-plan-secret';

function job(target: Partial<TargetConfig> & Pick<TargetConfig, 'type'>, stop = false): BackupJob {
  const t: TargetConfig = { instance: 'main', schedule: 'daily', compress: 'none', timeoutSeconds: 60, properties: {}, ...target };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: {} };
  return {
    id: 'j1',
    container: { containerId: 'c1', containerName: 'app', image: 'img', enabled: true, stop, schedules: { daily: schedule }, targets: [t], errors: [] },
    target: t,
    schedule,
    triggeredAt: new Date(0),
    trigger: 'manual',
  };
}

const literal = { kind: 'literal' as const, value: new Secret(PASSWORD) };

describe('dryRunPlan', () => {
  it('postgres with a password: TCP to 127.0.0.1, PGPASSWORD named, never valued', () => {
    const plan = dryRunPlan(job({ type: 'postgres', username: 'postgres', port: 5432, password: literal, databases: ['a', 'b'], preExec: 'sync' }));
    expect(plan.target).toBe('app/postgres-main');
    expect(plan.extension).toBe('sql');
    expect(plan.steps.map((s) => s.action)).toEqual(['exec', 'exec', 'exec-stream', 'exec-stream', 'exec-stream']);
    expect(plan.steps[0]?.argv).toEqual(['sh', '-c', 'sync']);
    expect(plan.steps[3]?.argv).toEqual(['pg_dump', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5432', '--create', '--clean', '--if-exists', '-d', 'a']);
    expect(plan.steps[3]?.env).toContain('PGPASSWORD');
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
  });

  it('postgres without a password uses the local socket', () => {
    const plan = dryRunPlan(job({ type: 'postgres', username: 'postgres', databases: 'all' }));
    expect(plan.steps.at(-1)?.argv).toEqual(['pg_dumpall', '-U', 'postgres', '--clean', '--if-exists']);
  });

  it('mariadb puts the password in MYSQL_PWD and the user in argv', () => {
    const plan = dryRunPlan(job({ type: 'mariadb', username: 'root', password: literal, databases: 'all' }));
    const dump = plan.steps.at(-1)!;
    expect(dump.argv).toEqual(expect.arrayContaining(['mariadb-dump', '--single-transaction', '--routines', '--events', '--triggers', '--user=root', '--all-databases']));
    expect(dump.env).toEqual(['MYSQL_PWD']);
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
  });

  it('mongo writes the password to a 0600 file, never argv', () => {
    const plan = dryRunPlan(job({ type: 'mongo', username: 'root', password: literal, databases: ['app'] }));
    expect(plan.steps.map((s) => s.action)).toEqual(['exec', 'write-file', 'exec-stream', 'remove-file']);
    expect(plan.steps[2]?.argv).toContain('--nsInclude=app.*');
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
  });

  it('fs with backup.stop wraps the read in stop/start; a password file is listed as a read', () => {
    expect(dryRunPlan(job({ type: 'fs', path: '/config', exclude: ['*.log'] }, true)).steps.map((s) => s.action)).toEqual(['stop', 'read-tree', 'start']);
    const redis = dryRunPlan(job({ type: 'redis', password: { kind: 'file', path: '/run/secrets/r' } }));
    expect(redis.steps[0]).toMatchObject({ action: 'read-file', path: '/run/secrets/r' });
    expect(redis.steps.some((s) => s.argv?.includes('BGSAVE'))).toBe(true);
  });
});

describe('restorePlan', () => {
  it('postgres pipes the script into psql', () => {
    const plan = restorePlan({ type: 'postgres', instance: 'main', schedule: 'daily', compress: 'none', timeoutSeconds: 1, properties: {}, username: 'postgres' });
    expect(plan.steps).toEqual([expect.objectContaining({ action: 'exec', stdin: true, argv: ['psql', '-X', '-q', '-U', 'postgres', '-d', 'postgres'] })]);
  });

  it('sqlite, redis and fs are file replacements with the container stopped', () => {
    const base = { instance: 'main', schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };
    for (const type of ['sqlite', 'redis', 'fs'] as const) {
      const actions = restorePlan({ ...base, type, path: '/data/x' }).steps.map((s) => s.action);
      expect(actions[0]).toBe('stop');
      expect(actions.at(-1)).toBe('start');
      expect(actions).toContain('write-file');
    }
  });
});
