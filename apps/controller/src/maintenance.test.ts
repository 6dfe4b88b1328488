// The schedule and notification rules of backend maintenance, over a scripted repository (pure units; the real
// restic runs in e2e/test/offsite-restic.test.ts).
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@baqup/core/testing';
import type { NotifyEvent } from '@baqup/notify';
import { rcloneBackend, resticBackend, type RcloneRemote } from '@baqup/upload';
import { scriptedRepository as scripted } from '@baqup/upload/testing';
import { CHECK_NOTICE, startMaintenance } from './maintenance.js';

const NEVER_CRON = '0 0 1 1 *';

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
