// POST /api/restores on the real controller: disabled by default (403), token-guarded (401), needs confirm: true
// (400), and with all three a sqlite backup made through POST /api/backups is loaded back.
import { afterEach, describe, expect, it } from 'vitest';
import { ensureImage, sqliteSql, startContainer, useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { appIdle } from './dump-fixtures.js';
import { running, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const SUM = "SELECT count(*) || ':' || max(name) FROM items;";
let baqup: Baqup | undefined;
afterEach(async () => {
  await baqup?.ctl.stop();
  baqup = undefined;
});

async function post(b: Baqup, body: unknown, token: string | null = 'restore-e2e-token'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://${b.ctl.api}/api/restores`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/restores', () => {
  it('is off unless api.allow_restore is true', async () => {
    baqup = await startBaqup();
    const r = await post(baqup, { container: 'x', target: 'y', confirm: true });
    expect(r.status).toBe(403);
    expect(String(r.body.error)).toMatch(/api\.allow_restore/);
  });

  it('with allow_restore: token and confirm required, then restores a sqlite backup', async () => {
    baqup = await startBaqup({ api: { listen: '127.0.0.1:0', token: 'restore-e2e-token', allow_restore: true } });
    const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
    await appIdle(c); // the app creates the database at start: let it finish first
    await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('one'), ('two'), ('three');");
    const want = await sqliteSql(c, '/data/app.db', SUM);
    await baqup.waitTargets(c.name, 1);
    await baqup.backup(c.name);
    await sqliteSql(c, '/data/app.db', 'DELETE FROM items;');

    expect((await post(baqup, { container: c.name, target: 'app', confirm: true }, null)).status).toBe(401);
    expect((await post(baqup, { container: c.name, target: 'app' })).status).toBe(400);
    expect((await post(baqup, { container: c.name, target: 'nope', confirm: true })).status).toBe(404);
    const dry = await post(baqup, { container: c.name, target: 'app', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(await sqliteSql(c, '/data/app.db', SUM)).not.toBe(want);

    const r = await post(baqup, { container: c.name, target: 'app', confirm: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(String(r.body.checksum)).toMatch(/matches the manifest/);
    expect(await sqliteSql(c, '/data/app.db', SUM)).toBe(want);
    expect(await running(c)).toBe(true);
    await baqup.ctl.waitForLog((l) => l.event === 'restore.finished' && l.container === c.name, 5_000);
  });
});
