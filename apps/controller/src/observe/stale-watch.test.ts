// The watch over a real StateStore with a fake clock: one stale line/notice/mark, then one recovery.
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupJob, ContainerBackupConfig, LogFields, Logger } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import type { NotifyEvent } from '@baqup/notify';
import { StateStore } from '@baqup/state';
import { startStaleWatch, type StaleWatch } from './stale-watch.js';

const db: ContainerBackupConfig = {
  containerId: 'id-db', containerName: 'db', image: 'x', enabled: true, stop: false,
  schedules: { hourly: { name: 'hourly', cron: '0 * * * *', retention: { keepLast: 3 } } },
  targets: [{ type: 'fs', instance: 'data', schedule: 'hourly', compress: 'none', timeoutSeconds: 60, path: '/data', properties: {} }],
  errors: [],
};
const watches: StaleWatch[] = [];
afterEach(() => watches.splice(0).forEach((w) => w.stop()));

describe('startStaleWatch', () => {
  it('announces a stale target once, marks it, and announces the recovery once', () => {
    let now = new Date('2026-03-02T00:00:30Z');
    const store = new StateStore('x', { now: () => now });
    const desired = new Map([[db.containerId, db]]);
    store.applyDesired(desired);
    const lines: Array<[string, LogFields | undefined]> = [];
    const logger: Logger = { ...silentLogger, warn: (m, f) => void lines.push(['warn', f]), info: (m, f) => void lines.push(['info', f]) };
    const notices: NotifyEvent[] = [];
    const w = startStaleWatch({ store, desired: () => desired, timezone: 'UTC', factor: 2, logger, notify: (e) => notices.push(e), intervalMs: 3_600_000, now: () => now });
    watches.push(w);

    w.check();
    expect(lines).toEqual([]);
    now = new Date('2026-03-02T02:01:00Z'); // > 2 × 1 h after discovery
    w.check();
    w.check();
    expect(lines).toEqual([['warn', expect.objectContaining({ event: 'target.stale', container: 'db', target: 'fs-data', schedule: 'hourly', last_success: null })]]);
    expect(notices).toEqual([expect.objectContaining({ kind: 'target.stale', container: 'db', target: 'db/fs-data', schedule: 'hourly' })]);
    expect(store.snapshot().targets.get('db/fs-data')).toMatchObject({ stale: true, status: 'warning' });

    const job = { id: 'j', container: db, target: db.targets[0]!, schedule: db.schedules.hourly!, triggeredAt: now, trigger: 'schedule' } as BackupJob;
    store.recordResult({ job, success: true, durationSeconds: 1, bytes: 10 });
    w.check();
    w.check();
    expect(lines.map(([, f]) => f?.event)).toEqual(['target.stale', 'target.recovered']);
    expect(notices.map((n) => n.kind)).toEqual(['target.stale', 'target.recovered']);
    expect(store.snapshot().targets.get('db/fs-data')).toMatchObject({ stale: false, status: 'healthy' });
  });
});
