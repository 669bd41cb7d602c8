// The A2A gateway in front of the real twin module (its routes in process), with a scripted expert.
import test from 'ava';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { Role, TaskState, type Message } from '@a2a-js/sdk';
import { createA2aModule } from '../../agent/a2a/module.js';
import { configSchema } from '../../agent/config/schema.js';
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { freePort } from '../support/free-port.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startTwinHarness, TEST_TOKEN } from '../support/twin-harness.js';

test('a peer\'s question reaches the twin, is routed to the expert, and the answer streams back as the task completes', async (t) => {
  const [router, code] = await Promise.all([startFakeOpenAi(), startFakeOpenAi()]);
  const twin = await startTwinHarness({
    experts: [
      { name: 'prima-api-router', address: '127.0.0.1', port: router.port },
      { name: 'prima-api-code', address: '127.0.0.1', port: code.port },
    ],
  });
  t.teardown(async () => { await twin.close(); await router.close(); await code.close(); });
  code.script({ kind: 'text', chunks: ['Use ', 'map', '.'] });

  const port = await freePort();
  const config = configSchema().parse({ api: { listen: `127.0.0.1:${port}`, token: TEST_TOKEN } });
  const a2a = createA2aModule({
    config,
    log: createSilentLogger(),
    node: { name: 'test-node', address: '127.0.0.1', source: 'config' },
    listExperts: () => twin.experts,
    twinRoutes: () => twin.module.routes ?? [],
  });
  const server = createApiServer({ listen: `127.0.0.1:${port}`, token: TEST_TOKEN, log: createSilentLogger(), routes: [...(a2a.routes ?? [])] });
  await server.start();
  t.teardown(() => server.stop());

  const authFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${TEST_TOKEN}`);
    return fetch(input, { ...init, headers });
  };
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl: authFetch })] }));
  const client = await factory.createFromUrl(`http://127.0.0.1:${port}`);
  const card = await client.getAgentCard();
  t.deepEqual(card.skills.map((s) => s.id), ['ask-cluster', 'expert:code', 'expert:router']);

  const message: Message = {
    messageId: 'm-1', contextId: '', taskId: '', role: Role.ROLE_USER, metadata: undefined, extensions: [], referenceTaskIds: [],
    parts: [{ content: { $case: 'text', value: 'How do I fix this javascript function bug?' }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
  };
  const news: string[] = [];
  let answer = '';
  let state: TaskState | undefined;
  for await (const event of client.sendMessageStream({ tenant: '', message, configuration: undefined, metadata: undefined })) {
    const payload = event.payload;
    if (payload?.$case === 'artifactUpdate') answer += (payload.value.artifact?.parts ?? []).map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
    if (payload?.$case === 'statusUpdate') {
      state = payload.value.status?.state;
      const text = (payload.value.status?.message?.parts ?? []).map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
      if (text !== '') news.push(text);
    }
  }
  t.is(answer, 'Use map.');
  t.is(state, TaskState.TASK_STATE_COMPLETED);
  t.true(news.some((n) => n.startsWith('routed to prima-api-code')));
  t.is((await twin.api('GET', '/api/v1/conversations')).json.conversations.length, 1);
});
