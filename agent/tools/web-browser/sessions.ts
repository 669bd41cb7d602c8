// One Chromium (the node's, never a downloaded one) shared by every
// conversation, and one isolated browser context per caller: no cookie,
// storage or cache crosses between them, and close(caller) ends a context
// with its conversation. Every request a page makes is checked against the
// URL policy; a top-level navigation to a host the caller has not opened
// with goto (and so had approved) is refused.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HearthError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ToolCaller } from '../tool.js';
import type { UrlVerdict } from './url-policy.js';

export interface BrowserSession {
  readonly page: Page;
  /** Hosts this caller opened with goto: navigation is allowed there without a new approval. */
  readonly visited: Set<string>;
}

export interface BrowserSessions {
  session(caller: ToolCaller): Promise<BrowserSession>;
  hasVisited(caller: ToolCaller, host: string): boolean;
  checkUrl(url: string): Promise<UrlVerdict>;
  /** Closes the caller's context (its conversation ended). */
  close(caller: ToolCaller): Promise<void>;
  stop(): Promise<void>;
}

export interface BrowserSessionsDeps {
  readonly executablePath: string;
  readonly checkUrl: (url: string) => Promise<UrlVerdict>;
  readonly log: Logger;
}

export function callerKey(caller: ToolCaller): string {
  switch (caller.kind) {
    case 'twin': return `twin:${caller.conversationId}`;
    case 'mcp': return `mcp:${caller.client}`;
    case 'a2a': return `a2a:${caller.peer}:${caller.taskId}`;
    case 'operator': return `operator:${caller.who}`;
  }
}

export function createBrowserSessions(deps: BrowserSessionsDeps): BrowserSessions {
  let browser: Promise<Browser> | undefined;
  const sessions = new Map<string, Promise<{ context: BrowserContext } & BrowserSession>>();
  const visitedNow = new Map<string, Set<string>>();

  async function launch(): Promise<Browser> {
    const { chromium } = await import('playwright-core');
    // Chromium's own sandbox cannot run as root; the agent as root runs it without (the URL policy still holds).
    const asRoot = process.getuid?.() === 0;
    try {
      return await chromium.launch({ executablePath: deps.executablePath, headless: true, chromiumSandbox: !asRoot, args: ['--disable-dev-shm-usage'] });
    } catch (err) {
      throw new HearthError('HEARTH_ERR_INTERNAL', `Cannot start Chromium at ${deps.executablePath} (tools.browser.executablePath): ${(err as Error).message.split('\n')[0] ?? ''}`, { cause: err });
    }
  }

  async function open(visited: Set<string>): Promise<{ context: BrowserContext } & BrowserSession> {
    browser ??= launch();
    const context = await (await browser).newContext({ acceptDownloads: false, serviceWorkers: 'block', javaScriptEnabled: true });
    await context.route('**/*', async (route) => {
      const request = route.request();
      const verdict = await deps.checkUrl(request.url());
      const topLevel = request.isNavigationRequest() && request.frame().parentFrame() === null;
      if (!verdict.ok || (topLevel && !visited.has(verdict.host))) {
        deps.log.info({ url: request.url().slice(0, 200), reason: verdict.ok ? 'not opened with goto' : verdict.reason }, 'browser request refused');
        await route.abort('blockedbyclient');
        return;
      }
      await route.continue();
    });
    const page = await context.newPage();
    return { context, page, visited };
  }

  return {
    async session(caller) {
      const key = callerKey(caller);
      let entry = sessions.get(key);
      if (entry === undefined) {
        const visited = new Set<string>();
        visitedNow.set(key, visited);
        entry = open(visited);
        sessions.set(key, entry);
        entry.catch(() => { sessions.delete(key); visitedNow.delete(key); });
      }
      return await entry;
    },
    hasVisited(caller, host) {
      return visitedNow.get(callerKey(caller))?.has(host) === true;
    },
    checkUrl: deps.checkUrl,
    async close(caller) {
      const key = callerKey(caller);
      const entry = sessions.get(key);
      sessions.delete(key);
      visitedNow.delete(key);
      if (entry !== undefined) await (await entry).context.close().catch(() => undefined);
    },
    async stop() {
      const entries = [...sessions.values()];
      sessions.clear();
      visitedNow.clear();
      await Promise.allSettled(entries.map(async (e) => (await e).context.close()));
      const current = browser;
      browser = undefined;
      if (current !== undefined) await (await current.catch(() => undefined))?.close();
    },
  };
}
