// Config keys from the environment, through the BUILT controller process with a config file that does not set
// them: restic's own RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE (with BAQUP_UPLOAD_BACKEND=restic) take a real
// backup into a real repository; BAQUP_NOTIFY_ON_FAILURE delivers a failure to a real ntfy-like server on loopback.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { startFakeNtfy } from './notify-fixtures.js';
import { backupNow, expectCleanLogs } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const PASSWORD = `restic-${randomBytes(12).toString('hex')}`;
const work = mkdtempSync(join(tmpdir(), 'baqup-e2e-config-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const idle = ['sh', '-c', 'mkdir -p /data && echo hello > /data/a && trap "exit 0" TERM; sleep 86400 & wait'];

describe('config keys from the environment (real controller)', () => {
  it("restic from RESTIC_REPOSITORY and RESTIC_PASSWORD_FILE: the backup lands in that repository; the failure URL from BAQUP_NOTIFY_ON_FAILURE is told", async () => {
    const base = await ensureImage('base');
    const ok = `e2e-${runId}-envcfg-ok`;
    const bad = `e2e-${runId}-envcfg-bad`;
    await startContainer({ image: base, name: ok, cmd: idle, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    await startContainer({ image: base, name: bad, cmd: idle, labels: { 'backup.enabled': 'true', 'backup.fs.gone.path': '/nowhere' } });
    const repo = join(work, 'repo');
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const ntfy = await startFakeNtfy();
    try {
      const ctl = await startControllerProcess({
        config: { api: { listen: '127.0.0.1:0', token: TOKEN } },
        env: { BAQUP_UPLOAD_BACKEND: 'restic', RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, BAQUP_NOTIFY_ON_FAILURE: ntfy.url('/alerts') },
        startTimeoutMs: 60_000,
      });
      const loaded = ctl.logs().find((l) => l.event === 'config.loaded');
      expect(String(loaded?.remote)).toContain(`restic ${repo}`);
      await ctl.waitFor((l) => l.some((c) => c.name === ok) && l.some((c) => c.name === bad), 60_000);

      expect((await backupNow(ctl, TOKEN, ok)).jobs[0]!.status).toBe('succeeded');
      const snapshots = JSON.parse(execFileSync('restic', ['snapshots', '--json', '--no-lock'], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_FILE: passwordFile, RESTIC_CACHE_DIR: join(work, 'cache') } }).toString()) as Array<{ tags?: string[] }>;
      expect(snapshots.filter((s) => s.tags?.includes(`container:${ok}`))).toHaveLength(1);

      expect((await backupNow(ctl, TOKEN, bad)).jobs[0]!.status).toBe('failed');
      const deadline = Date.now() + 60_000;
      while (!ntfy.delivered.some((m) => m.body.includes(`${bad}/`) || String(m.headers.title).includes(`${bad}/`))) {
        if (Date.now() > deadline) throw new Error(`no failure message about ${bad}; got ${JSON.stringify(ntfy.delivered.map((m) => m.headers.title))}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await ctl.stop();
      expectCleanLogs(ctl, [TOKEN, PASSWORD]);
    } finally {
      await ntfy.close();
    }
  }, 240_000);
});
