// `baqup ls` and `baqup verify` over real backups: where each backup is (both, local, remote), what is known of its
// checksum, and verify catching both a remote copy whose bytes changed and a staged file whose sha256 matches its
// manifest but whose compressed stream is cut short (a backup that was broken when it was written).
import { rm, truncate, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, sqliteSql, startContainer, useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { appIdle } from './dump-fixtures.js';
import { expectOk, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

let baqup: Baqup;
beforeAll(async () => {
  baqup = await startBaqup({ staging: { cleanup_after_upload: false } });
});
afterAll(async () => baqup?.ctl.stop());

interface Row {
  where: string;
  checksum: string;
  timestamp: string;
  staged_path?: string;
  remote_path?: string;
}

describe('ls and verify', () => {
  it('both / local / remote, checksum status, and verify failures', async () => {
    const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    await appIdle(c); // the app creates the database at start: let it finish first
    await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('a'), ('b');");
    await baqup.waitTargets(c.name, 1);
    for (let i = 0; i < 3; i++) await baqup.backup(c.name);

    const text = expectOk(await baqup.cli(['ls', c.name]));
    expect(text.stdout).toMatch(new RegExp(`${c.name}/sqlite-app +\\d{8}T\\d{6}Z +[\\d.]+ (B|KiB) +both +local: recorded, remote: read back at upload`));
    expect(expectOk(await baqup.cli(['ls', c.name, '--checksum'])).stdout).toMatch(/local: computed ok, remote: read back at upload/);

    const rows = (): Promise<Row[]> => baqup.cli(['ls', c.name, '--json']).then((r) => (JSON.parse(expectOk(r).stdout) as { backups: Row[] }).backups);
    const [first, second, third] = await rows();
    // First: remote copy removed → local only. Second: staged copy removed → remote only.
    const remoteRoot = join(baqup.dataDir, 'remote');
    for (const s of ['', '.sha256', '.manifest.json']) await rm(join(remoteRoot, `${first!.remote_path}${s}`));
    for (const s of ['', '.sha256', '.manifest.json']) await rm(`${second!.staged_path}${s}`);
    expect((await rows()).map((r) => r.where)).toEqual(['local', 'remote', 'both']);

    const ok = expectOk(await baqup.cli(['verify', c.name, '--all']));
    expect(ok.stdout).toMatch(/^4 ok, 0 failed$/m);

    // The third's remote copy loses bytes; the first's staged file is replaced by a cut gzip whose hash is recorded.
    await truncate(join(remoteRoot, third!.remote_path!), 100);
    const cut = gzipSync(randomBytes(100_000)).subarray(0, 3000);
    const sha = createHash('sha256').update(cut).digest('hex');
    const gzPath = first!.staged_path!.replace(/\.db(\.\w+)?$/, '.db.gz');
    const manifest = JSON.parse(await readFile(`${first!.staged_path}.manifest.json`, 'utf8')) as Record<string, unknown>;
    for (const s of ['', '.sha256', '.manifest.json']) await rm(`${first!.staged_path}${s}`);
    await writeFile(gzPath, cut);
    await writeFile(`${gzPath}.sha256`, `${sha}  ${basename(gzPath)}\n`);
    await writeFile(`${gzPath}.manifest.json`, JSON.stringify({ ...manifest, file: basename(gzPath), compression: 'gzip', size: cut.length, sha256: sha }));

    const bad = await baqup.cli(['verify', c.name, '--all']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`FAIL .*sqlite-app ${first!.timestamp} \\[staging\\]: cannot read the gzip stream to its end: .*\\(BAQUP_RESTORE_UNREADABLE\\)`));
    expect(bad.stdout).toMatch(new RegExp(`OK {3}.*sqlite-app ${third!.timestamp} \\[staging\\]`));
    expect(bad.stdout).toMatch(new RegExp(`FAIL .*sqlite-app ${third!.timestamp} \\[remote\\]: remote copy .* is corrupt`));
    expect(bad.stdout).toMatch(/^2 ok, 2 failed$/m);
    // Only the newest per target without --all.
    expect((await baqup.cli(['verify', c.name])).stdout).toMatch(/^1 ok, 1 failed$/m);
  });
});
