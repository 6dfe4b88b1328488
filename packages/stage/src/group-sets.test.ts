// A group's sets in staging follow their members: one goes once none of its backups is left in staging and it is
// stored off-host (or there is nowhere off-host); one with a backup left, or not yet stored, stays.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupManifestUploaded, markGroupManifestUploaded, pruneStagedGroupSets, writeGroupManifest, type GroupManifest } from './group-manifest.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-group-sets-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sha = 'c'.repeat(64);
const set = (timestamp: string): GroupManifest => ({
  version: 1,
  group: 'shop',
  timestamp,
  trigger: 'schedule',
  startOrder: ['db', 'app'],
  members: [
    { service: 'db', container: 'shop-db-1', containerId: 'c1', backups: [{ type: 'postgres', instance: 'main', path: `shop-db-1/postgres-main/${timestamp}.sql.zst`, timestamp, sha256: sha }] },
    { service: 'app', container: 'shop-app-1', containerId: 'c2', backups: [{ type: 'fs', instance: 'data', path: `shop-app-1/fs-data/${timestamp}.tar.zst`, timestamp, sha256: sha }] },
  ],
  stoppedAt: '2026-12-07T03:00:00.000Z',
  startedAt: '2026-12-07T03:00:09.000Z',
});
const stage = (rel: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), 'x');
};
const left = () => readdirSync(join(root, '.groups', 'shop')).sort();

describe('pruneStagedGroupSets', () => {
  it('removes a stored set whose backups are all gone from staging, keeps one with a backup left and one not yet stored', async () => {
    const gone = await writeGroupManifest(root, set('20260101T030000Z'));
    const half = await writeGroupManifest(root, set('20260102T030000Z'));
    const unstored = await writeGroupManifest(root, set('20260103T030000Z'));
    stage('shop-app-1/fs-data/20260102T030000Z.tar.zst');
    await markGroupManifestUploaded(gone, 'fake:remote');
    await markGroupManifestUploaded(half, 'fake:remote');
    expect(await groupManifestUploaded(gone)).toBe(true);
    expect(await groupManifestUploaded(unstored)).toBe(false);
    expect(await pruneStagedGroupSets(root, 'shop', true)).toEqual(['20260101T030000Z']);
    expect(left()).toEqual(['20260102T030000Z.group.json', '20260102T030000Z.group.json.uploaded', '20260103T030000Z.group.json']);
  });

  it('with nowhere off-host, a set goes as its members went', async () => {
    await writeGroupManifest(root, set('20260101T030000Z'));
    await writeGroupManifest(root, set('20260102T030000Z'));
    stage('shop-db-1/postgres-main/20260102T030000Z.sql.zst');
    expect(await pruneStagedGroupSets(root, 'shop', false)).toEqual(['20260101T030000Z']);
    expect(left()).toEqual(['20260102T030000Z.group.json']);
  });

  it('a group with no sets: nothing to do', async () => {
    expect(await pruneStagedGroupSets(root, 'nothing', true)).toEqual([]);
  });
});
