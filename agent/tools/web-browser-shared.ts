// What the four web_browser tools share: their dependencies and the summary
// each returns after acting (the page's address and title, never its text).
import type { HearthConfig } from '../config/schema.js';
import type { BrowserSession, BrowserSessions } from './web-browser/sessions.js';
import type { ToolResult } from './tool.js';

export interface BrowserDeps {
  readonly config: HearthConfig['tools']['browser'];
  readonly sessions: BrowserSessions;
}

export async function pageSummary(session: BrowserSession, action: string): Promise<ToolResult> {
  const url = session.page.url();
  const title = (await session.page.title()).slice(0, 300);
  return { text: `${action}; now at ${url} (title: ${JSON.stringify(title)}). Use web_browser.get_page_content to read it.`, data: { url, title } };
}

/** A CSS selector or visible text the model names an element by: bounded, one line. */
export const ELEMENT_LIMIT = 500;
