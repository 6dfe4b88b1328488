// @baqup/dump sqlite: with a sqlite3 binary (online .backup, container keeps running, temp copy removed) and
// without one (container stopped through the holds, file copied, started again, journal empty). Each dump is
// put into a fresh container of the sqlite image and checked: integrity_check ok, same rows.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, sqliteSql, startContainer, useCleanup } from '../src/index.js';
import { appIdle, dumpEnv, dumpToFile, lifecycle, makeJob, recordEvents, tarOf, type Env } from './dump-fixtures.js';

useCleanup();

let env: Env;
let sqliteImage: string;
const SUM = "SELECT count(*) || ':' || coalesce(sum(length(name)), 0) || ':' || max(name) FROM items;";

beforeAll(async () => {
  sqliteImage = await ensureImage('sqlite');
  env = await dumpEnv();
});

afterAll(async () => env?.dispose());

/** The dump put into a fresh sqlite container as /data/app.db: integrity and the checksum query's answer. */
async function loadFresh(data: Buffer): Promise<{ integrity: string; sum: string }> {
  const fresh = await startContainer({ image: sqliteImage, cmd: ['sleep', 'infinity'] });
  await fresh.container.putArchive(tarOf('restored.db', data), { path: '/tmp' });
  return {
    integrity: await sqliteSql(fresh, '/tmp/restored.db', 'PRAGMA integrity_check;'),
    sum: await sqliteSql(fresh, '/tmp/restored.db', SUM),
  };
}

describe('sqlite dump', () => {
  it('with sqlite3: online .backup of a WAL database, container never stopped, temp copy removed', async () => {
    const c = await startContainer({ image: sqliteImage });
    await sqliteSql(c, '/data/app.db', "PRAGMA journal_mode=WAL; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 4000) INSERT INTO items (name) SELECT 'row-' || i FROM n;");
    const events = await recordEvents();
    const { dumped, data } = await dumpToFile(env.deps, makeJob(c, { type: 'sqlite', path: '/data/app.db' }), join(env.dir, 'hot.db'));
    expect(dumped.extension).toBe('db');
    expect(dumped.toolVersions.sqlite3).toMatch(/^3\./);
    expect(data.subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(await loadFresh(data)).toEqual({ integrity: 'ok', sum: await sqliteSql(c, '/data/app.db', SUM) });
    expect(lifecycle(await events.stop(), c.id)).not.toContain('stop');
    const left = await execIn(c, ['sh', '-c', 'ls /tmp | grep baqup- || true']);
    expect(left.stdout).toBe('');
  });

  it('without sqlite3: stops the container, copies the file, starts it again', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite-nobin') });
    await appIdle(c);
    // A bigger database than the image's seed, made on the host and put in place while the app idles.
    const made = join(env.dir, 'made.db');
    execFileSync('sqlite3', [made, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO items (name) SELECT 'cold-' || i FROM n;"]);
    const original = await readFile(made);
    await c.container.putArchive(tarOf('app.db', original), { path: '/data' });
    expect((await execIn(c, ['sh', '-c', 'command -v sqlite3'])).exitCode).not.toBe(0);

    const events = await recordEvents();
    const { dumped, data } = await dumpToFile(env.deps, makeJob(c, { type: 'sqlite', path: '/data/app.db' }), join(env.dir, 'cold.db'));
    expect(dumped.extension).toBe('db');
    expect(data.equals(original)).toBe(true);
    const expected = execFileSync('sqlite3', [made, SUM]).toString().trim();
    expect(expected).toMatch(/^3000:/);
    expect(await loadFresh(data)).toEqual({ integrity: 'ok', sum: expected });
    const actions = lifecycle(await events.stop(), c.id);
    expect(actions.filter((a) => a === 'stop')).toHaveLength(1);
    expect(actions.filter((a) => a === 'start')).toHaveLength(1);
    expect(actions.indexOf('stop')).toBeLessThan(actions.indexOf('start'));
    expect((await c.container.inspect()).State.Running).toBe(true);
    expect(await env.holds.journal.read()).toEqual([]);
    expect(env.holds.isHeld(c.id)).toBe(false);
  });

  it('a missing database file fails without creating one', async () => {
    const c = await startContainer({ image: sqliteImage });
    const out = await dumpToFile(env.deps, makeJob(c, { type: 'sqlite', path: '/data/none.db' }), join(env.dir, 'none.db')).catch((e: Error & { code?: string }) => e);
    expect(out).toBeInstanceOf(Error);
    expect((out as { code?: string }).code).toBe('BAQUP_DUMP_SOURCE_MISSING');
    expect((await execIn(c, ['test', '-e', '/data/none.db'])).exitCode).not.toBe(0);
  });
});
