// The schedule and notification rules of backend maintenance, over a scripted repository (pure units; the real
// restic runs in e2e/test/offsite-restic.test.ts).
import { describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import type { LogFields } from '@baqup/core';
import type { NotifyEvent } from '@baqup/notify';
import { rcloneBackend, resticBackend, type RcloneRemote, type ResticRepository, type UnlockReport } from '@baqup/upload';
import { CHECK_NOTICE, startMaintenance } from './maintenance.js';

const NEVER_CRON = '0 0 1 1 *';

function scripted(opts: { checkFails?: () => boolean; unlock?: () => UnlockReport; init?: () => Promise<'created' | 'exists'> } = {}) {
  const calls: string[] = [];
  let running = 0;
  let overlapped = false;
  const op = <T>(name: string, value: T, fail = false) => async (): Promise<T> => {
    calls.push(`${name}:start`);
    running++;
    if (running > 1) overlapped = true;
    await new Promise((r) => setTimeout(r, 5));
    running--;
    calls.push(`${name}:end`);
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
    snapshots: async () => [],
    dump: () => {
      throw new Error('not used');
    },
    unlockStale: async () => {
      calls.push('unlock');
      return opts.unlock?.() ?? { deadRemoved: 0, locks: 0, old: 0, removedAll: false };
    },
  };
  return { repo, calls, overlapped: () => overlapped };
}

function memoryLogger() {
  const lines: Array<LogFields & { level: string; msg: string }> = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ ...fields, level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('startMaintenance', () => {
  it('a failing check is an error line and a failed notice; only the recovery after it is notified', async () => {
    let fail = true;
    const s = scripted({ checkFails: () => fail });
    const logger = memoryLogger();
    const notices: NotifyEvent[] = [];
    const m = startMaintenance({ backend: resticBackend(s.repo, logger), checkCron: NEVER_CRON, timezone: 'UTC', logger, notify: (e) => notices.push(e) });
    expect(await m.ready).toBe(true);
    expect(await m.check()).toBe(false);
    fail = false;
    expect(await m.check()).toBe(true);
    expect(await m.check()).toBe(true);
    m.stop();
    expect(notices).toEqual([
      { kind: 'result', ...CHECK_NOTICE, success: false, error: { code: 'BAQUP_INTERNAL', message: 'check failed' } },
      { kind: 'result', ...CHECK_NOTICE, success: true },
    ]);
    expect(logger.lines.filter((l) => l.event?.startsWith('restic.')).map((l) => [l.level, l.event])).toEqual([
      ['info', 'restic.ready'],
      ['error', 'restic.check_failed'],
      ['info', 'restic.checked'],
      ['info', 'restic.checked'],
    ]);
  });

  it('a repository that cannot be opened is an error line, ready is false; an invalid cron is reported', async () => {
    const s = scripted({ init: () => Promise.reject(new Error('Fatal: wrong password or no key found')) });
    const logger = memoryLogger();
    const m = startMaintenance({ backend: resticBackend(s.repo, logger), checkCron: 'not a cron', timezone: 'UTC', logger, notify: () => undefined });
    expect(await m.ready).toBe(false);
    m.stop();
    expect(logger.lines.find((l) => l.event === 'restic.unavailable')).toMatchObject({ level: 'error', error: { message: 'Fatal: wrong password or no key found' } });
    expect(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('upload.restic.check_cron is invalid'))).toBe(true);
  });

  it('a backend without a check (rclone) is opened and never checked: no cron, no notices', async () => {
    const logger = memoryLogger();
    const remote = { display: '/srv/remote' } as RcloneRemote;
    const m = startMaintenance({ backend: rcloneBackend(remote, '/srv/remote'), checkCron: 'not a cron', timezone: 'UTC', logger, notify: () => { throw new Error('no notice expected'); } });
    expect(await m.ready).toBe(true);
    expect(await m.check()).toBe(true);
    m.stop();
    expect(logger.lines).toEqual([]);
  });
});
