// Round trips through the real controller and the real CLI: seed a database, back it up (POST /api/backups),
// damage it, `baqup restore … --yes`, compare counts and content checksums with what was backed up. Postgres with
// two databases (roles + one pg_dump per database), from staging and again from the remote after the staged copy
// is deleted, and into a second, empty container; mariadb with two databases.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, mariadbSql, psql, startContainer, useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { expectOk, running, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const PG_PW = `pg-${randomBytes(6).toString('hex')}`;
const SUM_A = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
const SUM_B = "SELECT count(*) || ':' || md5(string_agg(id || '=' || coalesce(body, '∅'), '|' ORDER BY id)) FROM notes";
let baqup: Baqup;

beforeAll(async () => {
  baqup = await startBaqup({ staging: { cleanup_after_upload: false } });
});
afterAll(async () => baqup?.ctl.stop());

describe('restore postgres', () => {
  it('two databases: from staging, then from the remote with the staged copy deleted, then --into an empty container', async () => {
    const image = await ensureImage('postgres');
    const pg = await startContainer({
      image,
      env: { POSTGRES_PASSWORD: PG_PW },
      labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.main.databases': 'a,b' },
    });
    await psql(pg, "CREATE ROLE app LOGIN PASSWORD 'app-pw'; CREATE DATABASE a OWNER app; CREATE DATABASE b;");
    await psql(pg, 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 3000) g; ALTER TABLE items OWNER TO app;', 'a');
    await psql(pg, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, E'it''s \\u00e9t\\u00e9'), (2, 'line1\nline2'), (3, NULL);", 'b');
    const want = { a: await psql(pg, SUM_A, 'a'), b: await psql(pg, SUM_B, 'b') };
    expect(want.a).toMatch(/^3000:/);

    await baqup.waitTargets(pg.name, 1);
    const [job] = await baqup.backup(pg.name);

    // Damage both databases: rows gone in one, a table dropped in the other.
    await psql(pg, 'DELETE FROM items WHERE id > 10', 'a');
    await psql(pg, 'DROP TABLE notes', 'b');
    const fromStaging = expectOk(await baqup.cli(['restore', pg.name, 'postgres-main', '--yes']));
    expect(fromStaging.stdout).toContain('from staging');
    expect(fromStaging.stdout).toContain(`sha256 ${job!.sha256} matches the manifest`);
    expect({ a: await psql(pg, SUM_A, 'a'), b: await psql(pg, SUM_B, 'b') }).toEqual(want);
    expect(await psql(pg, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'", 'a')).toBe('app');

    // The staged copy is gone: the same backup comes from the remote.
    for (const suffix of ['', '.sha256', '.manifest.json']) await rm(`${job!.path}${suffix}`, { force: true });
    const ls = expectOk(await baqup.cli(['ls', pg.name, '--json']));
    // The restore took a safety copy first (its own backup, trigger safety): only the scheduled-path one is asked about.
    const all = (JSON.parse(ls.stdout) as { backups: { where: string; timestamp: string; trigger?: string }[] }).backups;
    expect(all.filter((r) => r.trigger === 'safety')).toHaveLength(1);
    const rows = all.filter((r) => r.trigger !== 'safety');
    expect(rows.map((r) => r.where)).toEqual(['remote']);
    await psql(pg, 'UPDATE items SET name = name || \'!\'', 'a');
    const fromRemote = expectOk(await baqup.cli(['restore', pg.name, 'main', '--yes', '--at', rows[0]!.timestamp]));
    expect(fromRemote.stdout).toContain('from remote');
    expect({ a: await psql(pg, SUM_A, 'a'), b: await psql(pg, SUM_B, 'b') }).toEqual(want);
    expect(await running(pg)).toBe(true);

    // --into a fresh, empty, unlabelled container made with ANOTHER password: the source's labels give the target; its
    // own env the password. The dump's ALTER ROLE gives postgres the source's password midway, so every later
    // `\connect` of the script must not depend on the password (restore uses the trusted local socket).
    const fresh = await startContainer({ image, env: { POSTGRES_PASSWORD: `other-${randomBytes(6).toString('hex')}` } });
    const into = expectOk(await baqup.cli(['restore', pg.name, 'postgres-main', '--into', fresh.name, '--yes', '--from', 'remote']));
    expect(into.stdout).toContain(`into ${fresh.name}`);
    expect({ a: await psql(fresh, SUM_A, 'a'), b: await psql(fresh, SUM_B, 'b') }).toEqual(want);
    expect(await psql(fresh, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'a'")).toBe('app');
  });

  it('without --yes and without a terminal it refuses and touches nothing', async () => {
    const r = await baqup.cli(['restore', 'whatever', 'postgres-main']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to overwrite without confirmation/);
  });
});

describe('restore mariadb', () => {
  it('two databases: drop a table and change rows, restore, equal checksums', async () => {
    const pw = `mdb-${randomBytes(6).toString('hex')}`;
    const db = await startContainer({
      image: await ensureImage('mariadb'),
      env: { MARIADB_ROOT_PASSWORD: pw },
      labels: { 'backup.enabled': 'true', 'backup.mariadb.main.password_env': 'MARIADB_ROOT_PASSWORD', 'backup.mariadb.main.databases': 'shop,blog' },
    });
    await mariadbSql(db, [
      'CREATE DATABASE shop; CREATE DATABASE blog;',
      'CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(64), qty INT);',
      "INSERT INTO shop.orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 900) SELECT i, CONCAT('item-', i), i % 7 FROM n;",
      "CREATE TABLE blog.posts (id INT PRIMARY KEY, body TEXT); INSERT INTO blog.posts VALUES (1, 'héllo'), (2, NULL), (3, 'tab\\there');",
    ].join('\n'));
    const SUM = (t: string) => `SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('=', id, ${t === 'orders' ? 'item, qty' : "COALESCE(body, '∅')"}) ORDER BY id SEPARATOR '|'))) FROM ${t}`;
    const want = { shop: await mariadbSql(db, SUM('orders'), 'shop'), blog: await mariadbSql(db, SUM('posts'), 'blog') };
    expect(want.shop).toMatch(/^900:/);

    await baqup.waitTargets(db.name, 1);
    await baqup.backup(db.name, 'main');
    await mariadbSql(db, 'DROP TABLE blog.posts; UPDATE shop.orders SET qty = 0;');
    const r = expectOk(await baqup.cli(['restore', db.name, 'mariadb-main', '--yes']));
    expect(r.stdout).toMatch(/MariaDB dump, complete/);
    expect({ shop: await mariadbSql(db, SUM('orders'), 'shop'), blog: await mariadbSql(db, SUM('posts'), 'blog') }).toEqual(want);
    expect(await running(db)).toBe(true);
  });
});
