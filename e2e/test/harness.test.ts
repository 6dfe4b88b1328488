// The harness itself, against the real engine: labelled containers read back through dockerode, and every
// image answering a real query.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  docker,
  ensureImage,
  execIn,
  mariadbSql,
  psql,
  quietZone,
  runId,
  sqliteSql,
  startContainer,
  sweepStale,
  useCleanup,
} from '../src/index.js';

useCleanup();

describe('postgres image', () => {
  it('keeps labels and env, and runs SQL', async () => {
    const c = await startContainer({
      image: await ensureImage('postgres'),
      labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' },
      env: { POSTGRES_PASSWORD: 's3cret-pw', POSTGRES_DB: 'app' },
    });
    const info = await docker().getContainer(c.id).inspect();
    expect(info.Config.Labels['backup.enabled']).toBe('true');
    expect(info.Config.Labels['backup.postgres.main.password_env']).toBe('POSTGRES_PASSWORD');
    expect(info.Config.Labels['baqup.e2e']).toBe('1');
    expect(info.Config.Env).toContain('POSTGRES_PASSWORD=s3cret-pw');
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect((info.Config as { StopSignal?: string }).StopSignal).toBe('SIGINT'); // like the official image: fast shutdown

    await psql(c, 'CREATE TABLE t (id int primary key, v text); INSERT INTO t VALUES (1, $$a$$), (2, $$b$$);');
    expect(await psql(c, 'SELECT count(*) FROM t;')).toBe('2');
    expect(await psql(c, 'SELECT current_database();')).toBe('app');
    for (const bin of ['pg_dump', 'pg_dumpall', 'psql']) {
      expect((await execIn(c, ['sh', '-c', `command -v ${bin}`])).exitCode).toBe(0);
    }
  });

  it('asks for the password over TCP and trusts the local socket', async () => {
    const c = await startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: 'right-pw' } });
    const tcp = ['psql', '-X', '-A', '-t', '-h', '127.0.0.1', '-U', 'postgres', '-c', 'SELECT 1'];
    expect((await execIn(c, tcp, { env: { PGPASSWORD: 'wrong-pw' } })).exitCode).not.toBe(0);
    expect((await execIn(c, tcp, { env: { PGPASSWORD: 'right-pw' } })).stdout.trim()).toBe('1');
    expect((await execIn(c, ['psql', '-X', '-A', '-t', '-U', 'postgres', '-c', 'SELECT 2'])).stdout.trim()).toBe('2');
  });

  it('honours POSTGRES_USER and POSTGRES_PASSWORD_FILE', async () => {
    const c = await startContainer({
      image: await ensureImage('postgres'),
      env: { POSTGRES_USER: 'svc', POSTGRES_PASSWORD_FILE: '/etc/hostname' },
    });
    expect(await psql(c, 'SELECT current_user;')).toBe('svc');
    expect(await psql(c, 'SELECT current_database();')).toBe('svc');
    const pw = (await execIn(c, ['cat', '/etc/hostname'])).stdout.trim();
    const tcp = ['psql', '-X', '-A', '-t', '-h', '127.0.0.1', '-U', 'svc', '-c', 'SELECT 3'];
    expect((await execIn(c, tcp, { env: { PGPASSWORD: pw } })).stdout.trim()).toBe('3');
  });
});

