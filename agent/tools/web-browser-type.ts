// web_browser.type: fills a form field named by CSS selector, optionally
// pressing Enter to submit it.
import { z } from 'zod';
import { ELEMENT_LIMIT, pageSummary, type BrowserDeps } from './web-browser-shared.js';
import type { Tool } from './tool.js';

const input = z
  .object({
    selector: z.string().min(1).max(ELEMENT_LIMIT),
    text: z.string().max(10_000, { message: 'expected at most 10000 characters to type' }),
    submit: z.boolean().default(false),
  })
  .strict();

export const webBrowserType: Tool<typeof input, BrowserDeps> = {
  name: 'web_browser.type',
  description: 'Type text into a field of the current page named by a CSS `selector`; `submit: true` presses Enter afterwards.',
  input,
  sensitive: false,
  timeoutMs: 30_000,
  outputLimit: 2000,
  async run(args, deps, ctx) {
    const session = await deps.sessions.session(ctx.caller);
    const field = session.page.locator(args.selector).first();
    await field.fill(args.text, { timeout: Math.min(deps.config.timeout, 10_000) });
    if (args.submit) {
      await field.press('Enter');
      await session.page.waitForLoadState('domcontentloaded', { timeout: deps.config.timeout }).catch(() => undefined);
    }
    return await pageSummary(session, `typed ${args.text.length} characters into ${args.selector}${args.submit ? ' and submitted' : ''}`);
  },
};
