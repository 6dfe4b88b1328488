// In-place restores — "my data is damaged: put last night's back" — into the SAME container, through the real
// controller and CLI: load data, back up, change and delete data, `baqup restore … --yes`, compare checksums.
// PostgreSQL with databases=all (a whole-cluster dump), with one database, and with `postgres` (the database psql
// connects to by default: DROP DATABASE of it used to fail); MariaDB with all and one database. Every restore
// takes a safety copy first and prints the command that rolls back to it; one test runs that command. An fs backup
// crafted with a symlink chain is refused with nothing written outside the target; an interrupted sqlite restore
// never leaves the container on a half-written file. (redis, sqlite on both paths and fs in place: restore-files.)
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, execOk, mariadbSql, psql, startContainer, useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { tarOf } from './dump-fixtures.js';
import { CLI_MAIN, expectOk, fileSha, running, startBaqup, treeHash, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

let baqup: Baqup;
beforeAll(async () => {
  baqup = await startBaqup({ staging: { cleanup_after_upload: false } });
});
afterAll(async () => baqup?.ctl.stop());

const SUM_ITEMS = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
const SUM_NOTES = "SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || coalesce(body, '∅'), '|' ORDER BY id), '')) FROM notes";
const IDLE = ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

/** The rollback command the restore printed, as CLI args. */
function rollbackOf(stdout: string): string[] {
  const m = /to undo this restore: baqup (restore \S+ \S+ --at \d{8}T\d{6}Z --yes)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return m![1]!.split(' ');
}

describe('in-place restore, postgres', () => {
  const cases: [string, string | undefined][] = [
    ['databases=all (whole-cluster dump)', undefined],
    ['one database (a)', 'a'],
    ['the default database postgres', 'postgres'],
  ];
  it.each(cases)('%s: damaged, restored in place, checksums equal the backup', async (_what, databases) => {
    const pw = `pg-${randomBytes(6).toString('hex')}`;
    const pg = await startContainer({
      image: await ensureImage('postgres'),
      env: { POSTGRES_PASSWORD: pw },
      labels: {
        'backup.enabled': 'true',
        'backup.postgres.main.password_env': 'POSTGRES_PASSWORD',
        ...(databases ? { 'backup.postgres.main.databases': databases } : {}),
      },
    });
    await psql(pg, 'CREATE DATABASE a;');
    await psql(pg, 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 2000) g;', 'a');
    await psql(pg, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'one'), (2, NULL), (3, E'it''s');", 'postgres');
    const want = { a: await psql(pg, SUM_ITEMS, 'a'), postgres: await psql(pg, SUM_NOTES, 'postgres') };
    expect(want.a).toMatch(/^2000:/);
    await baqup.waitTargets(pg.name, 1);
    await baqup.backup(pg.name);

    // Damage: rows deleted and changed in a, a table dropped and recreated differently in postgres.
    await psql(pg, "DELETE FROM items WHERE id > 100; UPDATE items SET name = 'x';", 'a');
    await psql(pg, 'DROP TABLE notes; CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (9, \'damaged\');', 'postgres');
    const damaged = { a: await psql(pg, SUM_ITEMS, 'a'), postgres: await psql(pg, SUM_NOTES, 'postgres') };

    const r = expectOk(await baqup.cli(['restore', pg.name, 'postgres-main', '--yes']));
    expect(r.stdout).toMatch(/safety copy: \S+\/postgres-main at \d{8}T\d{6}Z/);
    const restored = { a: await psql(pg, SUM_ITEMS, 'a'), postgres: await psql(pg, SUM_NOTES, 'postgres') };
    if (databases === undefined) expect(restored).toEqual(want);
    if (databases === 'a') expect(restored).toEqual({ a: want.a, postgres: damaged.postgres });
    if (databases === 'postgres') expect(restored).toEqual({ a: damaged.a, postgres: want.postgres });
    expect(await running(pg)).toBe(true);

    // The safety copy is listed, and the printed command puts the damaged state back.
    const ls = JSON.parse(expectOk(await baqup.cli(['ls', pg.name, '--json'])).stdout) as { backups: { trigger?: string }[] };
    expect(ls.backups.map((b) => b.trigger)).toEqual(['manual', 'safety']);
    if (databases !== 'a') {
      const back = expectOk(await baqup.cli(rollbackOf(r.stdout)));
      expect(back.stdout).toMatch(/restored .* from staging/);
      const after = { a: await psql(pg, SUM_ITEMS, 'a'), postgres: await psql(pg, SUM_NOTES, 'postgres') };
      expect(after).toEqual(damaged);
    }
  });
});

describe('in-place restore, mariadb', () => {
  it.each([
    ['databases=all', undefined],
    ['one database (shop)', 'shop'],
  ] as [string, string | undefined][])('%s: damaged, restored in place, checksums equal the backup', async (_what, databases) => {
    const pw = `mdb-${randomBytes(6).toString('hex')}`;
    const db = await startContainer({
      image: await ensureImage('mariadb'),
      env: { MARIADB_ROOT_PASSWORD: pw },
      labels: {
        'backup.enabled': 'true',
        'backup.mariadb.main.password_env': 'MARIADB_ROOT_PASSWORD',
        ...(databases ? { 'backup.mariadb.main.databases': databases } : {}),
      },
    });
    await mariadbSql(db, [
      'CREATE DATABASE shop; CREATE DATABASE blog;',
      'CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(64), qty INT);',
      "INSERT INTO shop.orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 700) SELECT i, CONCAT('item-', i), i % 5 FROM n;",
      "CREATE TABLE blog.posts (id INT PRIMARY KEY, body TEXT); INSERT INTO blog.posts VALUES (1, 'héllo'), (2, NULL);",
    ].join('\n'));
    const SUM = (t: string) => `SELECT CONCAT(COUNT(*), ':', MD5(COALESCE(GROUP_CONCAT(CONCAT_WS('=', id, ${t === 'shop.orders' ? 'item, qty' : "COALESCE(body, '∅')"}) ORDER BY id SEPARATOR '|'), ''))) FROM ${t}`;
    const sums = async () => ({ shop: await mariadbSql(db, SUM('shop.orders')), blog: await mariadbSql(db, SUM('blog.posts')) });
    const want = await sums();
    await baqup.waitTargets(db.name, 1);
    await baqup.backup(db.name);
    await mariadbSql(db, "DELETE FROM shop.orders WHERE id > 50; UPDATE shop.orders SET qty = 0; DELETE FROM blog.posts; INSERT INTO blog.posts VALUES (7, 'new');");
    const damaged = await sums();
    const r = expectOk(await baqup.cli(['restore', db.name, 'mariadb-main', '--yes']));
    expect(r.stdout).toMatch(/to undo this restore: baqup restore /);
    expect(await sums()).toEqual(databases ? { shop: want.shop, blog: damaged.blog } : want);
    expect(await running(db)).toBe(true);
  });
});

describe('fs: an archive with a symlink chain', () => {
  it('is refused before anything is written; nothing appears outside the target', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.conf.path': '/srv/conf' } });
    await execOk(c, ['sh', '-c', 'mkdir -p /srv/conf/d && printf "alpha\\n" > /srv/conf/a.txt']);
    await baqup.waitTargets(c.name, 1);
    const [job] = await baqup.backup(c.name);
    // A later "backup" of the same target: d/l -> .. (conf), d/l/l2 -> .. (really conf/l2 -> /srv), then a file
    // under d/l/l2/etc: by name inside conf, really /srv/etc/cron.d/evil.
    const pack = tar.pack();
    pack.entry({ name: 'conf/', type: 'directory', mode: 0o755 });
    pack.entry({ name: 'conf/d/', type: 'directory', mode: 0o755 });
    pack.entry({ name: 'conf/d/l', type: 'symlink', linkname: '..' });
    pack.entry({ name: 'conf/d/l/l2', type: 'symlink', linkname: '..' });
    pack.entry({ name: 'conf/d/l/l2/etc/cron.d/evil', mode: 0o644 }, '* * * * * root sh\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = gzipSync(Buffer.concat(chunks));
    const ts = '29990101T000000Z';
    const file = join(dirname(job!.path), `${ts}.tar.gz`);
    const sha = createHash('sha256').update(body).digest('hex');
    const manifest = JSON.parse(await readFile(`${job!.path}.manifest.json`, 'utf8')) as Record<string, unknown>;
    await writeFile(file, body);
    await writeFile(`${file}.sha256`, `${sha}  ${ts}.tar.gz\n`);
    await writeFile(`${file}.manifest.json`, JSON.stringify({ ...manifest, timestamp: ts, file: `${ts}.tar.gz`, compression: 'gzip', size: body.length, sha256: sha }));
    const want = await treeHash(c, '/srv');

    const refused = await baqup.cli(['restore', c.name, 'fs-conf', '--yes', '--at', ts]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('archive entry "conf/d/l/l2" is a symlink pointing outside /srv/conf (→ ..); nothing was restored (BAQUP_RESTORE_UNSAFE_ENTRY)');
    expect((await execIn(c, ['test', '-e', '/srv/etc/cron.d/evil'])).exitCode).not.toBe(0);
    expect(await treeHash(c, '/srv')).toBe(want);
    // Refused before the safety copy: no new backup.
    const ls = JSON.parse(expectOk(await baqup.cli(['ls', c.name, '--json'])).stdout) as { backups: unknown[] };
    expect(ls.backups).toHaveLength(2);
  });
});

describe('sqlite: an interrupted restore', () => {
  it('SIGTERM while the file is being written: the container runs on the old or the new file, never a half-written one', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite-nobin'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    // ~96 MiB of random rows: long enough to be mid-write when the signal comes.
    const made = join(baqup.ctl.dataDir, `big-${randomBytes(4).toString('hex')}.db`);
    execFileSync('sqlite3', [made, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 24000) INSERT INTO items (name) SELECT hex(randomblob(2000)) FROM n;"]);
    await c.container.putArchive(tarOf('app.db', await readFile(made)), { path: '/data' });
    const want = await fileSha(c, '/data/app.db');
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await c.container.putArchive(tarOf('app.db', Buffer.from('damaged, not a database')), { path: '/data' });
    const damaged = await fileSha(c, '/data/app.db');

    const child = spawn(process.execPath, [CLI_MAIN, 'restore', c.name, 'app', '--yes', '--config', baqup.configFile], {
      env: { ...process.env, BAQUP_DATA_DIR: baqup.dataDir, BAQUP_API_URL: `http://${baqup.ctl.api}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Signal once the staged temp file has appeared in /data (the write into the container is under way).
    const deadline = Date.now() + 120_000;
    let signalled = false;
    while (Date.now() < deadline && child.exitCode === null) {
      // The safety copy (cold path: no sqlite3) stops the container for a moment: an exec may find it stopped.
      const ls = await execIn(c, ['ls', '-a', '/data']).catch(() => ({ stdout: '' }));
      if (/\.app\.db\.baqup-restore-/.test(ls.stdout)) {
        child.kill('SIGTERM');
        signalled = true;
        break;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    const code = await exited;
    expect(signalled, `the restore ended before its write began:\n${stderr}`).toBe(true);
    expect(await running(c)).toBe(true);
    const now = await fileSha(c, '/data/app.db');
    expect([want, damaged], `exit ${code}\n${stderr}`).toContain(now);
    if (code !== 0) expect(stderr).toMatch(/interrupted \(SIGTERM\); roll back to the state before the restore with: baqup restore /);
    // The partial temp file was removed (the container runs, so the restore could).
    expect((await execIn(c, ['ls', '-a', '/data'])).stdout).not.toMatch(/baqup-restore/);
  });
});

describe('fs: an interrupted restore', () => {
  it('SIGTERM while the files are staged replaces nothing and removes the staging; after a SIGKILL the next restore drops the leftover and restores', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    // 2 GiB of sparse zeros: a tiny backup whose staging writes long enough to be signalled mid-way (512 MiB staged
    // before the first poll on a quiet CI machine).
    await execOk(c, ['sh', '-c', 'mkdir -p /data/sub && printf one > /data/a.txt && printf two > /data/sub/b.txt && truncate -s 2G /data/big']);
    const want = await treeHash(c, '/data');
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await execOk(c, ['sh', '-c', 'printf changed > /data/a.txt && rm /data/sub/b.txt']);
    const damaged = await treeHash(c, '/data');

    const restoreUntilStaging = async (signal: NodeJS.Signals) => {
      const child = spawn(process.execPath, [CLI_MAIN, 'restore', c.name, 'fs-data', '--yes', '--no-safety-copy', '--config', baqup.configFile], {
        env: { ...process.env, BAQUP_DATA_DIR: baqup.dataDir, BAQUP_API_URL: `http://${baqup.ctl.api}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const deadline = Date.now() + 120_000;
      let signalled = false;
      while (Date.now() < deadline && child.exitCode === null) {
        const ls = await execIn(c, ['ls', '-a', '/data']).catch(() => ({ stdout: '' }));
        if (/^\.baqup-restore$/m.test(ls.stdout)) {
          child.kill(signal);
          signalled = true;
          break;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      const code = await exited;
      expect(signalled, `the restore ended before its staging began:\n${out}`).toBe(true);
      return { code, out };
    };

    const term = await restoreUntilStaging('SIGTERM');
    expect(await running(c)).toBe(true);
    if (term.code !== 0) expect(term.out).toMatch(/interrupted \(SIGTERM\); no safety copy was taken/);
    // Signalled while staging: nothing replaced. Signalled in the swap (staging was quick): each file is whole, the
    // old one or the new one. Either way no staging is left (the container runs, so the restore removed it).
    const now = await treeHash(c, '/data');
    if (now !== damaged && now !== want) {
      const files = (await execIn(c, ['sh', '-c', 'cat /data/a.txt; echo; cat /data/sub/b.txt 2>/dev/null || echo gone; stat -c %s /data/big; ls -A /data'])).stdout.split('\n');
      expect(files.slice(0, 3), `exit ${term.code}\n${term.out}`).toEqual([expect.stringMatching(/^(one|changed)$/), expect.stringMatching(/^(two|gone)$/), String(2 * 1024 * 1024 * 1024)]);
      expect(files).not.toContain('.baqup-restore');
    }

    const kill = await restoreUntilStaging('SIGKILL');
    expect(kill.code).toBeNull();
    expect((await execIn(c, ['ls', '-a', '/data'])).stdout).toMatch(/^\.baqup-restore$/m);
    const out = expectOk(await baqup.cli(['restore', c.name, 'fs-data', '--yes', '--no-safety-copy']));
    expect(out.stdout).toContain('put in place with the container running');
    // The leftover is gone with the rest: the tree (hidden names included) is the backup's.
    expect(await treeHash(c, '/data')).toBe(want);
  }, 600_000);
});
