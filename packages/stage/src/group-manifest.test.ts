// Group manifests: written atomically under `.groups/`, read back checked in full, never taken for a container's
// backups by the staging listing.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupManifestError } from '@baqup/core';
import {
  groupManifestPath,
  groupManifestProblem,
  listGroupManifests,
  parseGroupManifest,
  readGroupManifest,
  serializeGroupManifest,
  writeGroupManifest,
  type GroupManifest,
} from './group-manifest.js';
import { listStaged } from './list-staged.js';

const dir = mkdtempSync(join(tmpdir(), 'baqup-group-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = 'b'.repeat(64);
const manifest = (timestamp: string, change: (m: GroupManifest) => void = () => {}): GroupManifest => {
  const m: GroupManifest = {
    version: 1,
    group: 'shop',
    timestamp,
    trigger: 'schedule',
    startOrder: ['db', 'app', 'web'],
    members: [
      { service: 'db', container: 'shop-db-1', containerId: 'c1', backups: [{ type: 'postgres', instance: 'main', path: `shop-db-1/postgres-main/${timestamp}.sql.zst`, timestamp, sha256: sha }] },
      { service: 'app', container: 'shop-app-1', containerId: 'c2', backups: [{ type: 'fs', instance: 'data', path: `shop-app-1/fs-data/${timestamp}.tar.zst`, timestamp, sha256: sha }] },
      { service: 'web', container: 'shop-web-1', containerId: 'c3', backups: [] },
    ],
    stoppedAt: '2026-12-07T03:00:00.000Z',
    startedAt: '2026-12-07T03:00:09.000Z',
  };
  change(m);
  return m;
};

describe('group manifests', () => {
  it('lives at .groups/{group}/{timestamp}.group.json, relative to staging (and to the host on the remote)', () => {
    expect(groupManifestPath('shop', '20261207T030000Z')).toBe('.groups/shop/20261207T030000Z.group.json');
    expect(groupManifestPath('../x', '20261207T030000Z')).toBe('.groups/_.._x/20261207T030000Z.group.json');
  });

  it('writes atomically and reads back the newest set, or the one at a timestamp', async () => {
    const root = join(dir, 'rw');
    const first = await writeGroupManifest(root, manifest('20261206T030000Z'));
    await writeGroupManifest(root, manifest('20261207T030000Z'));
    expect(first).toBe(join(root, '.groups/shop/20261206T030000Z.group.json'));
    // a torn write from a crash: a hidden partial name, never listed
    writeFileSync(join(root, '.groups/shop/.20261208T030000Z.group.json.partial-abc123'), '{"version": 1, "gr');
    expect(readdirSync(join(root, '.groups/shop')).filter((n) => n.includes('partial'))).toHaveLength(1);
    expect((await listGroupManifests(root)).map((s) => s.timestamp)).toEqual(['20261206T030000Z', '20261207T030000Z']);
    expect(await readGroupManifest(root, 'shop')).toEqual(manifest('20261207T030000Z'));
    expect((await readGroupManifest(root, 'shop', '20261206T030000Z')).timestamp).toBe('20261206T030000Z');
  });

  it('names the sets there are when the one asked for is not there', async () => {
    const root = join(dir, 'missing');
    await expect(readGroupManifest(root, 'shop')).rejects.toThrow(GroupManifestError);
    await writeGroupManifest(root, manifest('20261207T030000Z'));
    await expect(readGroupManifest(root, 'shop', '20261201T000000Z')).rejects.toThrow(/no group backup at 20261201T000000Z .*\(there are: 20261207T030000Z\)/);
    await expect(readGroupManifest(root, 'other')).rejects.toThrow(/group other: no group backup in/);
  });

  it('is never listed as a container backup by the staging listing', async () => {
    const root = join(dir, 'listing');
    // a group whose name would split like a target directory (`my-stack` → type my, instance stack)
    await writeGroupManifest(root, manifest('20261207T030000Z', (m) => (m.group = 'my-stack')));
    mkdirSync(join(root, 'shop-db-1/postgres-main'), { recursive: true });
    writeFileSync(join(root, 'shop-db-1/postgres-main/20261207T030000Z.sql.zst'), 'x');
    expect((await listStaged(root)).map((e) => e.container)).toEqual(['shop-db-1']);
  });

  it.each([
    ['another version', (m: Record<string, unknown>) => (m.version = 2), /version 2, this baqup reads version 1/],
    ['no members', (m: Record<string, unknown>) => (m.members = []), /no members/],
    ['a bad timestamp', (m: Record<string, unknown>) => (m.timestamp = 'yesterday'), /timestamp "yesterday"/],
    ['a member twice', (m: GroupManifest) => m.members.push({ ...m.members[0]! }), /service db listed twice/],
    ['a start order that is not the members', (m: GroupManifest) => (m.startOrder = ['db', 'app']), /start order/],
    ['a backup without sha256', (m: GroupManifest) => delete (m.members[0]!.backups[0] as Partial<GroupManifest['members'][0]['backups'][0]>).sha256, /lacks type, instance, path or sha256/],
    ['a path outside the member\'s target', (m: GroupManifest) => (m.members[0]!.backups[0]!.path = '../../etc/passwd'), /backup path "..\/..\/etc\/passwd" of db is not shop-db-1\/postgres-main\/<timestamp>.<ext>/],
    ['another container\'s file', (m: GroupManifest) => (m.members[0]!.backups[0]!.path = 'shop-app-1/postgres-main/20261207T030000Z.sql.zst'), /is not shop-db-1\/postgres-main/],
  ])('refuses %s, saying what is wrong', (_name, change, message) => {
    const m = manifest('20261207T030000Z', change as (m: GroupManifest) => void);
    expect(groupManifestProblem(m)).toMatch(message);
    expect(() => parseGroupManifest(serializeGroupManifest(m), 'x.group.json')).toThrow(message);
  });

  it('refuses text that is not a manifest, and will not write a bad one', async () => {
    expect(() => parseGroupManifest('{"version": 1, "gro', 'f.json')).toThrow('f.json: not JSON');
    expect(() => parseGroupManifest('[]')).toThrow('not an object');
    await expect(writeGroupManifest(join(dir, 'bad'), manifest('20261207T030000Z', (m) => (m.members = [])))).rejects.toThrow(/not writing a group manifest: no members/);
    expect(await listGroupManifests(join(dir, 'bad'))).toEqual([]);
  });
});
