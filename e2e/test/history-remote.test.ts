// The history (issue 14) where staging keeps nothing (cleanup_after_upload): a garbage baqup.db is rebuilt from the
// rclone remote alone, and from the restic repository alone. Before the damage, the built controller records what
// happens besides runs — discovery, a failure notification delivered to ntfy, an API restore with its safety copy,
// and a `baqup verify` by the CLI beside the running controller — and /api/history/{kind} answers them.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { startFakeNtfy, type FakeNtfy } from './notify-fixtures.js';
import { backupNow, CLI_MAIN, dataFiles, startCtl, TOKEN, useCtlCleanup, waitDiscovered, type Body, type Ctl } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const run = promisify(execFile);
const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
const work = mkdtempSync(join(tmpdir(), 'baqup-e2e-history-remote-'));
let ntfy: FakeNtfy | undefined;
afterAll(async () => {
  await ntfy?.close();
  rmSync(work, { recursive: true, force: true });
});

const runsOf = async (ctl: Ctl, container: string): Promise<Body[]> => ((await ctl.get(`/api/runs?container=${container}&limit=100`)).body as Body).runs as Body[];
const records = async (ctl: Ctl, kind: string, container: string): Promise<Body[]> => {
  const r = await ctl.get(`/api/history/${kind}?container=${container}`);
  expect(r.status, r.text).toBe(200);
  return (r.body as Body).records as Body[];
};

/** Stops the controller, fills baqup.db with garbage, starts a new one on the same root; resolves once it adopted. */
async function damageAndRestart(ctl: Ctl): Promise<{ next: Ctl; adopted: Body }> {
  expect((await ctl.stop()).code).toBe(0);
  writeFileSync(join(ctl.root, 'data', 'baqup.db'), Buffer.alloc(32 * 1024, 'not sqlite'));
  const next = await startCtl({ root: ctl.root });
  expect(await next.waitForLog((l) => l.event === 'history.corrupt', 30_000)).toMatchObject({ level: 'error' });
  return { next, adopted: await next.waitForLog((l) => l.event === 'history.adopted', 90_000) };
}

