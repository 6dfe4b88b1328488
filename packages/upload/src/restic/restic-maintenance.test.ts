// upload.restic.maintenance: an instance that does not maintain a shared repository forgets its own snapshots by
// its retention but never runs `restic prune` nor `restic check` (pure unit over a scripted repository; the real
// restic runs in e2e/test/upload-restic.test.ts).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import { resticBackend } from '../backend.js';
import type { ResticRepository } from './restic-repository.js';

function scripted() {
  const calls: string[] = [];
  const repo = {
    display: '/srv/restic',
    host: 'node-a',
    init: async () => 'exists' as const,
    forgetSnapshots: async (ids: string[]) => void calls.push(`forget ${ids.join(',')}`),
    prune: async () => void calls.push('prune'),
    check: async () => void calls.push('check'),
    snapshots: async () => [{ id: 'snap1', shortId: 'snap1', time: new Date('2026-01-01T03:00:00Z'), host: 'node-a', tags: ['container:shop_db', 'target:fs-data', 'schedule:daily'], paths: ['/shop_db/fs-data.tar.zst'] }],
  } as unknown as ResticRepository;
  return { repo, calls };
}

const ref = { container: 'shop_db', type: 'fs' as const, instance: 'data', schedule: 'daily' };
// Retention that removes every listed snapshot.
const forgetAll = { fields: {}, byFiles: async (side: { list(): Promise<Array<{ path: string }>>; remove(p: string): Promise<void> }) => {
  for (const e of await side.list()) await side.remove(e.path);
} };

describe('upload.restic.maintenance', () => {
  it('true (the default): forgets, then prunes; checks', async () => {
    const { repo, calls } = scripted();
    const backend = resticBackend(repo, silentLogger);
    await backend.forget(ref, { keepLast: 1 }, forgetAll);
    expect(backend.check).toBeTypeOf('function');
    await backend.check!();
    expect(calls).toEqual(['forget snap1', 'prune', 'check']);
  });

  it('false: forgets its own snapshots, never prunes, has no check', async () => {
    const { repo, calls } = scripted();
    const backend = resticBackend(repo, silentLogger, undefined, { maintenance: false });
    await backend.forget(ref, { keepLast: 1 }, forgetAll);
    expect(backend.check).toBeUndefined();
    expect(calls).toEqual(['forget snap1']);
  });
});