describe('other images', () => {
  it('mariadb: database, user and root password from env', async () => {
    const c = await startContainer({
      image: await ensureImage('mariadb'),
      env: { MARIADB_ROOT_PASSWORD: 'root-pw', MARIADB_DATABASE: 'shop', MARIADB_USER: 'u1', MARIADB_PASSWORD: 'u1-pw' },
    });
    await mariadbSql(c, 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);');
    expect(await mariadbSql(c, 'SELECT COUNT(*) FROM t;')).toBe('3');
    const asUser = await execIn(c, ['mariadb', '-uu1', '-N', '-B', 'shop', '-e', 'SELECT COUNT(*) FROM t'], {
      env: { MYSQL_PWD: 'u1-pw' },
    });
    expect(asUser.stdout.trim()).toBe('3');
    const noPw = await execIn(c, ['mariadb', '-uroot', '-e', 'SELECT 1']);
    expect(noPw.exitCode).not.toBe(0);
    expect((await execIn(c, ['sh', '-c', 'command -v mariadb-dump'])).exitCode).toBe(0);
  });

  it('mariadb: MYSQL_ROOT_PASSWORD alias', async () => {
    const c = await startContainer({ image: await ensureImage('mariadb'), env: { MYSQL_ROOT_PASSWORD: 'legacy-pw' } });
    expect(await mariadbSql(c, 'SELECT 40 + 2;')).toBe('42');
  });

  it('redis: SET/GET, data in /data', async () => {
    const c = await startContainer({ image: await ensureImage('redis') });
    expect((await execIn(c, ['redis-cli', 'SET', 'k', 'v1'])).stdout.trim()).toBe('OK');
    expect((await execIn(c, ['redis-cli', 'GET', 'k'])).stdout.trim()).toBe('v1');
    expect((await execIn(c, ['redis-cli', 'CONFIG', 'GET', 'dir'])).stdout).toContain('/data');
    expect((await execIn(c, ['redis-cli', 'SAVE'])).stdout.trim()).toBe('OK');
    expect((await execIn(c, ['test', '-s', '/data/dump.rdb'])).exitCode).toBe(0);
  });

  it('sqlite: db file created at start, sqlite3 present, stops fast', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite') });
    await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('x'), ('y');");
    expect(await sqliteSql(c, '/data/app.db', 'SELECT count(*) FROM items;')).toBe('2');
    await c.container.stop({ t: 10 });
    const state = (await c.container.inspect()).State;
    expect(state.Running).toBe(false);
    expect(state.ExitCode).toBe(0); // exited through the TERM trap, not a kill
  });

  it('sqlite-nobin: db file present, sqlite3 absent', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite-nobin') });
    expect((await execIn(c, ['sh', '-c', 'command -v sqlite3'])).exitCode).not.toBe(0);
    expect((await execIn(c, ['test', '-s', '/data/app.db'])).exitCode).toBe(0);
    const head = await execIn(c, ['head', '-c', '15', '/data/app.db']);
    expect(head.stdout).toBe('SQLite format 3');
  });

  it('base: runs commands, stdin reaches the command', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    const r = await execIn(c, ['cat'], { stdin: 'hello\n' });
    expect(r).toEqual({ exitCode: 0, stdout: 'hello\n', stderr: '' });
    const fail = await execIn(c, ['sh', '-c', 'echo oops >&2; exit 3']);
    expect(fail).toEqual({ exitCode: 3, stdout: '', stderr: 'oops\n' });
  });
});

describe('cleanup', () => {
  let startedInTest: string | undefined;

  it('tracks a container started in a test', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite') });
    startedInTest = c.id;
    expect((await c.container.inspect()).Config.Labels['baqup.e2e.run']).toBe(runId);
  });

  it('removed it after that test (useCleanup afterEach)', async () => {
    expect(startedInTest).toBeDefined();
    const left = await docker().listContainers({ all: true, filters: { id: [startedInTest!] } });
    expect(left).toEqual([]);
  });

  it('sweeps a leftover whose starting process is gone, and leaves a live run alone', async () => {
    const dead = spawnSync('true').pid!;
    const image = await ensureImage('base');
    const mk = (pid: number) =>
      docker().createContainer({
        Image: image,
        Cmd: ['true'],
        Labels: { 'baqup.e2e': '1', 'baqup.e2e.run': 'other', 'baqup.e2e.pid': String(pid), 'baqup.e2e.started': String(Date.now()) },
        HostConfig: { NetworkMode: 'none' },
      });
    const orphan = await mk(dead);
    const live = await mk(process.ppid);
    try {
      await sweepStale();
      expect(await docker().listContainers({ all: true, filters: { id: [orphan.id] } })).toEqual([]);
      expect(await docker().listContainers({ all: true, filters: { id: [live.id] } })).toHaveLength(1);
    } finally {
      await live.remove({ force: true });
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  });
});

describe('quietZone', () => {
  it('puts controllers under test about twelve hours from the built-in 03:00 daily and 04:00 weekly runs, at every UTC hour', () => {
    for (let h = 0; h < 24; h++) {
      const now = new Date(Date.UTC(2026, 10, 22, h, 30));
      const zone = quietZone(now);
      const local = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(now));
      expect([14, 15, 16], `${h}:30 UTC in ${zone}`).toContain(local);
    }
  });
});
