// web_browser.goto: opens a URL in the caller's own browser context, after
// the URL policy allows it. The first visit to a host is sensitive (a person
// approves it); later pages on that host are not.
import { z } from 'zod';
import { HearthError } from '../errors.js';
import { pageSummary, type BrowserDeps } from './web-browser-shared.js';
import type { Tool } from './tool.js';

const input = z.object({ url: z.string().max(2048, { message: 'expected a URL of at most 2048 characters' }) }).strict();

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

export const webBrowserGoto: Tool<typeof input, BrowserDeps> = {
  name: 'web_browser.goto',
  description: 'Open an http(s) URL in this conversation\'s browser. Private and local addresses are refused unless configured. Opening a host for the first time needs approval.',
  input,
  sensitive: (args, deps, caller) => {
    const host = hostOf(args.url);
    return host === undefined || !deps.sessions.hasVisited(caller, host);
  },
  timeoutMs: 60_000,
  outputLimit: 2000,
  async run(args, deps, ctx) {
    const verdict = await deps.sessions.checkUrl(args.url);
    if (!verdict.ok) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Refused to open ${JSON.stringify(args.url.slice(0, 200))}: ${verdict.reason}.`);
    const session = await deps.sessions.session(ctx.caller);
    session.visited.add(verdict.host);
    let response: Awaited<ReturnType<typeof session.page.goto>>;
    try {
      response = await session.page.goto(args.url, { timeout: deps.config.timeout, waitUntil: 'domcontentloaded' });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const reason = ((err as Error).message.split('\n')[0] ?? '').replace(/^page\.goto: /, '');
      return { text: `Could not open ${args.url}: ${reason}`, data: { url: args.url, error: reason }, isError: true };
    }
    const summary = await pageSummary(session, `opened ${args.url} (HTTP ${response?.status() ?? 'no response'})`);
    return { ...summary, isError: response !== null && !response.ok() };
  },
};
