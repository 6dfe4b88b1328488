// One controller per data directory (apps/controller/src/data-lock.ts): a second one on the same data exits at once
// with BAQUP_CONTROLLER_LOCKED naming the holder, and touches nothing of the first: it neither replays the journal
// (starting the container the first holds stopped) nor sweeps the first one's partial file.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONTROLLER_MAIN } from '../src/controller-process.js';
import { ensureImage, quietZone, startContainer, useCleanup } from '../src/index.js';
import { until } from './dump-fixtures.js';
import { journalEntries, partials, startCtl, useCtlCleanup, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const exec = promisify(execFile);
const idle = (prepare: string) => ['sh', '-c', `${prepare}; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];
const HUGE = 'mkdir -p /data && for i in 1 2 3 4 5 6 7 8; do truncate -s 4G /data/f$i; done';

describe('one controller per data directory', () => {
  it('a second controller exits at once naming the holder, without replaying the journal or sweeping partial files', async () => {
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' }, cmd: idle(HUGE) });
    const first = await startCtl({ env: { BAQUP_SHUTDOWN_HOLD_GRACE_MS: '1000' } });
    await waitDiscovered(first, c.name, 1);
    expect((await first.post('/api/backups', { container: c.name, target: 'fs-data' })).status).toBe(202);
    await first.waitForLog((l) => l.event === 'container.stopped' && l.container === c.name, 60_000);
    await until('a partial file in staging', async () => partials(first.staging).length > 0, 300);
    const partial = partials(first.staging);

    const t0 = Date.now();
    const second = await exec(process.execPath, [CONTROLLER_MAIN, '--config', join(first.root, 'config.yml')], {
      env: { ...process.env, TZ: quietZone(), BAQUP_DATA_DIR: join(first.root, 'data') },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code, stdout: e.stdout ?? '' }),
    );
    expect(second.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const lines = second.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { msg?: string; event?: string; error?: { code?: string; message?: string } });
    const refused = lines.find((l) => l.error?.code === 'BAQUP_CONTROLLER_LOCKED');
    expect(refused?.error?.message).toContain(`baqup controller (pid ${first.pid}`);
    expect(refused?.error?.message).toContain(join(first.root, 'data'));
    // It did nothing before giving up: no start, no sweep, no API.
    expect(lines.some((l) => l.event === 'container.started' || l.event === 'controller.started' || /removed partial/.test(l.msg ?? ''))).toBe(false);
    // (No inspect here: the engine answers none for a container while its archive is streaming.)
    expect(journalEntries(first.root).map((e) => e.containerId)).toEqual([c.id]);
    expect(partials(first.staging)).toEqual(partial);
    expect((await first.get('/api/status')).status).toBe(200);

    // The first one still shuts down cleanly and starts its container.
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    expect((await c.container.inspect()).State.Running).toBe(true);
    expect(journalEntries(first.root)).toEqual([]);
  }, 180_000);
});
