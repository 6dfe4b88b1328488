// Screenshots of the dashboard for docs/dashboard/ (the README shows them), at desktop and phone width. Written only
// when BAQUP_E2E_SCREENSHOTS=1, so an ordinary test run leaves the committed pictures alone.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../src/paths.js';

export const SHOTS = join(repoRoot, 'docs/dashboard');
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export const screenshots = process.env.BAQUP_E2E_SCREENSHOTS === '1';

export async function shoot(page: Page, view: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const [name, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SHOTS, `${view}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}
