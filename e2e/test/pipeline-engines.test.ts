// Issue #4 per engine, through the controller process: labelled containers (postgres with two databases, mariadb,
// redis with keys, sqlite with and without the sqlite3 binary, fs with excludes) are backed up on a manual trigger
// (API and CLI); each staged file and its remote copy match their .sha256 and manifest; the decompressed dump is
// loaded into a fresh container of the same image and compared (row counts + content checksums). Failing dumps
// (wrong literal password, missing database) end failed, with a job.failed line, and leave no file anywhere. No
// password of any test container shows up in the controller's output, its API answers or Docker's exec events.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, mariadbSql, psql, sqliteSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { recordEvents, tarOf, until } from './dump-fixtures.js';
import { backupNow, cliBackup, dataFiles, decompressed, filesUnder, journalEntries, partials, said, startCtl, useCtlCleanup, verifyStaged, waitDiscovered, type Ctl, type JobView } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const PG_PW = `pg-${randomBytes(9).toString('hex')}`;
const PG_WRONG = `wrong-${randomBytes(9).toString('hex')}`;
const MY_PW = `my-${randomBytes(9).toString('hex')}`;
const RD_PW = `rd-${randomBytes(9).toString('hex')}`;
const PASSWORDS = [PG_PW, PG_WRONG, MY_PW, RD_PW];
/** Passwords that are in no label (env or server argv only): they may appear in no Docker event at all. */
const HIDDEN = [PG_PW, MY_PW, RD_PW];

