import { describe, expect, it } from 'vitest';
import { Secret, type BackupJob, type TargetConfig } from '@baqup/core';
import { Readable } from 'node:stream';
import { dryRunPlan, restorePlan } from './plan.js';
import { mysqlRestoreArgv } from './engines/mariadb.js';
import { pgRestoreArgv, pgRestoreDatabase, pgRestoreScript } from './engines/postgres.js';

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

describe('restorePlan (the argv the restore loaders run, from the same functions)', () => {
  const base = { instance: 'main', schedule: 'daily', compress: 'none' as const, timeoutSeconds: 1, properties: {} };

  it('postgres: sessions ended from template1, then the script into psql, never connected to the first database it drops', () => {
    const one = restorePlan({ ...base, type: 'postgres', username: 'postgres', databases: ['postgres'] });
    expect(one.steps.map((s) => s.action)).toEqual(['exec', 'exec']);
    expect(one.steps[0]?.argv?.slice(0, 7)).toEqual(['psql', '-X', '-A', '-t', '-U', 'postgres', '-d']);
    expect(one.steps[0]?.argv?.at(-1)).toMatch(/pg_terminate_backend.*datname IN \('postgres'\)/);
    expect(one.steps[1]).toMatchObject({ stdin: true, argv: ['psql', '-X', '-q', '-U', 'postgres', '-d', 'template1'] });
    expect(one.steps[1]?.argv).toEqual(pgRestoreArgv(['-U', 'postgres'], 'databases', ['postgres']));
    const two = restorePlan({ ...base, type: 'postgres', username: 'postgres', databases: ['a', 'postgres'] });
    expect(two.steps[1]?.argv?.slice(-2)).toEqual(['-d', 'postgres']);
    const all = restorePlan({ ...base, type: 'postgres', username: 'postgres', password: literal, databases: 'all', port: 5433 });
    expect(all.steps[1]?.argv).toEqual(['psql', '-X', '-q', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5433', '-d', 'postgres']);
    expect(all.steps[1]?.env).toContain('PGPASSWORD');
    expect(JSON.stringify(all)).not.toContain(PASSWORD);
  });

  it('pgRestoreDatabase: a cluster dump starts in postgres, a per-database one never in its first database', () => {
    expect(pgRestoreDatabase('cluster', ['postgres'])).toBe('postgres');
    expect(pgRestoreDatabase('databases', ['postgres', 'a'])).toBe('template1');
    expect(pgRestoreDatabase('databases', ['template1'])).toBe('postgres');
    expect(pgRestoreDatabase('databases', ['a'])).toBe('postgres');
  });

  it('mariadb: the client the loader runs, password only in MYSQL_PWD', () => {
    const plan = restorePlan({ ...base, type: 'mariadb', username: 'root', password: literal });
    expect(plan.steps.at(-1)).toMatchObject({ stdin: true, argv: mysqlRestoreArgv('mariadb', { ...base, type: 'mariadb', username: 'root' }), env: ['MYSQL_PWD'] });
    expect(plan.steps.at(-1)?.argv).toEqual(['mariadb', '--user=root']);
    expect(JSON.stringify(plan)).not.toContain(PASSWORD);
  });

  it('sqlite and redis stage beside the file, link it in place while stopped, remove the temp name after the start', () => {
    for (const type of ['sqlite', 'redis'] as const) {
      const actions = restorePlan({ ...base, type, path: type === 'sqlite' ? '/data/x.db' : '/data' }).steps.map((s) => s.action);
      const stop = actions.indexOf('stop');
      expect(actions.indexOf('write-file')).toBeLessThan(stop);
      expect(actions.lastIndexOf('write-file')).toBeGreaterThan(stop);
      expect(actions.indexOf('start')).toBeGreaterThan(actions.lastIndexOf('write-file'));
      expect(actions.at(-1)).toBe('remove-file');
    }
    const sqlite = restorePlan({ ...base, type: 'sqlite', path: '/data/x.db' });
    expect(sqlite.steps.find((s) => s.description.includes('WAL'))?.path).toContain('/data/x.db-wal, /data/x.db-shm');
  });

  it('fs stages the files inside the path, then links them in place with the container stopped', () => {
    const steps = restorePlan({ ...base, type: 'fs', path: '/data/x' }).steps;
    expect(steps.map((s) => s.action)).toEqual(['write-file', 'stop', 'write-file', 'start', 'remove-file']);
    expect(steps[0]!.path).toBe('/data/x/.baqup-restore');
    expect(steps[2]!.path).toBe('/data');
  });
});

describe('pgRestoreScript', () => {
  const collect = async (chunks: string[]) => {
    const out: Buffer[] = [];
    for await (const c of pgRestoreScript(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(c as Buffer);
    return Buffer.concat(out).toString();
  };
  const script = '--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE app;\n--\n-- PostgreSQL database dump\n--\nDROP DATABASE IF EXISTS a;\n-- PostgreSQL database dump\n';

  it('turns ON_ERROR_STOP on once, before the first database part, byte for byte otherwise', async () => {
    const want = script.replace('--\n-- PostgreSQL database dump\n', '--\n\\set ON_ERROR_STOP on\n-- PostgreSQL database dump\n');
    expect(await collect([script])).toBe(want);
    // The marker split over chunks, one byte at a time.
    expect(await collect(script.split(''))).toBe(want);
  });

  it('a script without a database part passes unchanged; a source error reaches the consumer', async () => {
    expect(await collect(['-- roles only\nCREATE ROLE x;\n'])).toBe('-- roles only\nCREATE ROLE x;\n');
    const src = new Readable({ read() {} });
    const out = pgRestoreScript(src);
    const done = (async () => {
      for await (const c of out) void c;
    })();
    src.destroy(new Error('broken gzip'));
    await expect(done).rejects.toThrow('broken gzip');
  });
});
