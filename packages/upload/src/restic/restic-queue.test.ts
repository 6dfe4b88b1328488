// The queue rules of one restic repository, over a scripted repository (pure units; the real restic runs in
// e2e/test/upload-restic.test.ts and offsite-restic.test.ts).
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@baqup/core/testing';
import { scriptedRepository as scripted } from '../testing.js';
import { queuedRepository } from './restic-queue.js';

describe('queuedRepository', () => {
  it('runs locking operations one at a time, in call order, each after a stale-lock check (not init)', async () => {
    const s = scripted();
    const repo = queuedRepository(s.repo, memoryLogger());
    await Promise.all([repo.init(), repo.backupStdin(undefined as unknown as Readable, { stdinFilename: 'a', tags: [] }), repo.forgetSnapshots(['abc']), repo.check()]);
    expect(s.overlapped()).toBe(false);
    expect(s.calls).toEqual(['init:start', 'init:end', 'unlock', 'backup:start', 'backup:end', 'unlock', 'forget:start', 'forget:end', 'unlock', 'check:start', 'check:end']);
  });

  it('a failed operation does not block the queue; removed locks and a failed lock check are logged', async () => {
    let n = 0;
    const s = scripted({
      checkFails: () => true,
      unlock: () => {
        n++;
        if (n === 2) throw new Error('repository unreachable');
        return { deadRemoved: 1, locks: 0, old: 0, removedAll: false };
      },
    });
    const logger = memoryLogger();
    const repo = queuedRepository(s.repo, logger);
    const results = await Promise.allSettled([repo.check(), repo.forgetSnapshots(['abc'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'stale restic locks removed before check'],
      ['warn', 'stale-lock check before forget failed'],
    ]);
    expect(logger.lines[0]).toMatchObject({ dead: 1, repository: '/srv/restic' });
  });

  it('snapshots and dump take their turn too: a dump holds the queue until its stream is done', async () => {
    const s = scripted();
    const repo = queuedRepository(s.repo, memoryLogger());
    const stream = repo.dump('abc', 'app/fs-main.tar');
    const after = repo.snapshots();
    await new Promise((r) => setTimeout(r, 20));
    expect(s.calls).toEqual(['dump:start']);
    stream.destroy();
    await after;
    expect(s.overlapped()).toBe(false);
    expect(s.calls).toEqual(['dump:start', 'dump:end', 'snapshots:start', 'snapshots:end']);
  });
});
