// Debian's chromium driven by playwright-core (never a downloaded browser).
// Tests skip with one clear line when it is not installed.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoPath } from '../../agent/util/paths.js';

export const CHROMIUM = process.env['HEARTH_CHROMIUM'] ?? '/usr/bin/chromium';

export function chromiumSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!existsSync(repoPath('dist', 'web', 'index.html'))) return 'the page is not built (npm run build:page)';
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI has no user namespace sandbox; the pages are our own, served from loopback.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** testing/.work/screenshots: the test artifacts (gitignored). */
export function screenshotDir(): string {
  const dir = repoPath('testing', '.work', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const screenshotPath = (name: string): string => join(screenshotDir(), `${name}.png`);