const PG_SUM_A = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
const PG_SUM_B = "SELECT count(*) || ':' || md5(string_agg(id || '=' || coalesce(body, '~'), '|' ORDER BY id)) FROM notes";
const MY_SUM = "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '=', name ORDER BY id SEPARATOR '|'))) FROM items";
const SQ_SUM = "SELECT count(*) || ':' || coalesce(sum(length(name)), 0) || ':' || max(name) FROM items;";
const RD_FILL = "for i=1,3000 do redis.call('SET','k'..i,'v'..i) end redis.call('HSET','h','a','1','b','2') redis.call('RPUSH','l','x','y','z') return 1";
const RD_DIGEST = [
  "local ks=redis.call('KEYS','*') table.sort(ks) local acc={}",
  "for _,k in ipairs(ks) do local t=redis.call('TYPE',k).ok",
  "if t=='string' then acc[#acc+1]=k..'='..redis.call('GET',k)",
  "elseif t=='hash' then local h=redis.call('HGETALL',k) acc[#acc+1]=k..'='..table.concat(h,',')",
  "elseif t=='list' then acc[#acc+1]=k..'='..table.concat(redis.call('LRANGE',k,0,-1),',') end end",
  "return #ks..':'..redis.sha1hex(table.concat(acc,'|'))",
].join(' ');
const FS_TREE = [
  'set -e; mkdir -p /config/sub/deeper /config/cache/deep /config/logs /config/empty',
  'echo one > /config/a.txt; echo two > /config/sub/b.txt; echo three > /config/sub/deeper/c.conf',
  'head -c 300000 /dev/urandom > /config/sub/big.bin',
  'echo junk > /config/cache/x.bin; echo junk > /config/cache/deep/y.bin',
  'echo log > /config/top.log; echo log > /config/logs/app.log; echo keep > /config/logs/keep.txt',
  'ln -s sub/b.txt /config/link-to-b; echo dot > /config/.hidden',
].join('\n');
const FS_LIST = 'cd "$1" && { find . -type f -exec sha256sum {} +; find . -type l -printf "L %p -> %l\\n"; find . -type d -printf "D %p\\n"; } | sort';
const IDLE = ['sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

let ctl: Ctl;
let events: { stop(): Promise<string> };
let pg: TestContainer, my: TestContainer, rd: TestContainer, sq: TestContainer, sqCold: TestContainer, files: TestContainer;

const redisCli = async (c: TestContainer, ...args: string[]) => {
  const r = await execIn(c, ['redis-cli', '--no-auth-warning', ...args], { env: { REDISCLI_AUTH: RD_PW } });
  if (r.exitCode !== 0) throw new Error(`redis-cli ${args[0]}: ${r.stderr}`);
  return r.stdout.trim();
};
const redisCmd = ['redis-server', '--dir', '/data', '--dbfilename', 'dump.rdb', '--protected-mode', 'no', '--requirepass', RD_PW];

async function setup(): Promise<void> {
  const pgImage = await ensureImage('postgres');
  const myImage = await ensureImage('mariadb');
  const rdImage = await ensureImage('redis');
  const sqImage = await ensureImage('sqlite');
  const nobinImage = await ensureImage('sqlite-nobin');
  const baseImage = await ensureImage('base');
  // mariadb takes longest to be ready: it starts while postgres is filled (its failure is awaited below).
  const myStarting = startContainer({ image: myImage, env: { MARIADB_ROOT_PASSWORD: MY_PW }, labels: { 'backup.enabled': 'true', 'backup.mariadb.main.databases': 'all' } });
  myStarting.catch(() => undefined);
  pg = await startContainer({
    image: pgImage,
    env: { POSTGRES_PASSWORD: PG_PW },
    labels: {
      'backup.enabled': 'true',
      'backup.postgres.all.databases': 'all',
      'backup.postgres.ab.databases': 'a,b',
      'backup.postgres.badpw.password': PG_WRONG,
      'backup.postgres.nodb.databases': 'a,nope',
    },
  });
  await psql(pg, 'CREATE DATABASE a; CREATE DATABASE b;');
  await psql(pg, 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 4000) g;', 'a');
  await psql(pg, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, E'it''s \\u00e9t\\u00e9'), (2, 'line1\nline2'), (3, NULL);", 'b');

  my = await myStarting;
  await mariadbSql(
    my,
    [
      'CREATE DATABASE shop; CREATE DATABASE blog; USE shop;',
      'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL) ENGINE=InnoDB;',
      'INSERT INTO items SELECT seq, MD5(seq) FROM seq_1_to_3000;',
      "USE blog; CREATE TABLE items (id INT PRIMARY KEY, name TEXT); INSERT INTO items VALUES (1, 'it''s été'), (2, 'a\\nb');",
    ].join('\n'),
  );

  rd = await startContainer({
    image: rdImage,
    cmd: redisCmd,
    wait: false,
    env: { REDIS_PASSWORD: RD_PW },
    labels: { 'backup.enabled': 'true', 'backup.redis.main.password_env': 'REDIS_PASSWORD', 'backup.redis.main.path': '/data' },
  });
  await until('redis to answer', async () => (await redisCli(rd, 'PING').catch(() => '')) === 'PONG');
  expect(await redisCli(rd, 'EVAL', RD_FILL, '0')).toBe('1');

  sq = await startContainer({ image: sqImage, labels: { 'backup.enabled': 'true', 'backup.sqlite.db.path': '/data/app.db' } });
  await sqliteSql(sq, '/data/app.db', "PRAGMA journal_mode=WAL; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO items (name) SELECT 'row-' || i FROM n;");

  // The nobin image has no sqlite3: the database is made in a helper container of the sqlite image and copied in.
  sqCold = await startContainer({ image: nobinImage, labels: { 'backup.enabled': 'true', 'backup.sqlite.db.path': '/data/app.db' } });
  const maker = await startContainer({ image: sqImage, cmd: IDLE });
  await sqliteSql(maker, '/tmp/app.db', "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2500) INSERT INTO items (name) SELECT 'cold-' || i FROM n;");
  const made = await maker.container.getArchive({ path: '/tmp/app.db' });
  await sqCold.container.putArchive(made as unknown as Readable, { path: '/data' });

  files = await startContainer({ image: baseImage, cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.config.path': '/config', 'backup.fs.config.exclude': 'cache/*,*.log' } });
  expect((await execIn(files, ['sh', '-c', FS_TREE])).exitCode).toBe(0);
}

beforeAll(async () => {
  events = await recordEvents();
  await setup();
  ctl = await startCtl();
  await waitDiscovered(ctl, pg.name, 4);
  await Promise.all([my, rd, sq, sqCold, files].map((c) => waitDiscovered(ctl, c.name, 1)));
}, 300_000);

afterAll(async () => {
  await events?.stop().catch(() => '');
});

/** Both copies of a succeeded job, checked against their sidecars; returns the decompressed dump. */
async function checkedDump(job: JobView, container: string, target: string): Promise<{ data: Buffer; manifest: ReturnType<typeof verifyStaged> }> {
  expect(job.status).toBe('succeeded');
  const name = job.path!.split('/').pop()!;
  expect(job.path).toBe(join(ctl.staging, container, target, name));
  expect(name).toMatch(/^\d{8}T\d{6}Z\.[a-z]+\.zst$/);
  const manifest = verifyStaged(job.path!);
  expect(manifest.sha256).toBe(job.sha256);
  expect(manifest.compression).toBe('zstd');
  expect(verifyStaged(join(ctl.remote, container, target, name)).sha256).toBe(manifest.sha256);
  return { data: await decompressed(job.path!), manifest };
}

describe('postgres (two databases) through the controller', () => {
  const loadAndCompare = async (data: Buffer) => {
    const fresh = await startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: 'fresh-pw' } });
    const r = await execIn(fresh, ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=0', '-U', 'postgres', '-d', 'postgres'], { stdin: data });
    expect(r.exitCode).toBe(0);
    const want = [await psql(pg, PG_SUM_A, 'a'), await psql(pg, PG_SUM_B, 'b')];
    expect(want[0]).toMatch(/^4000:/);
    expect(want[1]).toMatch(/^3:/);
    expect([await psql(fresh, PG_SUM_A, 'a'), await psql(fresh, PG_SUM_B, 'b')]).toEqual(want);
  };

  it('databases=all: the staged pg_dumpall loads into a fresh container with equal data', async () => {
    const { status, job } = await backupNow(ctl, pg.name, 'postgres-all');
    expect(status).toBe(200);
    const { data, manifest } = await checkedDump(job, pg.name, 'postgres-all');
    expect(manifest.type).toBe('postgres');
    expect(manifest.databases).toEqual(['a', 'b', 'postgres']);
    expect(data.toString()).toContain('PostgreSQL database cluster dump complete');
    await loadAndCompare(data);
  });

  it('databases=a,b (through the CLI): roles + one pg_dump per database load the same way', async () => {
    const r = await cliBackup(ctl, [pg.name, 'postgres-ab']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /postgres-ab: succeeded, [\d.]+ [KMGT]?i?B in .+ → (\S+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    const name = m![1]!.split('/').pop()!;
    const { data, manifest } = await checkedDump({ job_id: '', target: '', status: 'succeeded', path: m![1]!, sha256: verifyStaged(m![1]!).sha256 }, pg.name, 'postgres-ab');
    expect(dataFiles(ctl.remote, pg.name, 'postgres-ab')).toContain(name);
    expect(manifest.databases).toEqual(['a', 'b']);
    await loadAndCompare(data);
  });

  it('a wrong literal password: failed result, job.failed with its code, no file on either side', async () => {
    const { status, job } = await backupNow(ctl, pg.name, 'postgres-badpw');
    expect(status).toBe(500);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('BAQUP_DUMP_FAILED');
    expect(job.error?.message).toMatch(/password authentication failed/);
    const line = await ctl.waitForLog((l) => l.event === 'job.failed' && l.job_id === job.job_id, 5_000);
    expect((line.error as { code?: string }).code).toBe('BAQUP_DUMP_FAILED');
    expect(line.container).toBe(pg.name);
    expect(filesUnder(join(ctl.staging, pg.name, 'postgres-badpw'))).toEqual([]);
    expect(filesUnder(join(ctl.remote, pg.name, 'postgres-badpw'))).toEqual([]);
  });

  it('a missing database fails mid-stream: failed result, no file and no partial left', async () => {
    const { status, job } = await backupNow(ctl, pg.name, 'postgres-nodb');
    expect(status).toBe(500);
    expect(job.error?.code).toBe('BAQUP_DUMP_FAILED');
    expect(job.error?.message).toMatch(/database "nope" does not exist/);
    const line = await ctl.waitForLog((l) => l.event === 'job.failed' && l.job_id === job.job_id, 5_000);
    expect((line.error as { code?: string }).code).toBe('BAQUP_DUMP_FAILED');
    expect(filesUnder(join(ctl.staging, pg.name, 'postgres-nodb'))).toEqual([]);
    expect(filesUnder(join(ctl.remote, pg.name, 'postgres-nodb'))).toEqual([]);
    expect(partials(ctl.staging)).toEqual([]);
  });
});

describe('mariadb, redis, sqlite and fs through the controller', () => {
  it('mariadb: the staged dump loads into a fresh container with equal rows', async () => {
    const { status, job } = await backupNow(ctl, my.name, 'mariadb-main');
    expect(status).toBe(200);
    const { data } = await checkedDump(job, my.name, 'mariadb-main');
    expect(data.toString()).toMatch(/-- Dump completed/);
    const fresh = await startContainer({ image: await ensureImage('mariadb'), env: { MARIADB_ROOT_PASSWORD: MY_PW } });
    const r = await execIn(fresh, ['mariadb', '-uroot'], { stdin: data, env: { MYSQL_PWD: MY_PW } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    for (const db of ['shop', 'blog']) expect(await mariadbSql(fresh, MY_SUM, db)).toBe(await mariadbSql(my, MY_SUM, db));
    expect(await mariadbSql(fresh, MY_SUM, 'shop')).toMatch(/^3000:/);
  });

  it('redis: the staged RDB loads into a fresh redis with the same keys', async () => {
    const { status, job } = await backupNow(ctl, rd.name, 'redis-main');
    expect(status).toBe(200);
    const { data } = await checkedDump(job, rd.name, 'redis-main');
    expect(data.subarray(0, 5).toString()).toBe('REDIS');
    const fresh = await startContainer({ image: await ensureImage('redis'), cmd: redisCmd, wait: false });
    await fresh.container.stop();
    const pack = tar.pack();
    pack.entry({ name: 'dump.rdb', mode: 0o644 }, data);
    pack.finalize();
    await fresh.container.putArchive(pack as unknown as Readable, { path: '/data' });
    await fresh.container.start();
    await until('fresh redis to answer', async () => (await redisCli(fresh, 'PING').catch(() => '')) === 'PONG');
    const digest = await redisCli(rd, 'EVAL', RD_DIGEST, '0');
    expect(digest).toMatch(/^3002:/);
    expect(await redisCli(fresh, 'EVAL', RD_DIGEST, '0')).toBe(digest);
  });

  const sqliteLoad = async (data: Buffer) => {
    const fresh = await startContainer({ image: await ensureImage('sqlite'), cmd: IDLE });
    await fresh.container.putArchive(tarOf('restored.db', data), { path: '/tmp' });
    return { integrity: await sqliteSql(fresh, '/tmp/restored.db', 'PRAGMA integrity_check;'), sum: await sqliteSql(fresh, '/tmp/restored.db', SQ_SUM) };
  };

  it('sqlite with sqlite3: online backup, the container keeps running, the copy opens with the same rows', async () => {
    const before = (await sq.container.inspect()).State.StartedAt;
    const { status, job } = await backupNow(ctl, sq.name, 'sqlite-db');
    expect(status).toBe(200);
    const { data } = await checkedDump(job, sq.name, 'sqlite-db');
    const want = await sqliteSql(sq, '/data/app.db', SQ_SUM);
    expect(want).toMatch(/^3000:/);
    expect(await sqliteLoad(data)).toEqual({ integrity: 'ok', sum: want });
    const after = await sq.container.inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(before);
  });

  it('sqlite without sqlite3: cold copy (stopped and started again), the copy opens with the same rows', async () => {
    const before = (await sqCold.container.inspect()).State.StartedAt;
    const { status, job } = await backupNow(ctl, sqCold.name, 'sqlite-db');
    expect(status).toBe(200);
    const { data } = await checkedDump(job, sqCold.name, 'sqlite-db');
    const loaded = await sqliteLoad(data);
    expect(loaded.integrity).toBe('ok');
    expect(loaded.sum).toMatch(/^2500:\d+:cold-999$/);
    const after = await sqCold.container.inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).not.toBe(before);
    expect(ctl.logs().some((l) => l.event === 'container.stopped' && l.container === sqCold.name)).toBe(true);
    expect(ctl.logs().some((l) => l.event === 'container.started' && l.container === sqCold.name)).toBe(true);
    expect(journalEntries(ctl.root)).toEqual([]);
  });

  it('fs with excludes: the staged tar extracts to the same tree minus the excluded files', async () => {
    const { status, job } = await backupNow(ctl, files.name, 'fs-config');
    expect(status).toBe(200);
    const { data } = await checkedDump(job, files.name, 'fs-config');
    const fresh = await startContainer({ image: await ensureImage('base'), cmd: IDLE });
    await execIn(fresh, ['mkdir', '-p', '/restore']);
    await fresh.container.putArchive(data, { path: '/restore' });
    const listing = async (c: TestContainer, dir: string) => {
      const r = await execIn(c, ['sh', '-c', FS_LIST, 'list', dir]);
      expect(r.exitCode).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    };
    const all = await listing(files, '/config');
    const excluded = (l: string) => / \.\/cache\/.+/.test(l) || /\.log$/.test(l);
    const expected = all.filter((l) => !excluded(l));
    expect(all.length - expected.length).toBe(5); // cache/x.bin, cache/deep/y.bin, cache/deep (dir), top.log, logs/app.log
    expect(await listing(fresh, '/restore/config')).toEqual(expected);
  });
});

describe('secrets', () => {
  it('no test password in the controller output, API answers, CLI output or Docker exec events', async () => {
    // The failure paths above really ran (otherwise this check proves little).
    expect(ctl.logs().filter((l) => l.event === 'job.failed').length).toBeGreaterThanOrEqual(2);
    // Every read view of the API, for every container (the literal password is a label of pg).
    for (const path of ['/api/containers', '/api/events', '/api/status', ...[pg, my, rd].map((c) => `/api/containers/${c.name}`)]) {
      const r = await ctl.get(path);
      expect(r.status, path).toBe(200);
    }
    expect(said.join('\n')).toContain('postgres-badpw');
    const output = said.join('\n');
    expect(output).toContain('password authentication failed');
    for (const pw of PASSWORDS) expect(output).not.toContain(pw);
    const log = (await events.stop()).split('\n').filter(Boolean);
    const execs = log.map((l) => JSON.parse(l) as { Action?: string }).filter((e) => e.Action?.startsWith('exec_'));
    // The controller's dumps did exec in the containers (pg_dumpall, mariadb-dump, redis-cli, sqlite3).
    const actions = execs.map((e) => e.Action!).join('\n');
    for (const tool of ['pg_dumpall', 'pg_dump', 'mariadb-dump', 'redis-cli', 'sqlite3']) expect(actions).toContain(tool);
    for (const pw of PASSWORDS) expect(actions).not.toContain(pw);
    // Passwords that live in env only must not appear in any event at all (attributes included).
    for (const pw of HIDDEN) expect(log.join('\n')).not.toContain(pw);
  });
});
