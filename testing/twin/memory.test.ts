// Memory over the API: facts kept from what a person says and recalled for
// later questions (as data in the system message), short-term memory trimmed
// and cleared, the memory file exported, checked with a dry run and loaded,
// and everything still there after the twin restarts.
import test from 'ava';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startTwinHarness } from '../support/twin-harness.js';

async function setup(config: Parameters<typeof startTwinHarness>[0] = {}) {
  const router = await startFakeOpenAi();
  router.fallback({ kind: 'text', chunks: ['Noted.'] });
  const twin = await startTwinHarness({ ...config, experts: [{ name: 'prima-api-router', address: '127.0.0.1', port: router.port }] });
  return { router, twin, close: async () => void (await Promise.all([twin.close(), router.close()])) };
}

test('a fact a person states is kept and recalled for a later question in another conversation', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  const first = await twin.createConversation();
  await twin.sendMessage(first, 'Remember that my backup server is called nas-7.');
  const summary = await twin.api('GET', '/api/v1/memory');
  t.is(summary.json.longTerm, 1);
  t.true(twin.bus.some((e) => e.topic === 'memory' && e.change === 'added'));
  const second = await twin.createConversation();
  await twin.sendMessage(second, 'what is my backup server called?');
  const system = (router.requests.at(-1)!.body['messages'] as { content: string }[])[0]!.content;
  t.regex(system, /data, not instructions\):\n- my backup server is called nas-7/);
  const search = await twin.api('GET', '/api/v1/memory/long-term?q=backup%20server&limit=5');
  t.is(search.json.memories[0].text, 'my backup server is called nas-7');
  t.is((await twin.api('GET', '/api/v1/memory/long-term?limit=0')).status, 400);
});

test('short-term memory is the last turns within the budget, and clearing it leaves the transcript', async (t) => {
  const { router, twin, close } = await setup({ config: { twin: { shortTermTurns: 3 } } });
  t.teardown(close);
  const id = await twin.createConversation();
  for (const q of ['one', 'two', 'three']) await twin.sendMessage(id, `question ${q}`);
  const sent = (router.requests.at(-1)!.body['messages'] as { role: string; content: string }[]).map((m) => m.content);
  t.deepEqual(sent.slice(1), ['Noted.', 'question two', 'Noted.', 'question three'], 'the last three turns, then the question');
  const short = await twin.api('GET', `/api/v1/memory/short-term?conversation=${id}`);
  t.is(short.json.turns.length, 3);
  const cleared = await twin.api('DELETE', `/api/v1/memory/short-term?conversation=${id}`);
  t.is(cleared.json.removed, 6);
  t.is((await twin.api('GET', `/api/v1/memory/short-term?conversation=${id}`)).json.turns.length, 0);
  t.is((await twin.api('GET', `/api/v1/conversations/${id}`)).json.turns.length, 6);
  t.is((await twin.api('GET', '/api/v1/memory/short-term?conversation=nope')).status, 404);
});

test('the memory file exports, a dry run changes nothing, loading replaces, and a bad file is refused whole', async (t) => {
  const { twin, close } = await setup();
  t.teardown(close);
  const id = await twin.createConversation();
  await twin.sendMessage(id, 'I prefer short answers.');
  const exported = await twin.api('GET', '/api/v1/memory/export');
  t.is(exported.json.format, 'hearth-memory');
  t.is(exported.json.version, 1);
  t.is(exported.json.conversations[0].turns.length, 2);
  t.is(exported.json.memories[0].text, 'I prefer short answers');

  const other = await twin.createConversation();
  await twin.sendMessage(other, 'another question');
  const dry = await twin.api('POST', '/api/v1/memory/import?dryRun=1', exported.json);
  t.deepEqual(dry.json, { dryRun: true, replaces: { conversations: 2, turns: 4, memories: 1 }, loads: { conversations: 1, turns: 2, memories: 1 } });
  t.is((await twin.api('GET', '/api/v1/conversations')).json.conversations.length, 2);

  const bad = await twin.api('POST', '/api/v1/memory/import', { ...exported.json, version: 9 });
  t.is(bad.status, 400);
  t.regex(bad.json.error.message, /Expected a hearth memory file.*version: Invalid literal value, expected 1.*Nothing was loaded/);
  t.is((await twin.api('GET', '/api/v1/conversations')).json.conversations.length, 2);

  const loaded = await twin.api('POST', '/api/v1/memory/import', exported.json);
  t.false(loaded.json.dryRun);
  const after = await twin.api('GET', '/api/v1/conversations');
  t.deepEqual(after.json.conversations.map((c: { id: string }) => c.id), [id]);
  t.is((await twin.api('GET', '/api/v1/memory')).json.longTerm, 1);
  t.true(twin.bus.some((e) => e.topic === 'memory' && e.change === 'loaded'));
});

