// web_browser.click: clicks an element named by CSS selector or by its
// visible text. A navigation it starts to a host not opened with goto is
// refused by the session's request check.
import { z } from 'zod';
import { ELEMENT_LIMIT, pageSummary, type BrowserDeps } from './web-browser-shared.js';
import type { Tool } from './tool.js';

const input = z
  .object({
    selector: z.string().min(1).max(ELEMENT_LIMIT).optional(),
    text: z.string().min(1).max(ELEMENT_LIMIT).optional(),
  })
  .strict()
  .refine((v) => (v.selector === undefined) !== (v.text === undefined), { message: 'expected exactly one of `selector` or `text`' });

export const webBrowserClick: Tool<typeof input, BrowserDeps> = {
  name: 'web_browser.click',
  description: 'Click an element of the current page, named by a CSS `selector` or by its visible `text`.',
  input,
  sensitive: false,
  timeoutMs: 30_000,
  outputLimit: 2000,
  async run(args, deps, ctx) {
    const { page } = await deps.sessions.session(ctx.caller);
    const target = args.selector !== undefined ? page.locator(args.selector) : page.getByText(args.text ?? '', { exact: false });
    await target.first().click({ timeout: Math.min(deps.config.timeout, 10_000) });
    await page.waitForLoadState('domcontentloaded', { timeout: deps.config.timeout }).catch(() => undefined);
    return await pageSummary(await deps.sessions.session(ctx.caller), `clicked ${args.selector ?? JSON.stringify(args.text)}`);
  },
};
