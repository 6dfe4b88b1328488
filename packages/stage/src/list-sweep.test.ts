import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listStaged } from './list-staged.js';
import { sweepPartials } from './sweep-partials.js';
import { stageJob } from './stage-job.js';
import { backupJob, bytes, compressedJob } from './__fixtures__/jobs.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-list-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function stageAt(container: string, iso: string, seed = 1) {
  return stageJob(compressedJob(Readable.from(bytes(2000, seed)), backupJob({ container, triggeredAt: new Date(iso) })), { root });
}

describe('listStaged', () => {
  it('reads the layout back, pairing each file with its sidecars, oldest first', async () => {
    const a = await stageAt('nextcloud', '2024-01-16T03:00:00Z');
    const b = await stageAt('nextcloud', '2024-01-15T03:00:00Z', 2);
    await stageAt('gitea', '2024-01-15T03:00:00Z', 3);
    const dir = join(root, 'nextcloud', 'postgres-main');
    writeFileSync(join(dir, '.20240117T030000Z.sql.gz.partial-abcdef'), 'half');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');

    const list = await listStaged(root, { container: 'nextcloud' });
    expect(list.map((e) => e.file)).toEqual(['20240115T030000Z.sql.gz', '20240116T030000Z.sql.gz']);
    expect(list[0]).toMatchObject({
      container: 'nextcloud',
      type: 'postgres',
      instance: 'main',
      timestamp: '20240115T030000Z',
      date: new Date('2024-01-15T03:00:00Z'),
      extension: 'sql.gz',
      compression: 'gzip',
      size: 2000,
      sha256: b.manifest.sha256,
      manifest: b.manifest,
      complete: true,
      path: b.stagingPath,
    });
    expect(list[1]?.sha256).toBe(a.manifest.sha256);
    expect(await listStaged(root)).toHaveLength(3);
    expect(await listStaged(root, { type: 'mariadb' })).toEqual([]);
    expect(await listStaged(join(root, 'missing'))).toEqual([]);
  });

  it('reports a file without manifest, or with a mismatching sha256, as incomplete', async () => {
    const staged = await stageAt('nextcloud', '2024-01-15T03:00:00Z');
    const dir = join(root, 'nextcloud', 'postgres-main');
    writeFileSync(join(dir, '20240118T030000Z.sql.gz'), 'crashed before its manifest');
    writeFileSync(`${staged.stagingPath}.sha256`, `${'0'.repeat(64)}  ${staged.manifest.file}\n`);
    const list = await listStaged(root);
    expect(list.map((e) => [e.file, e.complete])).toEqual([
      ['20240115T030000Z.sql.gz', false],
      ['20240118T030000Z.sql.gz', false],
    ]);
  });
});

describe('sweepPartials', () => {
  it('removes temp files, incomplete files and orphan sidecars, and keeps complete backups', async () => {
    const kept = await stageAt('nextcloud', '2024-01-15T03:00:00Z');
    const dir = join(root, 'nextcloud', 'postgres-main');
    const junk = [
      '.20240116T030000Z.sql.gz.partial-0123ab',
      '.20240115T030000Z.sql.gz.manifest.json.partial-ffee00',
      '20240117T030000Z.sql.gz',
      '20240117T030000Z.sql.gz.sha256',
      '20240119T030000Z.sql.gz.manifest.json',
    ];
    for (const name of junk) writeFileSync(join(dir, name), 'x');
    const removed = await sweepPartials(root);
    expect(removed.map((p) => p.slice(dir.length + 1)).sort()).toEqual([...junk].sort());
    expect(readdirSync(dir).sort()).toEqual(['.last-timestamp', kept.manifest.file, `${kept.manifest.file}.manifest.json`, `${kept.manifest.file}.sha256`]);
  });

  it('only removes temp files when incomplete is false, and honours minAgeMs', async () => {
    const dir = join(root, 'app', 'fs-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.20240116T030000Z.tar.gz.partial-0a'), 'x');
    writeFileSync(join(dir, '.20240116T030000Z.tar.gz.partial-0b'), 'x');
    writeFileSync(join(dir, '20240117T030000Z.tar.gz'), 'no manifest');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(dir, '.20240116T030000Z.tar.gz.partial-0a'), old, old);
    const removed = await sweepPartials(root, { incomplete: false, minAgeMs: 600_000 });
    expect(removed).toEqual([join(dir, '.20240116T030000Z.tar.gz.partial-0a')]);
    expect(readdirSync(dir).sort()).toEqual(['.20240116T030000Z.tar.gz.partial-0b', '20240117T030000Z.tar.gz']);
  });

  it('does nothing on a missing root', async () => {
    expect(await sweepPartials(join(root, 'missing'))).toEqual([]);
  });
});