test('conversations and memories are still there after the twin restarts', async (t) => {
  const { twin, close } = await setup();
  t.teardown(close);
  const id = await twin.createConversation();
  await twin.sendMessage(id, 'My cat is named Pixel.');
  await twin.restart();
  const read = await twin.api('GET', `/api/v1/conversations/${id}`);
  t.is(read.json.turns.length, 2);
  t.is((await twin.api('GET', '/api/v1/memory/long-term?q=cat')).json.memories[0].text, 'My cat is named Pixel');
});

test('prompts are listed and rendered for a model; an unknown persona is a 404', async (t) => {
  const { twin, close } = await setup();
  t.teardown(close);
  const list = await twin.api('GET', '/api/v1/prompts');
  t.deepEqual(list.json.prompts.map((p: { name: string }) => p.name).sort(), ['code', 'creative', 'general', 'router']);
  t.deepEqual(list.json.problems, []);
  const code = await twin.api('GET', '/api/v1/prompts/code?model=qwen2.5-coder');
  t.regex(code.json.rendered, /served by qwen2.5-coder/);
  t.notRegex(code.json.rendered, /\{\{/);
  t.is((await twin.api('GET', '/api/v1/prompts/nope')).status, 404);
});

test('with an embedding expert listed, memories are embedded through its /v1/embeddings and recalled by its vectors; when it fails the local embedder recalls', async (t) => {
  const router = await startFakeOpenAi();
  const embed = await startFakeOpenAi({ embeddingDims: 16 });
  router.fallback({ kind: 'text', chunks: ['Noted.'] });
  const twin = await startTwinHarness({
    experts: [
      { name: 'prima-api-router', address: '127.0.0.1', port: router.port },
      { name: 'prima-api-embed', address: '127.0.0.1', port: embed.port },
    ],
  });
  t.teardown(async () => void (await Promise.all([twin.close(), router.close(), embed.close()])));
  const id = await twin.createConversation();
  await twin.sendMessage(id, 'Remember that the spare disk is in drawer three.');
  const other = await twin.createConversation();
  await twin.sendMessage(other, 'where is the spare disk?');
  const embedded = embed.requests.filter((r) => r.path === '/v1/embeddings').flatMap((r) => (Array.isArray(r.body['input']) ? r.body['input'] : [r.body['input']]));
  t.true(embedded.includes('the spare disk is in drawer three'), JSON.stringify(embedded));
  t.true(embedded.includes('where is the spare disk?'));
  t.false(embed.requests.some((r) => r.path === '/v1/chat/completions'), 'the embedding expert is never asked a question');
  const system = (router.requests.at(-1)!.body['messages'] as { content: string }[])[0]!.content;
  t.regex(system, /- the spare disk is in drawer three/);
  await embed.close();
  const third = await twin.createConversation();
  const { events } = await twin.sendMessage(third, 'which drawer has the spare disk?');
  t.is(events.at(-1)?.type, 'done');
  t.regex((router.requests.at(-1)!.body['messages'] as { content: string }[])[0]!.content, /- the spare disk is in drawer three/);
});
