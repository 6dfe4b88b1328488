// `upload.backend: restic` with a local repository and a password file: the controller stores each backup as a
// snapshot and (cleanup_after_upload, the default) removes the staged copy; ls lists the snapshot, verify reads it
// in full, and restore loads it back (by default the latest, or by snapshot id).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, sqliteSql, startContainer, useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { appIdle } from './dump-fixtures.js';
import { expectOk, running, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const SUM = "SELECT count(*) || ':' || coalesce(sum(length(name)), 0) || ':' || max(name) FROM items;";
let dir: string;
let baqup: Baqup;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-restic-restore-'));
  await writeFile(join(dir, 'password'), 'restic-e2e-password\n', { mode: 0o600 });
  // The controller does not create a missing repository (yet): make it as a user would.
  execFileSync('restic', ['init', '--quiet'], { env: { ...process.env, RESTIC_REPOSITORY: join(dir, 'repo'), RESTIC_PASSWORD_FILE: join(dir, 'password') } });
  baqup = await startBaqup({ upload: { backend: 'restic', restic: { repository: join(dir, 'repo'), password_file: join(dir, 'password') } } });
});
afterAll(async () => {
  await baqup?.ctl.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore from restic', () => {
  it('two snapshots: ls and verify see them, restore latest and then the first by snapshot id', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    await appIdle(c); // the app creates the database at start: let it finish first
    await sqliteSql(c, '/data/app.db', "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1200) INSERT INTO items (name) SELECT 'first-' || i FROM n;");
    const first = await sqliteSql(c, '/data/app.db', SUM);
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('second');");
    const second = await sqliteSql(c, '/data/app.db', SUM);
    await baqup.backup(c.name);

    const ls = JSON.parse(expectOk(await baqup.cli(['ls', c.name, '--json'])).stdout) as { backups: { where: string; snapshot: string; checksum: string }[] };
    expect(ls.backups.map((b) => b.where)).toEqual(['restic', 'restic']);
    const v = expectOk(await baqup.cli(['verify', c.name, '--all']));
    expect(v.stdout.match(/^OK .*\[restic\]: SQLite database/gm)).toHaveLength(2);

    await sqliteSql(c, '/data/app.db', 'DELETE FROM items;');
    const latest = expectOk(await baqup.cli(['restore', c.name, 'app', '--yes']));
    expect(latest.stdout).toMatch(/from restic/);
    expect(latest.stdout).toMatch(/restic snapshot [0-9a-f]{8} read in full/);
    expect(await sqliteSql(c, '/data/app.db', SUM)).toBe(second);

    expectOk(await baqup.cli(['restore', c.name, 'app', '--yes', '--from', 'remote', '--at', ls.backups[0]!.snapshot]));
    expect(await sqliteSql(c, '/data/app.db', SUM)).toBe(first);
    expect(await running(c)).toBe(true);
  });
});
