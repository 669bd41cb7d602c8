// The A2A gateway with the SDK's own client: agent card, send, streaming, task status and cancellation, bearer auth.
import test from 'ava';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { Role, TaskState, type Message } from '@a2a-js/sdk';
import { createTwinExecutor } from '../../agent/a2a/executor.js';
import { a2aRoutes } from '../../agent/a2a/routes.js';
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { freePort } from '../support/free-port.js';
import { createStandInTwin } from '../support/stand-in-twin.js';

const TOKEN = 'a2a-test-token-77de';

async function startGateway(t: import('ava').ExecutionContext) {
  const twin = createStandInTwin();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = createApiServer({
    listen: `127.0.0.1:${port}`,
    token: TOKEN,
    log: createSilentLogger(),
    routes: a2aRoutes({ baseUrl: () => base, version: 'test', experts: () => twin.experts(), executor: createTwinExecutor({ twin, log: createSilentLogger() }) }),
  });
  await server.start();
  t.teardown(() => server.stop());
  return { base, twin };
}

function connect(base: string, token: string | null = TOKEN) {
  const authFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl: authFetch })] }));
  return factory.createFromUrl(base);
}

function message(text: string, metadata?: Record<string, unknown>): Message {
  return {
    messageId: `m-${Math.random().toString(36).slice(2)}`, contextId: '', taskId: '', role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
    metadata, extensions: [], referenceTaskIds: [],
  };
}

const send = (m: Message) => ({ tenant: '', message: m, configuration: undefined, metadata: undefined });
const byId = (id: string) => ({ tenant: '', id });

const textOf = (m: Message | undefined) => (m?.parts ?? []).map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');

test('the agent card offers asking the cluster and each expert as skills, with bearer security', async (t) => {
  const { base } = await startGateway(t);
  const client = await connect(base);
  const card = await client.getAgentCard();
  t.deepEqual(card.skills.map((s) => s.id), ['ask-cluster', 'expert:code', 'expert:ops']);
  t.is(card.capabilities?.streaming, true);
  t.is(card.supportedInterfaces[0]?.url, `${base}/a2a`);
  t.deepEqual(Object.keys(card.securitySchemes), ['bearer']);
});

test('a message without the token is refused', async (t) => {
  const { base, twin } = await startGateway(t);
  const client = await connect(base, null);
  await t.throwsAsync(client.sendMessage(send(message('hello'))), { message: /401|Authorization/ });
  const wrong = await connect(base, 'wrong');
  await t.throwsAsync(wrong.sendMessage(send(message('hello'))), { message: /401|not the agent's API token/ });
  t.is(twin.asked.length, 0);
});

test('a sent message becomes a completed task with the twin\'s answer', async (t) => {
  const { base, twin } = await startGateway(t);
  const client = await connect(base);
  const result = await client.sendMessage(send(message('how full is the rack?')));
  if (!('status' in result)) return t.fail('expected a task, got a message');
  const task = result;
  t.is(task.status?.state, TaskState.TASK_STATE_COMPLETED);
  t.is(textOf(task.status?.message), 'The answer from ops.');
  t.like(twin.asked[0], { text: 'how full is the rack?' });
  const fetched = await client.getTask(byId(task.id));
  t.is(fetched.status?.state, TaskState.TASK_STATE_COMPLETED);
  t.is(fetched.artifacts[0]?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join(''), 'The answer from ops.');
});

test('streaming shows the task working, the answer arriving in pieces, then completed; an expert skill routes directly', async (t) => {
  const { base, twin } = await startGateway(t);
  const client = await connect(base);
  const kinds: string[] = [];
  let answer = '';
  let final: TaskState | undefined;
  for await (const event of client.sendMessageStream(send(message('fix the build', { skill: 'expert:code' })))) {
    const payload = event.payload;
    if (payload === undefined) continue;
    kinds.push(payload.$case);
    if (payload.$case === 'artifactUpdate') answer += textOf({ parts: payload.value.artifact?.parts ?? [] } as Message);
    if (payload.$case === 'statusUpdate') final = payload.value.status?.state;
  }
  t.is(kinds[0], 'task');
  t.true(kinds.filter((k) => k === 'artifactUpdate').length >= 4);
  t.is(answer, 'The answer from code.');
  t.is(final, TaskState.TASK_STATE_COMPLETED);
  t.like(twin.asked[0], { expert: 'code' });
});

test('a running task can be canceled, which aborts the twin\'s turn', async (t) => {
  const { base, twin } = await startGateway(t);
  const client = await connect(base);
  const stream = client.sendMessageStream(send(message('answer slowly please')));
  const first = await stream.next();
  const task = first.value?.payload;
  if (task?.$case !== 'task') return t.fail(`expected the task first, got ${task?.$case}`);
  const canceled = await client.cancelTask({ ...byId(task.value.id), metadata: undefined });
  await twin.aborted;
  let last: TaskState | undefined = canceled.status?.state;
  for await (const event of stream) {
    if (event.payload?.$case === 'statusUpdate') last = event.payload.value.status?.state;
  }
  t.is(last, TaskState.TASK_STATE_CANCELED);
  t.is((await client.getTask(byId(task.value.id))).status?.state, TaskState.TASK_STATE_CANCELED);
});
