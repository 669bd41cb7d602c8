// The web_browser tools with the node's real Chromium against a local site that tries prompt injection.
import test from 'ava';
import { existsSync } from 'node:fs';
import { configSchema } from '../../agent/config/schema.js';
import { createSilentLogger } from '../../agent/log.js';
import type { ToolCaller } from '../../agent/tools/tool.js';
import { createBrowserSessions, type BrowserSessions } from '../../agent/tools/web-browser/sessions.js';
import { createUrlPolicy } from '../../agent/tools/web-browser/url-policy.js';
import { UNTRUSTED_NOTE } from '../../agent/tools/web-browser/page-text.js';
import { webBrowserClick } from '../../agent/tools/web-browser-click.js';
import { webBrowserGetPageContent } from '../../agent/tools/web-browser-get-page-content.js';
import { webBrowserGoto } from '../../agent/tools/web-browser-goto.js';
import { webBrowserType } from '../../agent/tools/web-browser-type.js';
import type { BrowserDeps } from '../../agent/tools/web-browser-shared.js';
import { INJECTION, startHostileSite, type HostileSite } from '../support/hostile-page.js';
import { testContext } from '../support/tool-context.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
const it = missing === undefined ? test.serial : test.skip;
if (missing !== undefined) test.skip(`browser tests skipped: ${missing}`, () => {});

let site: HostileSite;
let sessions: BrowserSessions;
let deps: BrowserDeps;
const alice: ToolCaller = { kind: 'twin', conversationId: 'alice' };
const bob: ToolCaller = { kind: 'twin', conversationId: 'bob' };

test.before(async () => {
  if (missing !== undefined) return;
  site = await startHostileSite();
  // Loopback is denied by default; the test opens exactly 127.0.0.1 (not 127.0.0.2, the "internal" server).
  const config = configSchema().parse({ tools: { browser: { executablePath: CHROMIUM, allow: ['127.0.0.1'], outputLimit: 5000 } } }).tools.browser;
  sessions = createBrowserSessions({ executablePath: CHROMIUM, checkUrl: createUrlPolicy(config), log: createSilentLogger() });
  deps = { config, sessions };
});
test.after.always(async () => {
  await sessions?.stop();
  await site?.stop();
});

const ctx = (caller: ToolCaller) => testContext(caller);

it('the first goto to a host is sensitive, later ones are not', async (t) => {
  const sensitive = webBrowserGoto.sensitive as (i: { url: string }, d: BrowserDeps, c: ToolCaller) => boolean;
  t.true(sensitive({ url: site.url }, deps, alice));
  const result = await webBrowserGoto.run({ url: site.url }, deps, ctx(alice));
  t.regex(result.text, /HTTP 200/);
  t.false(sensitive({ url: `${site.url}search?q=x` }, deps, alice));
  t.true(sensitive({ url: site.url }, deps, bob), 'another conversation has its own approvals');
});

it('page text comes back framed as untrusted data, injection included as plain data', async (t) => {
  const result = await webBrowserGetPageContent.run({}, deps, ctx(alice));
  t.true(result.text.startsWith(UNTRUSTED_NOTE));
  const body = result.text.slice(result.text.indexOf('<<<PAGE CONTENT\n'), result.text.lastIndexOf('\nPAGE CONTENT>>>'));
  t.true(body.includes('IGNORE ALL PREVIOUS INSTRUCTIONS'));
  t.false(body.includes('PAGE CONTENT>>>'), 'the page cannot close the frame itself');
  t.is(result.text.split('PAGE CONTENT>>>').length, 2);
  t.like(result.data, { untrusted: true, title: 'Welcome' });
  t.true(INJECTION.length > 0);
});

it('the page\'s requests to an internal address are blocked', async (t) => {
  t.is(site.internalHits(), 0);
  const click = await t.throwsAsync(async () => {
    await webBrowserClick.run(webBrowserClick.input.parse({ selector: '#away' }), deps, ctx(alice));
    const content = await webBrowserGetPageContent.run({}, deps, ctx(alice));
    if (!content.text.includes('secret-metadata')) throw new Error('navigation was blocked');
  });
  t.truthy(click);
  t.is(site.internalHits(), 0);
});

it('type and click work on the page, on the host already opened', async (t) => {
  await webBrowserGoto.run({ url: site.url }, deps, ctx(alice));
  await webBrowserType.run(webBrowserType.input.parse({ selector: '#q', text: 'sleep policy', submit: true }), deps, ctx(alice));
  t.regex((await webBrowserGetPageContent.run({}, deps, ctx(alice))).text, /You searched for sleep policy/);
  await webBrowserGoto.run({ url: site.url }, deps, ctx(alice));
  await webBrowserClick.run(webBrowserClick.input.parse({ text: 'more' }), deps, ctx(alice));
  t.regex((await webBrowserGetPageContent.run({}, deps, ctx(alice))).text, /You searched for from-link/);
});

it('file, internal and link-local URLs are refused before the browser opens them', async (t) => {
  for (const url of ['file:///etc/shadow', site.internalUrl, 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://10.0.0.1/', 'chrome://settings']) {
    await t.throwsAsync(webBrowserGoto.run({ url }, deps, ctx(alice)), { message: /Refused to open/ }, url);
  }
  t.false(webBrowserGoto.input.safeParse({ url: `http://127.0.0.1/${'a'.repeat(100 * 1024 * 1024)}` }).success);
  t.is(site.internalHits(), 0);
});

it('a page that cannot be reached is an error result, not a failure', async (t) => {
  const result = await webBrowserGoto.run({ url: 'http://127.0.0.1:1/' }, deps, ctx(alice));
  t.true(result.isError);
  t.regex(result.text, /Could not open http:\/\/127\.0\.0\.1:1\/: net::ERR_/);
});

it('page text is capped', async (t) => {
  await webBrowserGoto.run({ url: `${site.url}long` }, deps, ctx(alice));
  const result = await webBrowserGetPageContent.run({}, deps, ctx(alice));
  t.regex(result.text, /\[page text cut: \d+ more characters\]/);
  t.true(result.text.length < 6000);
});

it('each conversation has its own context, closed with it', async (t) => {
  const alicePage = (await sessions.session(alice)).page;
  await webBrowserGoto.run({ url: site.url }, deps, ctx(alice));
  t.regex(String(await alicePage.evaluate('document.cookie')), /hearth_test=site-cookie/);
  const bobSession = await sessions.session(bob);
  bobSession.visited.add('127.0.0.1');
  await bobSession.page.goto(`${site.url}search?q=bob`);
  t.is(String(await bobSession.page.evaluate('document.cookie')), '');
  await sessions.close(alice);
  t.true(alicePage.isClosed());
  t.false(sessions.hasVisited(alice, '127.0.0.1'));
});
