// Helpers the browser tests share: a signed-in page, the accessibility check,
// a CSP watch and screenshots at laptop and phone width.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repoPath } from '../../agent/util/paths.js';
import { screenshotPath } from './browser.js';

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface OpenPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages that report a refused resource (CSP) or a page error. */
  readonly problems: string[];
}

export async function openPage(browser: Browser, url: string, options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? LAPTOP, colorScheme: options.colorScheme ?? 'light', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  return { context, page, problems };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
}

export async function signedInPage(browser: Browser, url: string, token: string, options: Parameters<typeof openPage>[2] = {}): Promise<OpenPage> {
  const opened = await openPage(browser, url, options);
  await signIn(opened.page, token);
  return opened;
}

export async function showView(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}

const AXE = () => readFileSync(repoPath('node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (run through the devtools protocol, not a script tag the CSP would refuse). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE());
  const violations = await page.evaluate<{ id: string; impact: string | null; nodes: { target: unknown }[] }[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) })))",
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}
