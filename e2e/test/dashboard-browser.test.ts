// The dashboard in a real browser (playwright-core driving Debian's chromium, installed by scripts/ensure-tools.mjs)
// against the BUILT controller and real labelled sqlite containers: the token is asked for on the first action;
// "back up now" produces a run that appears without a reload; the verdict changes when a backup fails. Each view is
// photographed at desktop and phone width into docs/dashboard/ (the README shows them) with BAQUP_E2E_SCREENSHOTS=1.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensureImage, execIn, sqliteSql, startContainer, type TestContainer } from '../src/index.js';
import { appIdle } from './dump-fixtures.js';
import { startBaqup } from './restore-fixtures.js';
import { screenshots, shoot, SHOTS } from './dashboard-shots.js';
import { openPage, TOKEN, useDashboard } from './dashboard-fixtures.js';

const run = useDashboard();

async function sqliteApp(): Promise<TestContainer> {
  const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' } });
  await appIdle(c);
  await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('one'), ('two');");
  return c;
}

const row = (page: Page, key: string) => page.locator(`[data-testid="target-row"][data-key="${key}"]`);

describe('the dashboard in a browser', () => {
  it('asks for the token once, shows a backup-now run without a reload, and turns the verdict when a backup fails', async () => {
    const baqup = (run.baqup = await startBaqup());
    const [good, failing] = await Promise.all([sqliteApp(), sqliteApp()]);
    await baqup.waitTargets(good.name, 1);
    await baqup.waitTargets(failing.name, 1);
    await baqup.backup(failing.name); // succeeded once: it fails later, after having been protected

    const { page, pageErrors, loads } = await openPage(run);
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 15_000 }).toBe('All protected · 1 waiting for a first backup');

    // Back up now: 401 → the token dialog → the action retried with the token.
    await page.click('a[href="#/targets"]');
    await row(page, `${good.name}/sqlite-app`).getByRole('button', { name: /Back up .* now/ }).click();
    await page.getByRole('dialog', { name: 'API token' }).getByRole('textbox', { name: 'Token' }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.getByTestId('message').textContent(), { timeout: 15_000 }).toBe(`Queued: ${good.name}/sqlite-app`);
    // The run appears by the stream alone: the row turns ok and shows a last backup, the page never reloaded.
    await expect.poll(() => row(page, `${good.name}/sqlite-app`).getAttribute('data-health'), { timeout: 60_000 }).toBe('ok');
    await page.click('a[href="#/activity"]');
    await expect.poll(() => page.locator(`[data-testid="finished-job"][data-status="succeeded"][data-trigger="manual"]`).count(), { timeout: 15_000 }).toBe(2);
    await page.click('a[href="#/"]');
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 15_000 }).toBe('All protected');
    await expect.poll(() => page.getByTestId('count-ok').textContent()).toBe('2 ok');

    // A backup that fails (the database is no longer one): the verdict turns, the row says why.
    await execIn(failing, ['sh', '-c', 'printf "this is not a database, not any more" > /data/app.db']);
    await page.click('a[href="#/targets"]');
    await row(page, `${failing.name}/sqlite-app`).getByRole('button', { name: /Back up .* now/ }).click();
    await expect.poll(() => row(page, `${failing.name}/sqlite-app`).getAttribute('data-health'), { timeout: 60_000 }).toBe('failing');
    await page.click('a[href="#/"]');
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 15_000 }).toBe('1 needs attention');
    await expect.poll(() => page.getByTestId('count-failing').textContent()).toBe('1 failing');
    expect(loads()).toBe(1);
    expect(pageErrors).toEqual([]);

    // Screenshots of each view, then the same at phone width and in dark.
    await shoot(page, 'overview');
    await page.click('a[href="#/targets"]');
    await page.getByTestId('target-row').first().waitFor();
    await shoot(page, 'targets');
    await page.click('a[href="#/activity"]');
    await page.getByTestId('finished-job').first().waitFor();
    await shoot(page, 'activity');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click('a[href="#/"]');
    if (screenshots) await page.screenshot({ path: join(SHOTS, 'overview-dark.png') });
    await page.close();
  }, 240_000);
});
