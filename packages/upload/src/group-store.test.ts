// Group sets off-host are pruned by their members: a set none of whose backups the store still holds goes, one
// with a backup left stays; a backup is matched by timestamp and sha256 (the same content twice has one sha256).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import type { GroupManifest } from '@baqup/stage';
import { heldKey, orphanedSet, pruneGroupSets, type GroupManifestStore, type RemoteGroupSet } from './group-store.js';

const sha = 'd'.repeat(64);
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

function fakeStore(sets: string[], held: Record<string, string[]>, fail?: string) {
  const removed: string[] = [];
  let finished = 0;
  const store: GroupManifestStore = {
    display: 'fake:remote',
    store: async () => {},
    list: async (group) => sets.filter((t) => !removed.includes(t)).map((timestamp): RemoteGroupSet => ({ group, timestamp, ref: `.groups/${group}/${timestamp}.group.json` })),
    read: async (s) => set(s.timestamp),
    remove: async (s) => {
      if (s.timestamp === fail) throw new Error('remote said no');
      removed.push(s.timestamp);
    },
    held: async (container, type, instance) => new Set((held[`${container}/${type}-${instance}`] ?? []).map((t) => heldKey(t, sha))),
    finish: async () => void finished++,
  };
  return { store, removed, finished: () => finished };
}

describe('orphanedSet', () => {
  it('is orphaned only when none of its backups is held', () => {
    const m = set('20260101T030000Z');
    expect(orphanedSet(m, () => false)).toBe(true);
    expect(orphanedSet(m, (c) => c === 'shop-app-1')).toBe(false);
    expect(orphanedSet({ ...m, members: m.members.map((x) => ({ ...x, backups: [] })) }, () => false)).toBe(false);
  });
});

describe('pruneGroupSets', () => {
  it('removes the sets whose members are all pruned and keeps the others; a same-content backup of another time does not keep a set', async () => {
    // Day 1's backups are pruned; day 2 keeps app's; day 3 keeps both. Same sha256 everywhere (unchanged data).
    const f = fakeStore(['20260101T030000Z', '20260102T030000Z', '20260103T030000Z'], {
      'shop-db-1/postgres-main': ['20260103T030000Z'],
      'shop-app-1/fs-data': ['20260102T030000Z', '20260103T030000Z'],
    });
    expect(await pruneGroupSets(f.store, 'shop', silentLogger)).toEqual(['20260101T030000Z']);
    expect(f.removed).toEqual(['20260101T030000Z']);
    expect(f.finished()).toBe(1);
  });

  it('never throws: a failed removal is logged and the rest waits for the next run', async () => {
    const lines: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void lines.push(msg) };
    const f = fakeStore(['20260101T030000Z', '20260102T030000Z'], {}, '20260101T030000Z');
    await expect(pruneGroupSets(f.store, 'shop', logger)).resolves.toEqual([]);
    expect(lines).toEqual(['group sets not pruned off-host']);
  });
});
