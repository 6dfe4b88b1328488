// Round trips of the file-based engines through the real controller and the real CLI, and the refusals: redis
// (RDB put back with the container stopped and started), sqlite with and without a sqlite3 binary, fs (tree
// hashes equal after files were deleted, changed and re-moded), a corrupted staged backup (verify reports it,
// restore refuses it, the data and the container are untouched) and an archive whose entry escapes the path.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, execOk, sqliteSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { appIdle, tarOf } from './dump-fixtures.js';
import { expectOk, fileSha, running, startBaqup, treeHash, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

let baqup: Baqup;
beforeAll(async () => {
  baqup = await startBaqup({ staging: { cleanup_after_upload: false } });
});
afterAll(async () => baqup?.ctl.stop());

const startedAt = async (c: TestContainer) => (await c.container.inspect()).State.StartedAt;
const SUM = "SELECT count(*) || ':' || coalesce(sum(length(name)), 0) || ':' || max(name) FROM items;";
const IDLE = ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

describe('restore redis', () => {
  it('FLUSHALL, restore: same keys and values, container running, RDB owned by redis', async () => {
    const pw = `rd-${randomBytes(6).toString('hex')}`;
    const r = await startContainer({
      image: await ensureImage('redis'),
      env: { REDIS_PASSWORD: pw },
      cmd: ['redis-server', '--dir', '/data', '--dbfilename', 'dump.rdb', '--protected-mode', 'no', '--requirepass', pw],
      labels: { 'backup.enabled': 'true', 'backup.redis.cache.port': '6379' },
      wait: false,
    });
    const cli = async (...args: string[]) => execOk(r, ['redis-cli', '--no-auth-warning', ...args], { env: { REDISCLI_AUTH: pw } });
    for (let i = 0; i < 100 && (await cli('PING').catch(() => '')) !== 'PONG'; i++) await new Promise((res) => setTimeout(res, 100));
    await cli('EVAL', "for i=1,3000 do redis.call('SET','k'..i,'v'..i) end redis.call('HSET','h','a','1','b','2') redis.call('RPUSH','l','x','y','z') return 1", '0');
    const digest = "local ks=redis.call('KEYS','*') table.sort(ks) local acc={} for _,k in ipairs(ks) do local t=redis.call('TYPE',k).ok if t=='string' then acc[#acc+1]=k..'='..redis.call('GET',k) elseif t=='hash' then acc[#acc+1]=k..'='..table.concat(redis.call('HGETALL',k),',') else acc[#acc+1]=k..'='..table.concat(redis.call('LRANGE',k,0,-1),',') end end return #ks..':'..redis.sha1hex(table.concat(acc,'|'))";
    const want = await cli('EVAL', digest, '0');
    expect(want).toMatch(/^3002:/);

    await baqup.waitTargets(r.name, 1);
    await baqup.backup(r.name);
    await cli('FLUSHALL');
    await cli('SET', 'intruder', '1');
    const out = expectOk(await baqup.cli(['restore', r.name, 'cache', '--yes']));
    expect(out.stdout).toMatch(/Redis RDB version/);
    expect(out.stdout).toMatch(/redis serves again with 3002 keys/);
    expect(await running(r)).toBe(true);
    expect(await cli('EVAL', digest, '0')).toBe(want);
    expect((await execOk(r, ['stat', '-c', '%U', '/data/dump.rdb'])).trim()).toBe('redis');
  });
});

describe('restore sqlite', () => {
  it('with sqlite3: rows deleted, restore, same rows, integrity_check ok; then a corrupted staged copy is refused and reported', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    await appIdle(c); // the app creates the database at start: let it finish first
    await sqliteSql(c, '/data/app.db', "PRAGMA journal_mode=WAL; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2500) INSERT INTO items (name) SELECT 'row-' || i FROM n;");
    const want = await sqliteSql(c, '/data/app.db', SUM);
    expect(want).toMatch(/^2500:/);
    await baqup.waitTargets(c.name, 1);
    const [job] = await baqup.backup(c.name);

    await sqliteSql(c, '/data/app.db', "DELETE FROM items WHERE id % 2 = 0; INSERT INTO items (name) VALUES ('after');");
    const out = expectOk(await baqup.cli(['restore', c.name, 'sqlite-app', '--yes']));
    expect(out.stdout).toContain('PRAGMA integrity_check: ok');
    expect(await sqliteSql(c, '/data/app.db', SUM)).toBe(want);
    expect(await running(c)).toBe(true);

    // Flip one byte of the staged file: verify reports it (the remote copy still verifies), restore refuses it.
    await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('marker');");
    const now = await sqliteSql(c, '/data/app.db', SUM);
    const data = await readFile(job!.path);
    const mid = Math.floor(data.length / 2);
    data[mid] = data[mid]! ^ 0xff;
    await writeFile(job!.path, data);
    const before = await startedAt(c);

    const v = await baqup.cli(['verify', c.name]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/FAIL .*sqlite-app .*\[staging\]: staged file .* is corrupt: its sha256 is [0-9a-f]{64}, the manifest records/);
    expect(v.stdout).toMatch(/OK {3}.*sqlite-app .*\[remote\]: SQLite database/);
    const refused = await baqup.cli(['restore', c.name, 'sqlite-app', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is corrupt.*retry with --from remote \(BAQUP_RESTORE_CHECKSUM\)/);
    expect(await sqliteSql(c, '/data/app.db', SUM)).toBe(now);
    expect(await startedAt(c)).toBe(before);
    expect(await running(c)).toBe(true);
  });

  it('without sqlite3: file replaced, restore puts back the exact bytes, integrity check skipped and said so', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite-nobin'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    const made = join(baqup.ctl.dataDir, 'made.db');
    execFileSync('sqlite3', [made, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1500) INSERT INTO items (name) SELECT 'cold-' || i FROM n;"]);
    await c.container.putArchive(tarOf('app.db', await readFile(made)), { path: '/data' });
    const want = await fileSha(c, '/data/app.db');
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await c.container.putArchive(tarOf('app.db', Buffer.from('not a database any more')), { path: '/data' });
    expect(await fileSha(c, '/data/app.db')).not.toBe(want);
    const out = expectOk(await baqup.cli(['restore', c.name, 'app', '--yes']));
    expect(out.stdout).toContain('integrity_check skipped: no sqlite3 in the container');
    expect(await fileSha(c, '/data/app.db')).toBe(want);
    expect(await running(c)).toBe(true);
  });
});

describe('restore fs', () => {
  let c: TestContainer;
  const seed = [
    'mkdir -p /srv/conf/sub/deeper',
    'printf "alpha\\n" > /srv/conf/a.txt',
    'printf "bravo\\n" > /srv/conf/sub/b.txt',
    'head -c 200000 /dev/urandom > /srv/conf/sub/deeper/blob.bin',
    'printf "s3cret\\n" > /srv/conf/secret && chmod 600 /srv/conf/secret && chown 1000:1000 /srv/conf/secret',
    'ln -s a.txt /srv/conf/link',
  ].join(' && ');

  // Started once for both tests (file scope): the second adds a crafted backup to the first one's history.
  beforeAll(async () => {
    c = await startContainer({
      image: await ensureImage('base'),
      cmd: IDLE,
      labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.conf.path': '/srv/conf' },
    });
    await execOk(c, ['sh', '-c', seed]);
  });

  it('files deleted, changed and re-moded come back exactly (backup.stop=true: stopped and started again)', async () => {
    const want = await treeHash(c, '/srv/conf');
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await execOk(c, ['sh', '-c', 'rm /srv/conf/a.txt /srv/conf/link && printf "changed" > /srv/conf/sub/b.txt && chmod 644 /srv/conf/secret && rm -r /srv/conf/sub/deeper']);
    expect(await treeHash(c, '/srv/conf')).not.toBe(want);
    const out = expectOk(await baqup.cli(['restore', c.name, 'fs-conf', '--yes']));
    expect(out.stdout).toMatch(/tar, \d+ entries, all inside the target path/);
    expect(out.stdout).toContain('with the container stopped (backup.stop=true)');
    expect(await treeHash(c, '/srv/conf')).toBe(want);
    expect(await running(c)).toBe(true);
  });

  it('an archive with an entry escaping the path is refused before anything is written, and verify reports it', async () => {
    // A later "backup" of the same target, crafted: a good entry, then one climbing out with "..".
    const pack = tar.pack();
    pack.entry({ name: 'conf/', type: 'directory', mode: 0o755 });
    pack.entry({ name: 'conf/planted.txt', mode: 0o644 }, 'planted\n');
    pack.entry({ name: 'conf/../../tmp/escaped', mode: 0o644 }, 'escaped\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = gzipSync(Buffer.concat(chunks));
    const ls = JSON.parse(expectOk(await baqup.cli(['ls', c.name, '--json'])).stdout) as { backups: { staged_path: string; timestamp: string }[] };
    const real = ls.backups.at(-1)!;
    const ts = '29990101T000000Z';
    const file = join(dirname(real.staged_path), `${ts}.tar.gz`);
    const sha = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    // A backup like any other: the newest listed may be the safety copy an earlier restore took, whose trigger
    // must not come along (restore's latest skips safety copies).
    const { trigger: _trigger, ...manifest } = JSON.parse(await readFile(`${real.staged_path}.manifest.json`, 'utf8')) as Record<string, unknown>;
    await writeFile(file, body);
    await writeFile(`${file}.sha256`, `${sha}  ${ts}.tar.gz\n`);
    await writeFile(`${file}.manifest.json`, JSON.stringify({ ...manifest, timestamp: ts, file: `${ts}.tar.gz`, compression: 'gzip', size: body.length, sha256: sha }));
    const before = await startedAt(c);
    const want = await treeHash(c, '/srv/conf');

    const refused = await baqup.cli(['restore', c.name, 'fs-conf', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('archive entry "conf/../../tmp/escaped" climbs out with ".."; nothing was restored (BAQUP_RESTORE_UNSAFE_ENTRY)');
    expect((await execIn(c, ['test', '-e', '/tmp/escaped'])).exitCode).not.toBe(0);
    expect(await treeHash(c, '/srv/conf')).toBe(want);
    expect(await startedAt(c)).toBe(before);

    const v = await baqup.cli(['verify', c.name, 'conf', '--all']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`FAIL .*fs-conf ${ts} \\[staging\\]: archive entry "conf/\\.\\./\\.\\./tmp/escaped"`));
    expect(v.stdout).toMatch(/OK {3}.*fs-conf \d{8}T\d{6}Z \[staging\]: tar, \d+ entries/);
  });
});
