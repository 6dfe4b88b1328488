// What the dashboard's browser tests share: Debian's chromium (playwright-core; installed by scripts/ensure-tools.mjs
// --e2e, browser builds cannot be downloaded here) launched once per file and closed after it with the file's
// controller, and a page opened on that controller with the stream live.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { useCleanup } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import type { Baqup } from './restore-fixtures.js';
import { VIEWPORTS } from './dashboard-shots.js';

export const CHROMIUM = process.env.BAQUP_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** startBaqup's token. */
export const TOKEN = 'restore-e2e-token';

export interface DashboardRun {
  readonly browser: Browser;
  /** The file's controller, stopped after its tests (set it once started). */
  baqup: Baqup | undefined;
}

/** Registers the file's hooks: test containers and controllers cleaned up, chromium launched before and closed after. */
export function useDashboard(): DashboardRun {
  useCleanup();
  useControllerCleanup();
  let browser: Browser | undefined;
  const run: DashboardRun = {
    get browser() {
      if (!browser) throw new Error('e2e: chromium is not launched (useDashboard registers beforeAll)');
      return browser;
    },
    baqup: undefined,
  };
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`e2e: ${CHROMIUM} is missing; install Debian's chromium (scripts/ensure-tools.mjs --e2e does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
    await run.baqup?.ctl.stop();
  });
  return run;
}

export interface OpenedPage {
  page: Page;
  /** Uncaught errors in the page (a test expects none). */
  pageErrors: string[];
  /** Page loads so far: 1 while nothing reloaded it. */
  loads: () => number;
}

/**
 * A desktop-sized light page on the run's controller, its stream live. `token`: stored for the tab beforehand (what
 * the token dialog does), so reads and actions go straight through; without it the first action asks for the token.
 */
export async function openPage(run: DashboardRun, o: { token?: boolean } = {}): Promise<OpenedPage> {
  if (!run.baqup) throw new Error('e2e: openPage before the controller was started');
  const page = await run.browser.newPage({ viewport: VIEWPORTS.desktop, colorScheme: 'light' });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let loads = 0;
  page.on('load', () => loads++);
  if (o.token) await page.addInitScript(`sessionStorage.setItem('baqup.token', ${JSON.stringify(TOKEN)})`);
  await page.goto(`http://${run.baqup.ctl.api}/`);
  await expect.poll(() => page.getByTestId('stream-state').textContent(), { timeout: 15_000 }).toBe('live');
  return { page, pageErrors, loads: () => loads };
}
