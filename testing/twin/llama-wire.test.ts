// Wire compatibility with the real llama-server (from the cached llama.cpp
// environment, HEARTH_PY_VENV) serving the tiny random-weight model of
// testing/support/llama.ts: streaming through the openai client, cancellation, tool
// definitions accepted through the chat template, llama-server's timings read,
// and a whole turn through the twin's HTTP API.
import test from 'ava';
import { z } from 'zod';
import { createSilentLogger } from '../../agent/log.js';
import { createToolInvoker } from '../../agent/tools/invoke.js';
import { bindTool } from '../../agent/tools/tool.js';
import { routeToExpert } from '../../agent/tools/route-to-expert.js';
import { createModelClient, type ModelEvent } from '../../agent/twin/model-client.js';
import type { TurnEvent } from '../../agent/twin/events.js';
import { llamaSkipReason, startLlamaServer, tinyModel, type LlamaServer } from '../support/llama.js';
import { startTwinHarness } from '../support/twin-harness.js';

const skip = llamaSkipReason();

if (skip !== undefined) {
  test.skip(`llama-server wire compatibility (skipped: ${skip})`, () => undefined);
} else {
  let llama: LlamaServer;
  let baseUrl = '';
  test.before(async () => {
    // The twin's personas and tool schemas need more context than the helper's default.
    llama = await startLlamaServer({ model: await tinyModel(), extraArgs: ['--ctx-size', '4096'] });
    baseUrl = `${llama.url}/v1`;
  });
  test.after.always(async () => {
    await llama?.stop();
  });

  const collect = async (events: AsyncIterable<ModelEvent>) => {
    const seen: ModelEvent[] = [];
    for await (const e of events) seen.push(e);
    return seen;
  };

  test.serial('a streamed answer arrives as deltas with the token count and llama-server\'s timings', async (t) => {
    const client = createModelClient();
    const events = await collect(client.stream({ baseUrl: baseUrl, model: 'tiny', messages: [{ role: 'user', content: 'hello' }], maxTokens: 12, signal: new AbortController().signal }));
    const deltas = events.filter((e) => e.type === 'delta');
    const end = events.at(-1)!;
    t.true(deltas.length > 0);
    t.is(end.type, 'end');
    if (end.type !== 'end') return;
    t.true(end.tokens > 0 && end.tokens <= 12, `tokens ${end.tokens}`);
    t.is(typeof end.serverTimings?.['predicted_per_second'], 'number');
    t.true(['stop', 'length'].includes(end.finishReason));
  });

  test.serial('tool definitions from the zod schemas are accepted by llama-server\'s chat template', async (t) => {
    const invoker = createToolInvoker({
      tools: [bindTool(routeToExpert, { experts: () => [] }), bindTool({ name: 'demo.echo', description: 'echo', input: z.object({ text: z.string() }).strict(), sensitive: false, timeoutMs: 1000, outputLimit: 100, run: async (a: { text: string }) => ({ text: a.text }) }, {})],
      gate: { request: async () => ({ kind: 'expired', at: '', requestId: '' }), recordOutcome: async () => undefined },
      log: createSilentLogger(),
    });
    const events = await collect(createModelClient().stream({ baseUrl: baseUrl, model: 'tiny', messages: [{ role: 'user', content: 'route this' }], tools: invoker.list(), maxTokens: 6, signal: new AbortController().signal }));
    t.is(events.at(-1)?.type, 'end');
  });

  test.serial('cancelling a stream closes it at once and the server takes the next request', async (t) => {
    const controller = new AbortController();
    const client = createModelClient();
    let deltas = 0;
    const started = performance.now();
    const error = await t.throwsAsync(async () => {
      for await (const e of client.stream({ baseUrl: baseUrl, model: 'tiny', messages: [{ role: 'user', content: 'a long answer please' }], maxTokens: 100_000, signal: controller.signal })) {
        if (e.type === 'delta' && ++deltas === 3) controller.abort();
      }
    });
    t.is((error as { details?: { cancelled?: boolean } }).details?.cancelled, true);
    t.true(performance.now() - started < 30_000);
    const next = await collect(client.stream({ baseUrl: baseUrl, model: 'tiny', messages: [{ role: 'user', content: 'hello' }], maxTokens: 4, signal: new AbortController().signal }));
    t.is(next.at(-1)?.type, 'end');
  });

  test.serial('a whole turn through the twin reaches llama-server and streams its answer back', async (t) => {
    const twin = await startTwinHarness({ experts: [{ name: 'prima-api-code', address: '127.0.0.1', port: llama.port }], config: { twin: { contextTokens: 1500 } } });
    t.teardown(() => twin.close());
    const id = await twin.createConversation();
    const { events } = await twin.sendMessage(id, 'write a python function');
    const done = events.find((e): e is Extract<TurnEvent, { type: 'done' }> => e.type === 'done')!;
    t.is(done.finish, 'complete', JSON.stringify(events.filter((e) => e.type !== 'delta')));
    t.is(done.expert, 'prima-api-code');
    t.true((done.timings.tokens ?? 0) > 0);
    const stored = await twin.api('GET', `/api/v1/conversations/${id}`);
    t.is(typeof stored.json.turns[1].events.serverTimings.predicted_per_second, 'number', 'llama-server\'s own timings are kept with the turn');
    t.is(done.text, events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text).join(''));
  });
}
