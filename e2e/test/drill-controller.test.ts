// Drills through the running controller: `baqup drill` (POST /api/drills) prints the result and the restore time,
// /metrics carries the last passed drill, a failed drill alerts and the next passed one alerts its recovery,
// `drill=false` opts out, a target's own `drill=<cron>` runs by itself. A controller SIGKILLed mid-drill leaves its throwaway container; the next start sweeps it.
// Every drill is a row of the history (fetch and restore time, bytes, result, reason), and after a restart /metrics
// and GET /api/drills start from those rows.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, ensureImage, sqliteSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { DRILL_LABEL } from '@baqup/drill';
import { repoRoot } from '../src/paths.js';
import { appIdle } from './dump-fixtures.js';
import { findFiles, flip } from './drill-fixtures.js';
import { startFakeNtfy, type FakeNtfy } from './notify-fixtures.js';
import { expectOk, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

let ntfy: FakeNtfy;
let baqup: Baqup;
let app: TestContainer;
let pg: TestContainer;

const drillContainers = async () => (await docker().listContainers({ all: true, filters: { label: [DRILL_LABEL] } })).filter((c: { Labels: Record<string, string> }) => c.Labels['baqup.drill.source'] === pg.name);

beforeAll(async () => {
  ntfy = await startFakeNtfy();
  baqup = await startBaqup({ staging: { cleanup_after_upload: false }, notifications: { on_failure: [ntfy.url('/alerts')] } });
  app = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
  await appIdle(app);
  await sqliteSql(app, '/data/app.db', "INSERT INTO items (name) VALUES ('a'), ('b'), ('c');");
  pg = await startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: 'drill-pw' }, labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD', 'backup.postgres.main.drill': 'false' } });
  await baqup.waitTargets(app.name, 1);
  await baqup.waitTargets(pg.name, 1);
  await baqup.backup(app.name);
  await baqup.backup(pg.name);
}, 600_000);

afterAll(async () => {
  await baqup?.ctl.stop();
  await ntfy?.close();
});