describe('history rebuilt from the remote alone', () => {
  it('rclone: records discovery, a delivered alert, an API restore with its safety copy and a CLI verify; a garbage baqup.db is rebuilt from the remote', async () => {
    ntfy = await startFakeNtfy();
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.gone.path': '/no/such/dir' }, cmd: IDLE });
    const ctl = await startCtl({
      config: {
        api: { listen: '127.0.0.1:0', token: TOKEN, allow_restore: true },
        staging: { cleanup_after_upload: true },
        notifications: { on_failure: [ntfy.url('/alerts')] },
      },
    });
    await waitDiscovered(ctl, c.name, 2);
    const ok1 = await backupNow(ctl, c.name, 'fs-data');
    const ok2 = await backupNow(ctl, c.name, 'fs-data');
    const bad = await backupNow(ctl, c.name, 'fs-gone');
    expect([ok1.job.status, ok2.job.status, bad.job.status]).toEqual(['succeeded', 'succeeded', 'failed']);
    // Staging keeps nothing after a verified upload: only the remote holds the backups.
    expect(dataFiles(ctl.staging, c.name, 'fs-data')).toEqual([]);
    expect(dataFiles(ctl.remote, c.name, 'fs-data')).toHaveLength(2);

    const restored = await ctl.post('/api/restores', { container: c.name, target: 'fs-data', confirm: true }, 300_000);
    expect(restored.status, restored.text).toBe(200);
    await ntfy.waitFor(1, 60_000);
    const verify = await run(process.execPath, [CLI_MAIN, 'verify', c.name, '--all', '--config', join(ctl.root, 'config.yml')], {
      env: { ...process.env, BAQUP_DATA_DIR: join(ctl.root, 'data'), BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN, TZ: 'UTC' },
      timeout: 120_000,
    });
    expect(verify.stderr).not.toMatch(/not recorded in the history/);

    const runs = await runsOf(ctl, c.name);
    const safety = runs.filter((r) => r.trigger === 'safety');
    expect(safety).toHaveLength(1);
    expect(safety[0]).toMatchObject({ target: 'fs-data', success: true, location: 'remote', upload: 'uploaded' });
    const [restore] = await records(ctl, 'restores', c.name);
    expect(restore).toMatchObject({ container: c.name, target: 'fs-data', success: true, safety_copy: expect.stringMatching(/^\d{8}T\d{6}Z$/) });
    expect(safety[0].file.startsWith(restore.safety_copy)).toBe(true);
    // The newest backup before the restore was ok2's.
    expect(ok2.job.path).toContain(restore.backup);
    const checked = await records(ctl, 'verifications', c.name);
    expect(checked.length).toBeGreaterThanOrEqual(3);
    expect(checked.every((v) => v.target === 'fs-data' && v.success === true && v.source === 'remote')).toBe(true);
    const alerts = (await ctl.get('/api/history/notifications')).body.records as Body[];
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'failure', container: c.name, target: 'fs-gone', delivered: true }));
    expect(await records(ctl, 'discovery', c.name)).toContainEqual(expect.objectContaining({ action: 'seen', container: c.name, detail: expect.objectContaining({ targets: ['fs-data', 'fs-gone'] }) }));

    const before = runs.filter((r) => r.success).map((r) => r.sha256).sort();
    expect(before).toHaveLength(3);
    const { next, adopted } = await damageAndRestart(ctl);
    expect(adopted.added).toBeGreaterThanOrEqual(3);
    await waitDiscovered(next, c.name, 2);
    const rebuilt = await runsOf(next, c.name);
    expect(rebuilt.map((r) => r.sha256).sort()).toEqual(before);
    expect(rebuilt.every((r) => String(r.id).startsWith('adopted:') && r.location === 'remote' && r.upload === 'uploaded' && r.success)).toBe(true);
    expect(rebuilt.filter((r) => r.trigger === 'safety')).toHaveLength(1);
    const data = ((await next.get('/api/containers')).body as Body[]).find((x) => x.name === c.name).targets.find((t: Body) => t.key.endsWith('/fs-data'));
    expect(data.status).toBe('healthy');
    const again = await backupNow(next, c.name, 'fs-data');
    expect(again.job.status).toBe('succeeded');
    expect((await runsOf(next, c.name))[0].id).toBe(again.job.job_id);
    expect((await next.stop()).code).toBe(0);
  }, 600_000);

  it('restic: a garbage baqup.db is rebuilt from the repository\'s snapshots', async () => {
    const repo = join(work, 'repo');
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, `restic-${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    const c = await startContainer({ image: await ensureImage('base'), labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' }, cmd: IDLE });
    const ctl = await startCtl({ config: { upload: { backend: 'restic', restic: { repository: repo, password_file: passwordFile } }, staging: { cleanup_after_upload: true } } });
    await ctl.waitForLog((l) => l.event === 'restic.ready', 60_000);
    await waitDiscovered(ctl, c.name, 1);
    const ok1 = await backupNow(ctl, c.name, 'fs-data');
    const ok2 = await backupNow(ctl, c.name, 'fs-data');
    expect([ok1.job.status, ok2.job.status]).toEqual(['succeeded', 'succeeded']);
    expect(dataFiles(ctl.staging, c.name, 'fs-data')).toEqual([]);
    const before = await runsOf(ctl, c.name);
    expect(before.map((r) => r.location)).toEqual(['restic', 'restic']);

    const { next, adopted } = await damageAndRestart(ctl);
    expect(adopted.added).toBe(2);
    const rebuilt = await runsOf(next, c.name);
    expect(rebuilt.map((r) => r.sha256)).toEqual([ok2.job.sha256, ok1.job.sha256]);
    expect(rebuilt.every((r) => String(r.id).startsWith('adopted:restic:') && r.location === 'restic' && r.success)).toBe(true);
    const summary = ((await next.get('/api/history/targets')).body as Body).targets.find((t: Body) => t.container === c.name);
    expect(summary).toMatchObject({ target: 'fs-data', runs: 2, failures: 0, failure_streak: 0, last_success: true });
    expect((await next.stop()).code).toBe(0);
  }, 600_000);
});
