// Mission Control in a real browser (Debian chromium, playwright-core) against
// a live agent on the simulator: the real twin, its model a scripted
// OpenAI-compatible server registered in Consul, and the power stand-in
// (the real power manager needs eBPF). Each view is used as a person would,
// checked with axe-core, and photographed (testing/.work/screenshots).
import test from 'ava';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from './browser.js';
import { startLiveAgent, type LiveAgent } from './live-agent.js';
import { openPage, PHONE, screenshot, seriousViolations, showView, signedInPage, signIn } from './page.js';

const TOKEN = 'mc-browser-token-8f3a1c';
const skip = chromiumSkipReason();

if (skip !== undefined) {
  test(`mission control browser tests: skipped (${skip})`, (t) => t.pass());
} else {
  let agent: LiveAgent;
  let browser: Browser;

  test.before(async () => {
    agent = await startLiveAgent({ token: TOKEN, approvalDeadline: '8s', wordMs: 80 });
    browser = await launchChromium();
  });
  test.after.always(async () => {
    await browser?.close();
    await agent?.stop();
  });

  test.serial('a wrong token is refused with a plain message; the right one signs in and no token is kept in the URL or storage', async (t) => {
    const { page, context, problems } = await openPage(browser, agent.url);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the agent\'s API token' }).waitFor();
    await screenshot(page, 'sign-in');
    t.deepEqual(await seriousViolations(page), []);
    await signIn(page, TOKEN);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'hearth_session');
    t.truthy(session);
    t.true(session?.httpOnly);
    t.is(session?.sameSite, 'Strict');
    t.false(page.url().includes(TOKEN));
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
    t.false(stored.includes(TOKEN));
    t.false((await page.content()).includes(TOKEN));
    // The wrong token's 401 is the only failed request.
    t.deepEqual(problems.filter((p) => !p.includes('401')), []);
    await context.close();
  });

  test.serial('a forged session cookie gets the sign-in form, and nothing the page would show', async (t) => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'hearth_session', value: 'A'.repeat(43), url: agent.url }]);
    const page = await context.newPage();
    await page.goto(agent.url);
    await page.getByLabel('API token').waitFor();
    t.is(await page.getByRole('navigation', { name: 'Views' }).count(), 0);
    const refused = await page.evaluate<number>("fetch('/api/v1/conversations', { method: 'POST', headers: { 'x-hearth-csrf': 'x' } }).then((r) => r.status)");
    t.is(refused, 401);
    await context.close();
  });

  test.serial('the cluster view shows the nodes, and a job submitted to Nomad appears without reloading', async (t) => {
    const { page, context, problems } = await signedInPage(browser, agent.url, TOKEN);
    await page.locator('[data-testid=nodes] tr[data-node=node-1]').waitFor();
    t.is(await page.locator('[data-testid=nodes] tbody tr').count(), 3);
    const job = { Job: { ID: 'web-<b>x</b>', Datacenters: ['dc1'], TaskGroups: [{ Name: 'app', Count: 1, Tasks: [{ Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 100, MemoryMB: 64 } }] }] } };
    const res = await fetch(`${agent.nomadAddr}/v1/jobs`, { method: 'PUT', body: JSON.stringify(job) });
    t.is(res.status, 200);
    const row = page.locator('[data-testid=jobs] tr[data-job="web-<b>x</b>"]');
    await row.waitFor({ timeout: 5000 });
    t.regex(await row.innerText(), /web-<b>x<\/b>/);
    t.is(await page.locator('[data-testid=jobs] b').count(), 0);
    await screenshot(page, 'cluster');
    t.deepEqual(await seriousViolations(page), []);
    t.deepEqual(problems, []);
    await context.close();
  });

  test.serial('a message streams its answer token by token, names the expert, and HTML in it is shown as text', async (t) => {
    const { page, context, problems } = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Conversation');
    agent.power.setState('prima-api-code', 'sleeping');
    await page.getByLabel('Message').fill('wake up and fix this javascript function bug <img src=x onerror="document.title=1">');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('answer').last();
    await page.getByRole('status').filter({ hasText: 'Waking prima-api-code' }).waitFor();
    await answer.filter({ hasText: 'You said' }).waitFor();
    const partial = await answer.innerText();
    await page.locator('[data-turn][aria-busy=false]').waitFor();
    const full = await answer.innerText();
    t.true(full.length > partial.length, `expected the answer to grow while streaming (${partial.length} then ${full.length} characters)`);
    t.regex(await page.getByTestId('transcript').innerText(), /twin via prima-api-code/);
    t.is(await page.locator('[data-testid=transcript] img').count(), 0);
    t.regex(full, /<img src=x/);
    await screenshot(page, 'conversation');
    t.deepEqual(await seriousViolations(page), []);
    t.deepEqual(problems, []);
    await context.close();
  });

  test.serial('an approval approved on one page is seen decided on a second, with the tool call and result inline', async (t) => {
    const asker = await signedInPage(browser, agent.url, TOKEN);
    const watcher = await signedInPage(browser, agent.url, TOKEN);
    await showView(watcher.page, 'Approvals');
    await showView(asker.page, 'Conversation');
    await asker.page.getByLabel('Message').fill('lower the idle threshold of the code expert');
    await asker.page.getByRole('button', { name: 'Send' }).click();
    const pendingOnWatcher = watcher.page.locator('article[data-approval]');
    await pendingOnWatcher.waitFor();
    await watcher.page.getByRole('status').filter({ hasText: 'Approval requested: power.set_idle_threshold' }).waitFor();
    t.regex(await pendingOnWatcher.getByTestId('countdown').innerText(), /Denied automatically in \d+ s/);
    await screenshot(watcher.page, 'approvals-pending');
    t.deepEqual(await seriousViolations(watcher.page), []);
    await showView(asker.page, 'Approvals');
    const id = await pendingOnWatcher.getAttribute('data-approval');
    await asker.page.locator(`article[data-approval="${id}"]`).getByRole('button', { name: 'Approve' }).click();
    const decided = watcher.page.locator(`[data-testid=audit] tr[data-approval="${id}"]`);
    await decided.waitFor({ timeout: 1000 });
    t.regex(await decided.innerText(), /approved/);
    t.regex(await decided.innerText(), /page session/);
    await showView(asker.page, 'Conversation');
    await asker.page.locator('.tool').filter({ hasText: 'power.set_idle_threshold' }).locator('.result').waitFor();
    await asker.page.locator('[data-turn][aria-busy=false]').filter({ hasText: 'Done' }).waitFor();
    await screenshot(asker.page, 'conversation-tool-call');
    t.deepEqual([...asker.problems, ...watcher.problems], []);
    await asker.context.close();
    await watcher.context.close();
  });

  test.serial('edited arguments are approved as edited; a request nobody decides expires and shows as expired', async (t) => {
    const { page, context } = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Conversation');
    await page.getByLabel('Message').fill('change the idle threshold, but nobody will answer');
    await page.getByRole('button', { name: 'Send' }).click();
    await showView(page, 'Approvals');
    const card = page.locator('article[data-approval]');
    await card.waitFor();
    const id = await card.getAttribute('data-approval');
    const row = page.locator(`[data-testid=audit] tr[data-approval="${id}"]`);
    await row.waitFor({ timeout: 15_000 });
    t.regex(await row.innerText(), /expired/);
    t.regex(await row.innerText(), /timeout/);

    await showView(page, 'Conversation');
    await page.getByLabel('Message').fill('set the idle threshold again');
    await page.getByRole('button', { name: 'Send' }).click();
    await showView(page, 'Approvals');
    const next = page.locator('article[data-approval]');
    await next.waitFor();
    const editedId = await next.getAttribute('data-approval');
    const args = next.getByLabel('Arguments (JSON, editable)');
    await args.fill('{ "service": "prima-api-code", "duration": "20m"');
    await next.getByRole('button', { name: 'Approve edited' }).click();
    await next.getByRole('alert').filter({ hasText: 'Expected the arguments to be JSON' }).waitFor();
    await args.fill('{ "service": "prima-api-code", "duration": "20m" }');
    await next.getByRole('button', { name: 'Approve edited' }).click();
    const editedRow = page.locator(`[data-testid=audit] tr[data-approval="${editedId}"]`);
    await editedRow.waitFor();
    t.regex(await editedRow.innerText(), /edited/);
    await screenshot(page, 'approvals');
    // The edited call ran: the power view shows the threshold the person chose, not the model's.
    await showView(page, 'Power');
    await page.locator('article[data-service=prima-api-code]').getByTestId('idle-timeout').filter({ hasText: '20 min (operator)' }).waitFor();
    await context.close();
  });

  test.serial('memory is saved to a file, short-term memory cleared, and the file loaded back after its summary', async (t) => {
    const { page, context, problems } = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Conversation');
    await page.getByLabel('Message').fill('remember the blue rack');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-turn][aria-busy=false]').last().waitFor();
    await showView(page, 'Memory');
    await page.getByRole('button', { name: 'Search' }).click();
    const shortTerm = page.getByTestId('short-term');
    await shortTerm.filter({ hasText: 'remember the blue rack' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save to a file' }).click()]);
    const file = await download.path();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string };
    t.is(saved.format, 'hearth-memory');
    await page.getByRole('button', { name: 'Clear short-term memory' }).click();
    await page.getByRole('status').filter({ hasText: 'Short-term memory cleared.' }).waitFor();
    t.is(await shortTerm.locator('li').count(), 0);
    // A file that is not a memory file is refused and nothing changes.
    await page.locator('#memory-file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":"<script>x</script>"}') });
    await page.getByRole('alert').filter({ hasText: 'refused; nothing changed' }).waitFor();
    await page.locator('#memory-file').setInputFiles({ name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('not json at all') });
    await page.getByRole('alert').filter({ hasText: 'Expected a memory file saved by hearth' }).waitFor();
    // Too large for the page (8 MiB), and too large for the agent (1 MiB body limit) when sent anyway.
    await page.locator('#memory-file').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(9 * 1024 * 1024, 0x20) });
    await page.getByRole('alert').filter({ hasText: 'Expected a memory file of at most 8 MiB' }).waitFor();
    const oversized = await page.evaluate<number>(`fetch('/api/v1/session').then((r) => r.json()).then((session) => fetch('/api/v1/memory/import?dryRun=1', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-csrf': session.csrf },
      body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    })).then((r) => r.status)`);
    t.is(oversized, 413);
    t.is(await shortTerm.locator('li').count(), 0, 'nothing changed');
    await page.locator('#memory-file').setInputFiles(file);
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    t.regex(await summary.innerText(), /conversations/);
    await screenshot(page, 'memory');
    t.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: 'Apply' }).click();
    await shortTerm.filter({ hasText: 'remember the blue rack' }).waitFor();
    t.deepEqual(problems.filter((p) => !p.includes('400') && !p.includes('413')), []);
    await context.close();
  });

  test.serial('setting an idle threshold changes the power view on every open page; sleep and wake are actions', async (t) => {
    const { page, context, problems } = await signedInPage(browser, agent.url, TOKEN);
    const other = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Power');
    await showView(other.page, 'Power');
    const card = page.locator('article[data-service=prima-api-code]');
    await card.getByLabel('Idle threshold').fill('25m');
    await card.getByRole('button', { name: 'Set' }).click();
    await other.page.locator('article[data-service=prima-api-code]').getByTestId('idle-timeout').filter({ hasText: '25 min (operator)' }).waitFor({ timeout: 1000 });
    await card.getByRole('button', { name: 'Sleep' }).click();
    await other.page.locator('article[data-service=prima-api-code] .badge-sleeping').waitFor({ timeout: 1000 });
    await card.getByRole('button', { name: 'Wake' }).click();
    await card.locator('.badge-awake').waitFor();
    t.regex(await card.locator('figure').innerText(), /operator/);
    await screenshot(page, 'power');
    t.deepEqual(await seriousViolations(page), []);
    t.deepEqual([...problems, ...other.problems], []);
    await context.close();
    await other.context.close();
  });

  test.serial('the log lists conversation events newest first and filters them', async (t) => {
    const { page, context } = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Log');
    const other = await signedInPage(browser, agent.url, TOKEN);
    await showView(other.page, 'Conversation');
    await other.page.getByLabel('Message').fill('log this please');
    await other.page.getByRole('button', { name: 'Send' }).click();
    const rows = page.locator('[data-testid=log] tbody tr');
    await rows.filter({ hasText: 'answered by prima-api-router' }).waitFor();
    t.regex(await rows.first().innerText(), /answered by/);
    await page.getByLabel('Kind').selectOption('routing');
    await page.getByLabel('Filter').fill('routed');
    t.true((await rows.count()) >= 1);
    for (const text of await rows.allInnerTexts()) t.regex(text, /routed/);
    await page.getByLabel('Filter').fill('');
    await page.getByLabel('Kind').selectOption('all');
    await screenshot(page, 'log');
    t.deepEqual(await seriousViolations(page), []);
    await context.close();
    await other.context.close();
  });

  test.serial('a disconnected agent shows as disconnected and the page recovers by itself when it returns', async (t) => {
    const { page, context } = await signedInPage(browser, agent.url, TOKEN);
    await agent.stopAgent();
    await page.getByRole('alert').filter({ hasText: 'Disconnected from the agent' }).waitFor({ timeout: 5000 });
    t.regex(await page.getByTestId('connection').innerText(), /disconnected/);
    await screenshot(page, 'disconnected');
    await agent.startAgent();
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
    t.is(await page.getByRole('alert').filter({ hasText: 'Disconnected' }).count(), 0);
    await page.locator('[data-testid=nodes] tr[data-node=node-1]').waitFor();
    await context.close();
  });

  test.serial('an agent without a token says the page is read-only and offers no action', async (t) => {
    const open = await startLiveAgent({});
    try {
      const { page, context, problems } = await openPage(browser, open.url);
      await page.getByRole('note').filter({ hasText: 'Read-only' }).waitFor();
      await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
      await page.locator('[data-testid=nodes] tr[data-node]').first().waitFor();
      await showView(page, 'Power');
      t.is(await page.getByRole('button', { name: 'Sleep' }).count(), 0);
      await showView(page, 'Conversation');
      t.true(await page.getByLabel('Message').isDisabled());
      await screenshot(page, 'read-only');
      t.deepEqual(problems.filter((p) => !p.includes('403')), []);
      await context.close();
    } finally {
      await open.stop();
    }
  });

  test.serial('the page works at phone width and in the dark scheme without serious accessibility violations', async (t) => {
    const { page, context } = await signedInPage(browser, agent.url, TOKEN, { viewport: PHONE, colorScheme: 'dark' });
    await page.locator('[data-testid=nodes] tr').first().waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    t.true(overflow <= 1, `expected no sideways scrolling at phone width, got ${overflow} px`);
    await screenshot(page, 'cluster-phone-dark');
    t.deepEqual(await seriousViolations(page), []);
    for (const view of ['Power', 'Conversation', 'Approvals', 'Memory', 'Log']) {
      await showView(page, view);
      t.deepEqual(await seriousViolations(page), [], `${view} at phone width, dark`);
    }
    await showView(page, 'Power');
    await screenshot(page, 'power-phone-dark');
    // Keyboard only: Tab reaches the Log link and Enter opens the view.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.getAttribute('href') === '#log'");
    }
    t.true(reached, 'expected Tab to reach the Log link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Log' }).waitFor();
    t.is(await page.evaluate<string>('location.hash'), '#log');
    await context.close();
  });
}
