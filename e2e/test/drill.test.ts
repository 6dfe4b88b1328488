// Drills against a real engine: backups made by the real controller, then the newest one of each target loaded
// into a throwaway container of the target's own image and checked against its manifest — postgres, mariadb,
// redis, sqlite (hot copy with sqlite3, cold copy without) and fs, from the rclone remote and from restic. Damaged
// backups (flipped bytes, truncated, missing manifest, a manifest whose counts disagree) fail with a clear code.
// No drill container is left behind, and the originals are not touched.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest } from '@baqup/core';
import { ensureImage, execOk, mariadbSql, psql, sqliteSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { appIdle } from './dump-fixtures.js';
import { driller, findFiles, flip, truncate, withDamage, type Driller } from './drill-fixtures.js';
import { startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const IDLE = ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];
const PG_PW = `pg-${randomBytes(6).toString('hex')}`;
const MDB_PW = `mdb-${randomBytes(6).toString('hex')}`;
const startedAt = async (c: TestContainer) => (await c.container.inspect()).State.StartedAt;

let rc: Baqup;
let rcDrill: Driller;
const c: Record<'pg' | 'mdb' | 'redis' | 'sqlite' | 'nobin' | 'fs', TestContainer> = {} as never;
const TARGETS = { pg: 'postgres-main', mdb: 'mariadb-main', redis: 'redis-cache', sqlite: 'sqlite-app', nobin: 'sqlite-app', fs: 'fs-files' } as const;

beforeAll(async () => {
  rc = await startBaqup({ staging: { cleanup_after_upload: false } });
  rcDrill = driller(rc);
  const [pgImage, mdbImage, redisImage, sqliteImage, nobinImage, baseImage] = [
    await ensureImage('postgres'), await ensureImage('mariadb'), await ensureImage('redis'), await ensureImage('sqlite'), await ensureImage('sqlite-nobin'), await ensureImage('base'),
  ];
  c.pg = await startContainer({ image: pgImage, env: { POSTGRES_PASSWORD: PG_PW }, labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' } });
  await psql(c.pg, 'CREATE DATABASE app;');
  await psql(c.pg, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 400) g; CREATE SCHEMA audit; CREATE TABLE audit.log (id int); INSERT INTO audit.log VALUES (1), (2);", 'app');
  c.mdb = await startContainer({ image: mdbImage, env: { MARIADB_ROOT_PASSWORD: MDB_PW }, labels: { 'backup.enabled': 'true', 'backup.mariadb.main.password_env': 'MARIADB_ROOT_PASSWORD' } });
  await mariadbSql(c.mdb, "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(32)); INSERT INTO shop.orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 250) SELECT i, CONCAT('item-', i) FROM n; CREATE DATABASE empty_db;");
  c.redis = await startContainer({ image: redisImage, labels: { 'backup.enabled': 'true', 'backup.redis.cache.port': '6379' } });
  await execOk(c.redis, ['redis-cli', 'EVAL', "for i=1,500 do redis.call('SET','k'..i,'v'..i) end redis.call('SELECT', 2) for i=1,7 do redis.call('SET','o'..i,'x') end return 1", '0']);
  c.sqlite = await startContainer({ image: sqliteImage, labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
  await appIdle(c.sqlite);
  await sqliteSql(c.sqlite, '/data/app.db', "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 300) INSERT INTO items (name) SELECT 'n-' || i FROM n; CREATE TABLE tags (t TEXT); INSERT INTO tags VALUES ('a'), ('b');");
  c.nobin = await startContainer({ image: nobinImage, labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
  c.fs = await startContainer({ image: baseImage, cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.files.path': '/srv/files' } });
  await execOk(c.fs, ['sh', '-c', 'mkdir -p /srv/files/sub && printf hello > /srv/files/a.txt && head -c 70000 /dev/urandom > /srv/files/sub/blob.bin && : > /srv/files/sub/empty']);
  for (const k of Object.keys(c) as (keyof typeof c)[]) {
    await rc.waitTargets(c[k].name, 1);
    await rc.backup(c[k].name);
  }
}, 900_000);

afterAll(async () => {
  await rc?.ctl.stop();
});

async function remoteOf(container: TestContainer): Promise<{ data: string; manifest: string }> {
  const manifests = (await findFiles(join(rc.dataDir, 'remote'), '.manifest.json')).filter((p) => p.includes(`/${container.name}/`)).sort();
  const manifest = manifests.at(-1)!;
  return { manifest, data: manifest.slice(0, -'.manifest.json'.length) };
}

/** A manifest whose recorded counts are off by one (its sha256 still matches the data). */
function offByOne(m: BackupManifest): BackupManifest {
  const ch = structuredClone(m.checks!);
  if (ch.databases) {
    const db = Object.values(ch.databases).find((t) => Object.keys(t).length > 0)!;
    const first = Object.values(db)[0]!;
    first.rows += 1;
  }
  if (ch.keyspace) ch.keyspace.db0!.keys += 1;
  if (ch.tables) ch.tables.items! += 1;
  if (ch.files) ch.files.count += 1;
  return { ...m, checks: ch };
}

describe('drills from the rclone remote', () => {
  it.each(Object.keys(TARGETS) as (keyof typeof TARGETS)[])('%s: the newest backup restores and matches its manifest; counts off by one fail', async (k) => {
    const before = await startedAt(c[k]);
    const ok = await rcDrill.drill(c[k].name, TARGETS[k]);
    expect(ok.error, JSON.stringify(ok)).toBeUndefined();
    expect(ok).toMatchObject({ ok: true, side: 'remote', problems: [] });
    expect(ok.checked.length).toBeGreaterThan(0);
    expect(ok.restoreMs).toBeGreaterThanOrEqual(0);
    expect(ok.bytes).toBeGreaterThan(0);
    const manifest = JSON.parse(await readFile((await remoteOf(c[k])).manifest, 'utf8')) as BackupManifest;
    expect(manifest.checks?.notes ?? []).toEqual([]);
    if (k === 'pg') expect(ok.checked).toEqual(expect.arrayContaining(['database app exists', 'database app: 2 of 2 table row counts equal']));
    if (k === 'mdb') expect(ok.checked).toEqual(expect.arrayContaining(['database shop exists', 'database empty_db exists', 'database shop: 1 of 1 table row counts equal']));
    if (k === 'redis') expect(ok.checked).toEqual(['redis db0: 500 keys', 'redis db2: 7 keys']);
    if (k === 'sqlite') expect(ok.checked).toEqual(['PRAGMA integrity_check: ok', '2 table row counts equal']);
    if (k === 'nobin') expect(ok.checked).toEqual(['PRAGMA integrity_check: ok', '1 table row counts equal']);
    if (k === 'fs') expect(ok.checked).toEqual(['/srv/files extracted in the drill container', 'the whole archive reads', '3 files, 70005 bytes']);

    const { manifest: mpath } = await remoteOf(c[k]);
    const bad = await withDamage(mpath, (b) => Buffer.from(JSON.stringify(offByOne(JSON.parse(b.toString('utf8')) as BackupManifest))), () => rcDrill.drill(c[k].name, TARGETS[k]));
    expect(bad.ok).toBe(false);
    expect(bad.error?.code, JSON.stringify(bad)).toBe('BAQUP_DRILL_FAILED');
    expect(bad.error?.message).toMatch(/differs from its manifest: .*(rows|keys|files)/);
    expect(await rcDrill.leftovers()).toEqual([]);
    expect(await startedAt(c[k])).toBe(before);
  });

  it('flipped bytes, a truncated file, a missing manifest, a truncated dump with a matching sha256: each fails with its reason', async () => {
    const { data, manifest } = await remoteOf(c.pg);
    const flipped = await withDamage(data, flip, () => rcDrill.drill(c.pg.name, 'main'));
    expect(flipped.error?.code).toBe('BAQUP_RESTORE_CHECKSUM');
    expect(flipped.error?.message).toMatch(/is corrupt: its sha256 is/);
    const cut = await withDamage(data, truncate, () => rcDrill.drill(c.pg.name, 'main'));
    expect(cut.error?.code).toBe('BAQUP_RESTORE_CHECKSUM');
    const gone = await withDamage(manifest, () => undefined, async () => {
      await rm(manifest);
      return rcDrill.drill(c.pg.name, 'main');
    });
    expect(gone.error?.code).toBe('BAQUP_DRILL_NO_MANIFEST');
    expect(gone.error?.message).toMatch(/no readable manifest/);
    // Damaged before it was hashed (the manifest agrees with the broken bytes): the content check catches it.
    const short = truncate(await readFile(data));
    const m = JSON.parse(await readFile(manifest, 'utf8')) as BackupManifest;
    const { createHash } = await import('node:crypto');
    const unreadable = await withDamage(data, () => short, () =>
      withDamage(manifest, () => Buffer.from(JSON.stringify({ ...m, size: short.length, sha256: createHash('sha256').update(short).digest('hex') })), () => rcDrill.drill(c.pg.name, 'main')),
    );
    expect(unreadable.error?.code).toBe('BAQUP_RESTORE_UNREADABLE');
    expect(await rcDrill.leftovers()).toEqual([]);
  });

  it('--from staging reads the staged copy', async () => {
    const r = await rcDrill.drill(c.sqlite.name, 'app', 'staging');
    expect(r).toMatchObject({ ok: true, side: 'staging' });
  });
});

describe('drills from restic', () => {
  let dir: string;
  let rs: Baqup;
  let rsDrill: Driller;
  const env = () => ({ ...process.env, RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'password') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baqup-drill-restic-'));
    await writeFile(join(dir, 'password'), 'drill-e2e-password\n', { mode: 0o600 });
    execFileSync('restic', ['init', '--quiet'], { env: env() });
    // cleanup_after_upload (the default): no staged copy is left, the manifest comes from the snapshot's tag.
    rs = await startBaqup({ upload: { backend: 'restic', restic: { repository: join(dir, 'repo'), password_file: join(dir, 'password') } } });
    rsDrill = driller(rs);
    for (const k of Object.keys(c) as (keyof typeof c)[]) {
      await rs.waitTargets(c[k].name, 1);
      await rs.backup(c[k].name);
    }
  }, 900_000);
  afterAll(async () => {
    await rs?.ctl.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(TARGETS) as (keyof typeof TARGETS)[])('%s: the newest snapshot restores and matches its manifest', async (k) => {
    const r = await rsDrill.drill(c[k].name, TARGETS[k]);
    expect(r.error, JSON.stringify(r)).toBeUndefined();
    expect(r).toMatchObject({ ok: true, side: 'restic', problems: [] });
    expect(r.checked.length).toBeGreaterThan(0);
    expect(await rsDrill.leftovers()).toEqual([]);
  });

  it('a snapshot without a manifest, then a damaged repository, fail with their reasons', async () => {
    // A newer snapshot of the fs target made by hand, without baqup's manifest tag.
    execFileSync('restic', ['backup', '--quiet', '--stdin', '--stdin-filename', `${c.fs.name}/fs-files.tar`, '--host', 'elsewhere', '--tag', `container:${c.fs.name}`, '--tag', 'target:fs-files'], { env: env(), input: Buffer.alloc(10240) });
    const none = await rsDrill.drill(c.fs.name, 'files');
    expect(none.error?.code, JSON.stringify(none)).toBe('BAQUP_DRILL_NO_MANIFEST');
    // Flipped bytes in every data pack: restic refuses to hand the data out.
    for (const pack of await findFiles(join(dir, 'repo', 'data'), '')) await writeFile(pack, flip(await readFile(pack)));
    const damaged = await rsDrill.drill(c.sqlite.name, 'app');
    expect(damaged.ok).toBe(false);
    expect(damaged.error?.code, JSON.stringify(damaged)).toBe('BAQUP_RESTORE_FETCH');
    expect(await rsDrill.leftovers()).toEqual([]);
  });
});
