// The twin end to end over its HTTP API against scripted OpenAI-compatible
// experts: routing (keywords, the router model's structured and leaked
// route_to_expert calls, the router answering itself), fallback when an
// expert fails or is gone, barge-in, bad input, and the events on the bus.
import test from 'ava';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { startTwinHarness, type TwinHarness } from '../support/twin-harness.js';
import type { TurnEvent } from '../../agent/twin/events.js';

interface Cluster {
  router: FakeOpenAi;
  code: FakeOpenAi;
  creative: FakeOpenAi;
  twin: TwinHarness;
  close(): Promise<void>;
}

async function cluster(config: Parameters<typeof startTwinHarness>[0] = {}): Promise<Cluster> {
  const [router, code, creative] = await Promise.all([startFakeOpenAi(), startFakeOpenAi(), startFakeOpenAi()]);
  const twin = await startTwinHarness({
    ...config,
    experts: [
      { name: 'prima-api-router', address: '127.0.0.1', port: router.port },
      { name: 'prima-api-code', address: '127.0.0.1', port: code.port },
      { name: 'prima-api-creative', address: '127.0.0.1', port: creative.port, meta: { description: 'Writes poems and stories.' } },
    ],
  });
  return { router, code, creative, twin, close: async () => void (await Promise.all([twin.close(), router.close(), code.close(), creative.close()])) };
}

const types = (events: readonly TurnEvent[]) => events.map((e) => e.type);
const doneOf = (events: readonly TurnEvent[]) => events.find((e): e is Extract<TurnEvent, { type: 'done' }> => e.type === 'done');

test('a question with coding keywords goes straight to the code expert and streams its answer as SSE', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.code.script({ kind: 'text', chunks: ['Use ', '`Array.prototype.map`', '.'] });
  const id = await c.twin.createConversation();
  const { status, events } = await c.twin.sendMessage(id, 'How do I fix this javascript function bug?');
  t.is(status, 200);
  // Tokens that arrive in one network read go out as one delta; every token is counted.
  const kinds = types(events);
  t.deepEqual([kinds[0], kinds[1], kinds.at(-1)], ['turn-started', 'routed', 'done']);
  t.true(kinds.slice(2, -1).length >= 1 && kinds.slice(2, -1).every((k) => k === 'delta'), kinds.join(' '));
  t.is(doneOf(events)!.timings.tokens, 3);
  const routed = events[1] as Extract<TurnEvent, { type: 'routed' }>;
  t.is(routed.expert, 'prima-api-code');
  t.is(routed.stage, 'first-stage');
  t.regex(routed.reason, /keywords: .*javascript/);
  const done = doneOf(events)!;
  t.is(done.text, 'Use `Array.prototype.map`.');
  t.is(done.expert, 'prima-api-code');
  t.is(done.finish, 'complete');
  t.is(c.router.requests.length, 0, 'the router model was not asked');
  const sent = c.code.requests[0]!.body as { messages: { role: string; content: string }[] };
  t.regex(sent.messages[0]!.content, /coding expert/);
  t.is(sent.messages.at(-1)!.content, 'How do I fix this javascript function bug?');

  const read = await c.twin.api('GET', `/api/v1/conversations/${id}`);
  t.is(read.status, 200);
  t.deepEqual(read.json.turns.map((x: { role: string }) => x.role), ['user', 'assistant']);
  t.is(read.json.turns[1].expert, 'prima-api-code');
  t.is(read.json.turns[1].events.routed.stage, 'first-stage');
  const list = await c.twin.api('GET', '/api/v1/conversations');
  t.is(list.json.conversations[0].turns, 2);
  t.true(c.twin.bus.some((e) => e.topic === 'conversation' && e.change === 'created'));
  t.is(c.twin.bus.filter((e) => e.topic === 'turn').length, events.length);
});

test('the router model hands a question to an expert with route_to_expert split over stream chunks', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.router.script({ kind: 'tool-calls', calls: [{ name: 'route_to_expert', arguments: '{"expert":"prima-api-creative","reason":"wants verse"}' }], splitArgs: 5 });
  c.creative.script({ kind: 'text', chunks: ['Roses ', 'bloom.'] });
  const id = await c.twin.createConversation();
  const { events } = await c.twin.sendMessage(id, 'Something lovely about gardens, please');
  const routed = events.find((e) => e.type === 'routed') as Extract<TurnEvent, { type: 'routed' }>;
  t.is(routed.stage, 'router-model');
  t.is(routed.expert, 'prima-api-creative');
  t.is(routed.reason, 'wants verse');
  t.is(doneOf(events)!.text, 'Roses bloom.');
  t.is(doneOf(events)!.expert, 'prima-api-creative');
  const tools = (c.router.requests[0]!.body['tools'] as { function: { name: string } }[]).map((x) => x.function.name);
  t.true(tools.includes('route_to_expert'));
  const system = (c.router.requests[0]!.body['messages'] as { content: string }[])[0]!.content;
  t.regex(system, /prima-api-creative: Writes poems and stories\./, 'the description comes from Consul Meta');
});

