// Test doubles for users of the restic backend (`@baqup/upload/testing`): a scripted repository that records the
// order of its operations and whether two ever overlapped. Pure units only; the real restic runs in e2e.
import { PassThrough, type Readable } from 'node:stream';
import type { ResticRepository } from './restic/restic-repository.js';
import type { UnlockReport } from './restic/restic-locks.js';

export interface ScriptedRepositoryOptions {
  checkFails?: () => boolean;
  unlock?: () => UnlockReport;
  init?: () => Promise<'created' | 'exists'>;
}

/** A ResticRepository whose operations each take a few milliseconds and log `<op>:start`/`<op>:end` into `calls`. */
export function scriptedRepository(opts: ScriptedRepositoryOptions = {}) {
  const calls: string[] = [];
  let running = 0;
  let overlapped = false;
  const begin = (name: string) => {
    calls.push(`${name}:start`);
    running++;
    if (running > 1) overlapped = true;
  };
  const end = (name: string) => {
    running--;
    calls.push(`${name}:end`);
  };
  const op = <T>(name: string, value: T, fail = false) => async (): Promise<T> => {
    begin(name);
    await new Promise((r) => setTimeout(r, 5));
    end(name);
    if (fail) throw new Error(`${name} failed`);
    return value;
  };
  const repo: ResticRepository = {
    display: '/srv/restic',
    host: 'test-host',
    init: opts.init ?? op('init', 'exists' as const),
    backupStdin: (_input: Readable) => op('backup', { snapshotId: 'abc', bytesProcessed: 1, bytesAdded: 1, durationMs: 1 })(),
    forgetSnapshots: () => op('forget', undefined)(),
    prune: () => op('prune', undefined)(),
    check: () => op('check', undefined, opts.checkFails?.() ?? false)(),
    snapshots: () => op('snapshots', [])(),
    // A dump runs until its stream is closed.
    dump: () => {
      begin('dump');
      const out = new PassThrough();
      out.once('close', () => end('dump'));
      return out;
    },
    unlockStale: async () => {
      calls.push('unlock');
      return opts.unlock?.() ?? { deadRemoved: 0, locks: 0, old: 0, removedAll: false };
    },
  };
  return { repo, calls, overlapped: () => overlapped };
}
