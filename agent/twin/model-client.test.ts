import test from 'ava';
import { startFakeOpenAi } from '../../testing/support/fake-openai.js';
import { createModelClient, type ModelEvent } from './model-client.js';

const request = (baseUrl: string, signal: AbortSignal) => ({ baseUrl, model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], signal });

test('text held for coalescing still goes out when the model pauses: a stream that stalls shows all it sent', async (t) => {
  const fake = await startFakeOpenAi();
  t.teardown(() => fake.close());
  fake.script({ kind: 'hang', chunks: ['partial ', 'answer'] });
  const controller = new AbortController();
  const client = createModelClient({ coalesceMs: 50 });
  let shown = '';
  const stalled = setTimeout(() => controller.abort(new Error('the held text never came')), 20_000);
  await t.throwsAsync(async () => {
    for await (const event of client.stream(request(fake.baseUrl, controller.signal))) {
      if (event.type === 'delta') shown += event.text;
      // Both pieces shown while the stream is still open: abort it as barge-in would.
      if (shown === 'partial answer') controller.abort(new Error('seen'));
    }
  }, { code: 'HEARTH_ERR_TIMEOUT' });
  clearTimeout(stalled);
  t.is(shown, 'partial answer');
  t.is(String((controller.signal.reason as Error).message), 'seen');
});

test('coalesced deltas carry every token: their texts join to the answer and their counts add up to it', async (t) => {
  const fake = await startFakeOpenAi();
  t.teardown(() => fake.close());
  const chunks = Array.from({ length: 200 }, (_, i) => `t${i} `);
  fake.script({ kind: 'text', chunks });
  const client = createModelClient({ coalesceMs: 5 });
  const deltas: Extract<ModelEvent, { type: 'delta' }>[] = [];
  let end: Extract<ModelEvent, { type: 'end' }> | undefined;
  for await (const event of client.stream(request(fake.baseUrl, new AbortController().signal))) {
    if (event.type === 'delta') deltas.push(event);
    else end = event;
  }
  t.is(deltas.map((d) => d.text).join(''), chunks.join(''));
  t.is(deltas.reduce((n, d) => n + (d.tokens ?? 1), 0), 200);
  t.is(end?.tokens, 200);
  t.is(end?.text, chunks.join(''));
});

test('with coalescing off, no delta waits for another read', async (t) => {
  const fake = await startFakeOpenAi();
  t.teardown(() => fake.close());
  fake.script({ kind: 'hang', chunks: ['one ', 'two'] });
  const controller = new AbortController();
  const client = createModelClient({ coalesceMs: 0 });
  let shown = '';
  await t.throwsAsync(async () => {
    for await (const event of client.stream(request(fake.baseUrl, controller.signal))) {
      if (event.type === 'delta') shown += event.text;
      if (shown === 'one two') controller.abort(new Error('seen'));
    }
  }, { code: 'HEARTH_ERR_TIMEOUT' });
  t.is(shown, 'one two');
});