test('a route_to_expert call the router leaks into its text is recovered and not shown', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.router.script({ kind: 'text', chunks: ['<tool_call>', '{"name": "route_to_expert", ', '"arguments": {"expert": "prima-api-creative"}}', '</tool_call>'] });
  c.creative.script({ kind: 'text', chunks: ['Once upon a time.'] });
  const id = await c.twin.createConversation();
  const { events } = await c.twin.sendMessage(id, 'Tell me something nice');
  t.is((events.find((e) => e.type === 'routed') as Extract<TurnEvent, { type: 'routed' }>).expert, 'prima-api-creative');
  t.is(doneOf(events)!.text, 'Once upon a time.');
  t.false(events.some((e) => e.type === 'delta' && e.text.includes('tool_call')));
});

test('the router answers itself when no expert fits', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.router.script({ kind: 'text', chunks: ['Hello', ' there'] });
  const id = await c.twin.createConversation();
  const { events } = await c.twin.sendMessage(id, 'hi');
  const routed = events.find((e) => e.type === 'routed') as Extract<TurnEvent, { type: 'routed' }>;
  t.is(routed.stage, 'direct');
  t.is(doneOf(events)!.text, 'Hello there');
  t.is(doneOf(events)!.expert, 'prima-api-router');
});

test('an expert that fails falls back to the router model and the stream says so', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.code.script({ kind: 'error', status: 500, message: 'model crashed' });
  c.router.script({ kind: 'text', chunks: ['Fallback answer.'] });
  const id = await c.twin.createConversation();
  const { events } = await c.twin.sendMessage(id, 'python script compile error');
  const fallback = events.find((e) => e.type === 'fallback') as Extract<TurnEvent, { type: 'fallback' }>;
  t.is(fallback.from, 'prima-api-code');
  t.is(fallback.to, 'prima-api-router');
  t.regex(fallback.reason, /500/);
  t.is(doneOf(events)!.text, 'Fallback answer.');
  t.is(doneOf(events)!.expert, 'prima-api-router');
  t.is(doneOf(events)!.finish, 'complete');
});

test('an expert that is gone (nothing listening) falls back to the router model', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  await c.code.close();
  c.router.script({ kind: 'text', chunks: ['I answered instead.'] });
  const id = await c.twin.createConversation();
  const { events } = await c.twin.sendMessage(id, 'debug my bash script');
  t.truthy(events.find((e) => e.type === 'fallback'));
  t.is(doneOf(events)!.text, 'I answered instead.');
});

test('a new message interrupts the answer in flight, which keeps only what was sent', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  c.code.script({ kind: 'hang', chunks: ['partial ', 'answer'] });
  c.code.script({ kind: 'text', chunks: ['second'] });
  const id = await c.twin.createConversation();
  // Both pieces are shown before the second message (in one delta or two: tokens that arrive together are
  // coalesced, and held text still goes out while the expert stalls).
  let shown = '';
  let release!: () => void;
  const bothShown = new Promise<void>((resolve) => (release = resolve));
  const first = c.twin.sendMessage(id, 'python function one', { onEvent: (e) => e.type === 'delta' && (shown += e.text) === 'partial answer' && release() });
  await bothShown;
  const second = await c.twin.sendMessage(id, 'python function two');
  const firstEvents = (await first).events;
  t.is(doneOf(firstEvents)!.finish, 'interrupted');
  t.is(doneOf(firstEvents)!.text, 'partial answer');
  t.is(doneOf(second.events)!.text, 'second');
  t.is(c.code.cancelled(), 1, 'the interrupted request was closed, so the server stops generating');
  const read = await c.twin.api('GET', `/api/v1/conversations/${id}`);
  const assistant = read.json.turns.filter((x: { role: string }) => x.role === 'assistant');
  t.deepEqual(assistant.map((x: { text: string; finish: string }) => [x.text, x.finish]), [['partial answer', 'interrupted'], ['second', 'complete']]);
});

test('bad messages are refused with a clear error and nothing is sent to a model', async (t) => {
  const c = await cluster({ config: { twin: { maxMessageChars: 20 } } });
  t.teardown(() => c.close());
  const id = await c.twin.createConversation();
  const notText = await c.twin.sendMessage(id, 42);
  t.is(notText.status, 400);
  t.regex(notText.error.error.message, /Expected the message `text` to be a string, got `42` \(number\)/);
  const tooLong = await c.twin.sendMessage(id, 'x'.repeat(21));
  t.is(tooLong.status, 400);
  t.regex(tooLong.error.error.message, /at most 20 characters \(twin.maxMessageChars\), got 21/);
  const unknown = await c.twin.sendMessage('no-such-conversation', 'hello');
  t.is(unknown.status, 404);
  const noToken = await c.twin.api('POST', '/api/v1/conversations', undefined, null);
  t.is(noToken.status, 401);
  t.is(c.router.requests.length + c.code.requests.length + c.creative.requests.length, 0);
  const read = await c.twin.api('GET', `/api/v1/conversations/${id}`);
  t.deepEqual(read.json.turns, []);
});

test('deleting a conversation ends it and a second delete is a 404', async (t) => {
  const c = await cluster();
  t.teardown(() => c.close());
  const id = await c.twin.createConversation();
  t.is((await c.twin.api('DELETE', `/api/v1/conversations/${id}`)).status, 200);
  t.is((await c.twin.api('GET', `/api/v1/conversations/${id}`)).status, 404);
  t.is((await c.twin.api('DELETE', `/api/v1/conversations/${id}`)).status, 404);
  t.true(c.twin.bus.some((e) => e.topic === 'conversation' && e.change === 'deleted'));
});
