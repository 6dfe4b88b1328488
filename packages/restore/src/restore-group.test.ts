// findGroupSet: which set `baqup restore --group` restores — the newest (or --at) of staging and the remote together,
// read from staging when it has it, from the remote when staging lost it; --from limits it to one side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeGroupManifest, writeGroupManifest, type GroupManifest } from '@baqup/stage';
import type { RcloneRemote } from '@baqup/upload';
import { findGroupSet } from './restore-group.js';
import type { BackupSources } from './sources.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-find-set-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const set = (timestamp: string, trigger: GroupManifest['trigger'] = 'schedule'): GroupManifest => ({
  version: 1,
  group: 'shop',
  timestamp,
  trigger,
  startOrder: ['db'],
  members: [{ service: 'db', container: 'shop-db-1', containerId: 'c1', backups: [{ type: 'fs', instance: 'data', path: `shop-db-1/fs-data/${timestamp}.tar.zst`, timestamp, sha256: 'e'.repeat(64) }] }],
  stoppedAt: '2026-12-07T03:00:00.000Z',
  startedAt: '2026-12-07T03:00:09.000Z',
});

/** An rclone remote holding `remote` sets (read back as trigger manual, so the side a set came from shows). */
function sources(remote: string[], broken = false): BackupSources {
  const ops = {
    display: 'fake:remote/host',
    files: async () => {
      if (broken) throw new Error('remote unreachable');
      return remote.map((t) => `${t}.group.json`);
    },
    readText: async (rel: string) => serializeGroupManifest(set(/(\d{8}T\d{6}Z)/.exec(rel)![1]!, 'manual')),
  } as unknown as RcloneRemote;
  return { stagingRoot: root, rclone: { remote: 'fake:remote', display: 'fake:remote', ops } };
}

describe('findGroupSet', () => {
  it('the newest of both sides: from staging when staging has it, else from the remote', async () => {
    await writeGroupManifest(root, set('20260102T030000Z'));
    const deps = { stagingRoot: root, sources: sources(['20260101T030000Z', '20260102T030000Z', '20260103T030000Z']) };
    expect(await findGroupSet(deps, { group: 'shop' })).toMatchObject({ timestamp: '20260103T030000Z', trigger: 'manual' });
    expect(await findGroupSet(deps, { group: 'shop', at: '20260102T030000Z' })).toMatchObject({ timestamp: '20260102T030000Z', trigger: 'schedule' });
    expect(await findGroupSet(deps, { group: 'shop', at: '20260101T030000Z' })).toMatchObject({ trigger: 'manual' });
  });

  it('staging lost: the remote alone', async () => {
    expect(await findGroupSet({ stagingRoot: root, sources: sources(['20260101T030000Z']) }, { group: 'shop', at: 'latest' })).toMatchObject({ timestamp: '20260101T030000Z' });
  });

  it('--from limits the search to one side', async () => {
    await writeGroupManifest(root, set('20260102T030000Z'));
    const deps = { stagingRoot: root, sources: sources(['20260103T030000Z']) };
    expect(await findGroupSet(deps, { group: 'shop', from: 'staging' })).toMatchObject({ timestamp: '20260102T030000Z' });
    expect(await findGroupSet(deps, { group: 'shop', from: 'remote' })).toMatchObject({ timestamp: '20260103T030000Z' });
    await expect(findGroupSet(deps, { group: 'shop', from: 'remote', at: '20260102T030000Z' })).rejects.toThrow(/no group backup at 20260102T030000Z in fake:remote\/host \(there are: 20260103T030000Z\)/);
  });

  it('none anywhere: the error names where it looked and what there is; an unreachable remote is said, staging still used', async () => {
    await expect(findGroupSet({ stagingRoot: root, sources: sources([]) }, { group: 'shop' })).rejects.toThrow(`group shop: no group backup in ${root} or fake:remote/host`);
    await writeGroupManifest(root, set('20260102T030000Z'));
    expect(await findGroupSet({ stagingRoot: root, sources: sources([], true) }, { group: 'shop' })).toMatchObject({ timestamp: '20260102T030000Z' });
    await expect(findGroupSet({ stagingRoot: root, sources: sources([], true) }, { group: 'shop', at: '20990101T000000Z' })).rejects.toThrow(/could not be listed: remote unreachable/);
  });
});