describe('baqup drill through the controller', () => {
  it('prints PASSED and the restore time; /metrics has the drill; a failed drill alerts, the next pass alerts recovery', async () => {
    const ok = expectOk(await baqup.cli(['drill', app.name]));
    expect(ok.stdout).toMatch(/^PASSED .*\/sqlite-app at \d{8}T\d{6}Z from remote/m);
    expect(ok.stdout).toMatch(/^restore time: \d+\.\d s \(fetch \d+\.\d s, start \d+\.\d s, check \d+\.\d s, total \d+\.\d s\)$/m);
    expect(ok.stdout).toContain('ok: PRAGMA integrity_check: ok');
    expect(ok.stdout).toContain('ok: 1 table row counts equal');
    // docs/drills.md shows this output: the same lines, up to names, numbers and sizes.
    const shape = (text: string) => text.trim().split('\n').map((l) => l.replace(/\d+(\.\d+)? (B|KiB|MiB|GiB)\b/g, 'SIZE').replace(/\d+(\.\d+)?/g, 'N'));
    const documented = /```\n(PASSED [^`]*)```/.exec(await readFile(join(repoRoot, 'docs/drills.md'), 'utf8'))![1]!;
    expect(shape(ok.stdout.replaceAll(app.name, 'gitea'))).toEqual(shape(documented));
    const metrics = (await baqup.ctl.request('/metrics')).text;
    expect(metrics).toMatch(new RegExp(`^baqup_drill_last_success_timestamp_seconds\\{baqup_container="${app.name}",target="sqlite-app"\\} \\d+`, 'm'));
    expect(metrics).toMatch(new RegExp(`^baqup_drill_failures_total\\{baqup_container="${app.name}",target="sqlite-app"\\} 0$`, 'm'));

    const remote = (await findFiles(join(baqup.dataDir, 'remote'), '.db.zst')).find((p) => p.includes(`/${app.name}/`))!;
    const original = await readFile(remote);
    await writeFile(remote, flip(Buffer.from(original)));
    const bad = await baqup.cli(['drill', app.name, 'app']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED /m);
    expect(bad.stdout).toMatch(/error: .*is corrupt.* \(BAQUP_RESTORE_CHECKSUM\)/);
    const [alert] = await ntfy.waitFor(1, 30_000);
    expect(alert!.body).toContain('sqlite-app drill');
    expect(alert!.body).toContain('BAQUP_RESTORE_CHECKSUM');
    expect((await baqup.ctl.request('/metrics')).text).toMatch(new RegExp(`^baqup_drill_failures_total\\{baqup_container="${app.name}",target="sqlite-app"\\} 1$`, 'm'));

    await writeFile(remote, original);
    expectOk(await baqup.cli(['drill', app.name, 'sqlite-app', '--from', 'remote']));
    const recovered = await ntfy.waitFor(2, 30_000);
    expect(recovered[1]!.body).toMatch(/sqlite-app drill: recovered/);
    const status = await baqup.ctl.getJson<{ targets: { key: string; status: string }[] }>('/api/drills');
    expect(status.targets.find((t) => t.key === `${app.name}/sqlite-app`)?.status).toBe('verified');
  });

  it('drill=false: refused with its reason', async () => {
    const r = await baqup.cli(['drill', pg.name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/opted out of drills \(backup\.postgres\.main\.drill=false\).*BAQUP_DRILL_DISABLED.*HTTP 409/);
  });

  it('a controller killed mid-drill leaves its drill container; the next start with the same data dir sweeps it', async () => {
    // A second controller on the same data dir would fight the first over the lock: this one has its own.
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: 't0k' }, staging: { cleanup_after_upload: false }, logging: { level: 'info', format: 'json' } } });
    const dataDir = join(ctl.dataDir, 'data');
    const labelled = await startContainer({ image: await ensureImage('postgres'), env: { POSTGRES_PASSWORD: 'kill-pw' }, labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' } });
    pg = labelled;
    await ctl.waitFor((l) => l.some((c) => c.name === labelled.name && c.targets.length === 1), 60_000);
    const post = (path: string, body: unknown) => fetch(`http://${ctl.api}${path}`, { method: 'POST', headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(300_000) });
    const b = await post('/api/backups', { container: labelled.name, wait: true });
    expect(b.status).toBe(200);
    const drilling = post('/api/drills', { container: labelled.name }).catch(() => undefined);
    for (let i = 0; i < 300 && (await drillContainers()).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await drillContainers()).toHaveLength(1);
    process.kill(ctl.pid, 'SIGKILL');
    await drilling;
    await new Promise((r) => setTimeout(r, 500));
    expect(await drillContainers()).toHaveLength(1);

    const next = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0' }, logging: { level: 'info', format: 'json' } }, env: { BAQUP_DATA_DIR: dataDir } });
    const swept = await next.waitForLog((l) => l.event === 'drill.swept', 60_000);
    expect(swept.containers).toHaveLength(1);
    expect(await drillContainers()).toEqual([]);
    await next.stop();
    expect((await labelled.container.inspect()).State.Running).toBe(true);
  });

  it('on its schedule: a target with its own drill=<cron> is drilled with nobody asking, and no drill container is left', { timeout: 300_000 }, async () => {
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: 't0k' }, staging: { cleanup_after_upload: false }, logging: { level: 'info', format: 'json' } } });
    const scheduled = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db', 'backup.sqlite.app.drill': '*/5 * * * * *' } });
    await appIdle(scheduled);
    await ctl.waitFor((l) => l.some((c) => c.name === scheduled.name && c.targets.length === 1), 60_000);
    const b = await fetch(`http://${ctl.api}/api/backups`, { method: 'POST', headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' }, body: JSON.stringify({ container: scheduled.name, wait: true }), signal: AbortSignal.timeout(120_000) });
    expect(b.status).toBe(200);
    // The drill schedule is checked once a minute: within two checks the target's cron has fired.
    const passed = await ctl.waitForLog((l) => l.event === 'drill.passed' && l.container === scheduled.name, 200_000);
    expect(passed.target).toBe('sqlite-app');
    const state = (await (await fetch(`http://${ctl.api}/api/drills`)).json()) as { targets: { key: string; status: string }[] };
    expect(state.targets.find((t) => t.key === `${scheduled.name}/sqlite-app`)?.status).toBe('verified');
    const left = (await docker().listContainers({ all: true, filters: { label: [DRILL_LABEL] } })).filter((c: { Labels: Record<string, string> }) => c.Labels['baqup.drill.source'] === scheduled.name);
    expect(left).toEqual([]);
    await ctl.stop();
  });

  it('history: every drill recorded (fetch time, restore time, bytes, result, reason); after a restart /metrics and /api/drills start from it', async () => {
    type Rec = Record<string, unknown>;
    const { records } = await baqup.ctl.getJson<{ records: Rec[] }>(`/api/history/drills?container=${app.name}`);
    // Newest first: the recovery, the damaged one, the first pass.
    expect(records.map((r) => r.success)).toEqual([true, false, true]);
    for (const r of records) expect(r).toMatchObject({ container: app.name, target: 'sqlite-app', source: 'remote', backup: expect.stringMatching(/^\d{8}T\d{6}Z$/) });
    for (const r of [records[0]!, records[2]!]) {
      expect(r.fetch_ms).toEqual(expect.any(Number));
      expect(r.restore_ms).toEqual(expect.any(Number));
      expect(r.bytes).toBeGreaterThan(0);
      expect(r).not.toHaveProperty('error_code');
      expect((r.detail as { checked: string[] }).checked).toContain('PRAGMA integrity_check: ok');
    }
    expect(records[1]).toMatchObject({ error_code: 'BAQUP_RESTORE_CHECKSUM', error_message: expect.stringContaining('is corrupt') });
    expect(records[1]).not.toHaveProperty('restore_ms');
    // The alert and the recovery notice were recorded as notifications of the drill target.
    const notes = (await baqup.ctl.getJson<{ records: Rec[] }>(`/api/history/notifications?container=${app.name}`)).records;
    expect(notes.filter((n) => n.target === 'sqlite-app drill' && n.delivered === true).length).toBeGreaterThanOrEqual(2);

    const drillLines = (text: string) => text.split('\n').filter((l) => l.startsWith('baqup_drill_') && l.includes(`baqup_container="${app.name}"`)).sort();
    const before = drillLines((await baqup.ctl.request('/metrics')).text);
    expect(before.find((l) => l.startsWith('baqup_drill_failures_total'))).toMatch(/ 1$/);
    expect(before.find((l) => l.startsWith('baqup_drill_last_success{'))).toMatch(/ 1$/);
    expect(before.filter((l) => /^baqup_drill_last_(fetch|restore)_seconds/.test(l))).toHaveLength(2);

    // A clean stop (SIGTERM) and a new controller on the same data directory: same drill series, same status.
    process.kill(baqup.ctl.pid, 'SIGTERM');
    for (let i = 0; i < 600 && !baqup.ctl.exited; i++) await new Promise((r) => setTimeout(r, 100));
    expect(baqup.ctl.exited).toBe(true);
    const next = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0' }, logging: { level: 'info', format: 'json' } }, env: { BAQUP_DATA_DIR: baqup.dataDir } });
    try {
      expect(drillLines((await next.request('/metrics')).text)).toEqual(before);
      await next.waitFor((l) => l.some((c) => c.name === app.name), 60_000);
      const status = await next.getJson<{ targets: { key: string; status: string; failures: number; last?: { ok: boolean; restoreMs?: number } }[] }>('/api/drills');
      expect(status.targets.find((t) => t.key === `${app.name}/sqlite-app`)).toMatchObject({ status: 'verified', failures: 1, last: { ok: true, restoreMs: records[0]!.restore_ms } });
      expect(drillLines((await next.request('/metrics')).text)).toEqual(before);
    } finally {
      await next.stop();
    }
  });
});
