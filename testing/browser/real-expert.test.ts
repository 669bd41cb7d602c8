// The page against a real expert: llama-server with a tiny random-weight
// model (testing/support/llama.ts) registered as prima-api-router. A question streams into the
// Conversation view token by token from the real server, through the real
// twin, the event bus and the WebSocket.
import test from 'ava';
import type { Browser } from 'playwright-core';
import { firstReason } from '../support/skip.js';
import { llamaSkipReason, startLlamaServer, tinyModel, type LlamaServer } from '../support/llama.js';
import { chromiumSkipReason, launchChromium } from './browser.js';
import { startLiveAgent, type LiveAgent } from './live-agent.js';
import { screenshot, showView, signedInPage } from './page.js';

const TOKEN = 'mc-real-expert-token-41c7';
const skip = firstReason(chromiumSkipReason(), llamaSkipReason());

if (skip !== undefined) {
  test(`mission control with a real llama-server: skipped (${skip})`, (t) => t.pass());
} else {
  let llama: LlamaServer;
  let agent: LiveAgent;
  let browser: Browser;
  test.before(async () => {
    // The twin's router prompt (persona, experts and every tool's JSON schema) is about 8,500 tokens in the
    // tiny model's vocabulary since the cluster tools (ssh, ansible, web_browser, vision, code_runner) joined
    // the router's list, against 4,600 with the twin's own tools alone: a context of 8192 made
    // llama-server refuse it with a 400, which the page showed as the turn's error (the "answer in one
    // step" this test once saw was only the streaming cursor). Random weights seldom stop, so each answer
    // is made exactly 200 tokens long: at this model's 1,000-2,000 tokens/s that is 100-200 ms of
    // streaming, which the twin passes on in deltas coalesced within 5 ms.
    llama = await startLlamaServer({ model: await tinyModel({ ctx: 16384 }), extraArgs: ['--ctx-size', '16384', '--n-predict', '200', '--ignore-eos'] });
    agent = await startLiveAgent({ token: TOKEN, routerPort: llama.port });
    browser = await launchChromium();
  });
  test.after.always(async () => {
    await browser?.close();
    await agent?.stop();
    await llama?.stop();
  });

  test('a question streams its answer from a real llama-server into the page, token by token', async (t) => {
    const { page, context, problems } = await signedInPage(browser, agent.url, TOKEN);
    await showView(page, 'Conversation');
    // Every change of the answer as the page shows it: its length and whether the turn was still going.
    const seen: { length: number; busy: boolean; at: number }[] = [];
    await page.exposeFunction('hearthAnswerSeen', (length: number, busy: boolean, at: number) => seen.push({ length, busy, at }));
    await page.evaluate(`new MutationObserver(() => {
      const answer = [...document.querySelectorAll('[data-testid=answer]')].at(-1);
      if (!answer) return;
      const text = answer.cloneNode(true);
      text.querySelectorAll('.cursor').forEach((c) => c.remove());
      window.hearthAnswerSeen(text.textContent.length, answer.closest('[data-turn]')?.getAttribute('aria-busy') === 'true', performance.now());
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })`);
    await page.getByLabel('Message').fill('hello there, what is the weather like');
    await page.getByRole('button', { name: 'Send' }).click();
    const turn = page.locator('[data-turn][aria-busy=false]');
    await turn.waitFor({ timeout: 60_000 });
    const errors = await turn.getByRole('alert').allInnerTexts();
    t.deepEqual(errors, [], 'the turn ended without an error');
    t.regex(await turn.innerText(), /twin via prima-api-router/);
    const final = Math.max(...seen.map((s) => s.length));
    const growing = seen.filter((s) => s.busy && s.length > 0 && s.length < final);
    const partial = [...new Set(growing.map((s) => s.length))];
    const spreadMs = growing.length === 0 ? 0 : Math.round(growing.at(-1)!.at - growing[0]!.at);
    t.true(final > 0, 'the answer has text');
    t.true(partial.length >= 3, `expected the answer to grow in several steps while the turn was going, saw ${partial.length} (${partial.join(', ')}) of final length ${final} over ${spreadMs} ms`);
    t.log(`${partial.length} partial answers over ${spreadMs} ms before the final ${final} characters`);
    await screenshot(page, 'conversation-real-expert');
    t.deepEqual(problems, []);
    await context.close();
  });
}
