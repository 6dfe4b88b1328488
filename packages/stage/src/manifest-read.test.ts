// The one manifest reader: every consumer (upload, prune, restore, the CLI) judges version and trigger the same way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remotePath, targetPath } from './layout.js';
import { backupFiles, MANIFEST_VERSION, parseManifest, readManifest, serializeManifest, triggerOf } from './manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'baqup-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseManifest / readManifest', () => {
  const m = { version: MANIFEST_VERSION, container: 'app', sha256: 'a'.repeat(64) };

  it('reads back what serializeManifest wrote', async () => {
    writeFileSync(join(dir, 'x.sql.gz.manifest.json'), serializeManifest(m as never));
    expect(await readManifest(join(dir, 'x.sql.gz'))).toEqual(m);
  });

  it('treats another version, a torn file, a non-object and an absent file as no manifest', async () => {
    expect(parseManifest(JSON.stringify({ ...m, version: 2 }))).toBeUndefined();
    expect(parseManifest('{"version": 1, "contai')).toBeUndefined();
    expect(parseManifest('null')).toBeUndefined();
    expect(parseManifest('1')).toBeUndefined();
    expect(await readManifest(join(dir, 'absent.sql.gz'))).toBeUndefined();
  });

  it('counts a manifest without trigger as scheduled', () => {
    expect(triggerOf({})).toBe('schedule');
    expect(triggerOf({ trigger: 'manual' })).toBe('manual');
    expect(triggerOf({ trigger: 'safety' })).toBe('safety');
  });

  it('lists a backup\'s files data first, manifest last', () => {
    expect(backupFiles('a/b/20240101T000000Z.sql.gz')).toEqual(['a/b/20240101T000000Z.sql.gz', 'a/b/20240101T000000Z.sql.gz.sha256', 'a/b/20240101T000000Z.sql.gz.manifest.json']);
  });
});

describe('remotePath', () => {
  it('puts the staged layout under the host, and leaves it at the root without one (legacy)', () => {
    const rel = `${targetPath('gitea-db', 'postgres', 'main')}/20240101T000000Z.sql.gz`;
    expect(rel).toBe('gitea-db/postgres-main/20240101T000000Z.sql.gz');
    expect(remotePath('nas-1', rel)).toBe('nas-1/gitea-db/postgres-main/20240101T000000Z.sql.gz');
    expect(remotePath('', rel)).toBe(rel);
    expect(remotePath('nas-1', `/${rel}`)).toBe(`nas-1/${rel}`);
  });

  it('makes a host name that could climb out of the remote a plain segment', () => {
    expect(remotePath('..', 'a/b/c')).toBe('_../a/b/c');
    expect(remotePath('.hidden', 'a/b/c')).toBe('_.hidden/a/b/c');
  });
});
