// Sensitive tool calls in a conversation: the approval request in the stream
// and on the bus, decided over the API (approve, edit, deny), a deadline that
// passes (a denial), a second decision refused, the audit log, and a pending
// request that survives a restart of the twin.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startTwinHarness } from '../support/twin-harness.js';
import type { TurnEvent } from '../../agent/twin/events.js';
import type { Route } from '../../agent/http-api/route.js';

async function setup(config: Parameters<typeof startTwinHarness>[0] = {}) {
  const router = await startFakeOpenAi();
  const twin = await startTwinHarness({ ...config, experts: [{ name: 'prima-api-router', address: '127.0.0.1', port: router.port }] });
  return { router, twin, close: async () => void (await Promise.all([twin.close(), router.close()])) };
}

function waitFor<T extends TurnEvent['type']>(type: T) {
  let resolve!: (e: Extract<TurnEvent, { type: T }>) => void;
  const seen = new Promise<Extract<TurnEvent, { type: T }>>((r) => (resolve = r));
  return { seen, onEvent: (e: TurnEvent) => e.type === type && resolve(e as Extract<TurnEvent, { type: T }>) };
}

test('a sensitive call waits for approval, runs once approved and the audit log keeps request, decision and outcome', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  const id = await twin.createConversation();
  router.script({ kind: 'text', chunks: ['Earlier answer.'] });
  await twin.sendMessage(id, 'hello');
  router.script({ kind: 'tool-calls', calls: [{ name: 'mcp.clear_short_term_memory', arguments: JSON.stringify({ conversation: id }) }] }, { kind: 'text', chunks: ['Done, I forgot.'] });
  const pending = waitFor('approval-requested');
  const turn = twin.sendMessage(id, 'forget what we said', { onEvent: pending.onEvent });
  const requested = await pending.seen;
  t.is(requested.tool, 'mcp.clear_short_term_memory');
  const listed = await twin.api('GET', '/api/v1/approvals?status=pending');
  t.is(listed.json.approvals.length, 1);
  t.is(listed.json.approvals[0].id, requested.approvalId);
  t.deepEqual(listed.json.approvals[0].caller, { kind: 'twin', conversationId: id });
  t.true(twin.bus.some((e) => e.topic === 'approval' && e.approval.status === 'pending'));
  const decided = await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'approve' });
  t.is(decided.status, 200);
  t.is(decided.json.status, 'approved');
  t.is(decided.json.decidedBy, 'api token');
  const { events } = await turn;
  const result = events.find((e) => e.type === 'tool-result') as Extract<TurnEvent, { type: 'tool-result' }>;
  t.true(result.ok);
  t.regex(result.text, /Cleared 3 turn/, 'the two earlier turns and this question');
  t.truthy(events.find((e) => e.type === 'approval-decided' && e.decision === 'approved'));
  // The tool result went back to the model fenced as data.
  const toolMessage = (router.requests[2]!.body['messages'] as { role: string; content: string }[]).find((m) => m.role === 'tool')!;
  t.regex(toolMessage.content, /trust="untrusted-data"/);
  const twice = await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'deny' });
  t.is(twice.status, 409);
  t.regex(twice.json.error.message, /already approved/);
  const audit = (await readFile(`${twin.stateDir}/twin-approvals-audit.jsonl`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
  t.deepEqual(audit.map((a) => a.kind), ['requested', 'decided', 'outcome']);
});

test('a denied call does not run and the model is told', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  const id = await twin.createConversation();
  router.script({ kind: 'tool-calls', calls: [{ name: 'mcp.clear_short_term_memory', arguments: '{}' }] }, { kind: 'text', chunks: ['Understood.'] });
  const pending = waitFor('approval-requested');
  const turn = twin.sendMessage(id, 'forget everything', { onEvent: pending.onEvent });
  const requested = await pending.seen;
  t.is((await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'deny', reason: 'keep it' })).status, 200);
  const { events } = await turn;
  const result = events.find((e) => e.type === 'tool-result') as Extract<TurnEvent, { type: 'tool-result' }>;
  t.false(result.ok);
  t.regex(result.text, /denied.*keep it.*Nothing ran/);
});

test('an edited call runs with the new arguments after they are validated again', async (t) => {
  const calls: unknown[] = [];
  const powerRoutes: Route[] = [
    { method: 'GET', path: '/api/v1/power/:service', auth: 'none', handler: () => ({ status: 404, json: { error: { message: 'not managed' } } }) },
    { method: 'PUT', path: '/api/v1/power/:service/idle', auth: 'token', handler: (req) => (calls.push([req.params['service'], req.body]), { status: 200, json: { service: req.params['service'], idleTimeoutMs: 1_200_000 } }) },
  ];
  const { router, twin, close } = await setup({ powerRoutes: () => powerRoutes });
  t.teardown(close);
  const id = await twin.createConversation();
  router.script({ kind: 'tool-calls', calls: [{ name: 'power.set_idle_threshold', arguments: '{"service":"prima-api-code","duration":"10m"}' }] }, { kind: 'text', chunks: ['Set.'] });
  const pending = waitFor('approval-requested');
  const turn = twin.sendMessage(id, 'let the code expert sleep sooner', { onEvent: pending.onEvent });
  const requested = await pending.seen;
  const bad = await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'sideways' });
  t.is(bad.status, 400);
  t.is((await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'edit', args: { service: 'prima-api-code', duration: '20m' } })).status, 200);
  const { events } = await turn;
  t.deepEqual(calls, [['prima-api-code', { timeout: '20m' }]]);
  t.true((events.find((e) => e.type === 'tool-result') as Extract<TurnEvent, { type: 'tool-result' }>).ok);
});

test('no decision by the deadline is a denial, and a late decision is refused', async (t) => {
  const { router, twin, close } = await setup({ config: { approvals: { deadline: '1s' } } });
  t.teardown(close);
  const id = await twin.createConversation();
  router.script({ kind: 'tool-calls', calls: [{ name: 'mcp.clear_short_term_memory', arguments: '{}' }] }, { kind: 'text', chunks: ['Nobody answered.'] });
  const pending = waitFor('approval-requested');
  const { events } = await twin.sendMessage(id, 'forget everything', { onEvent: pending.onEvent });
  const requested = await pending.seen;
  t.truthy(events.find((e) => e.type === 'approval-decided' && e.decision === 'expired'));
  t.regex((events.find((e) => e.type === 'tool-result') as Extract<TurnEvent, { type: 'tool-result' }>).text, /before its deadline/);
  const late = await twin.api('POST', `/api/v1/approvals/${requested.approvalId}`, { decision: 'approve' });
  t.is(late.status, 409);
  t.regex(late.json.error.message, /already expired/);
});

test('a tool call with wrong arguments goes back to the model as an error and nothing is asked or run', async (t) => {
  const ran: unknown[] = [];
  const powerRoutes: Route[] = [{ method: 'PUT', path: '/api/v1/power/:service/idle', auth: 'token', handler: (req) => (ran.push(req.body), { status: 200, json: {} }) }];
  const { router, twin, close } = await setup({ powerRoutes: () => powerRoutes });
  t.teardown(close);
  const id = await twin.createConversation();
  router.script({ kind: 'tool-calls', calls: [{ name: 'power.set_idle_threshold', arguments: '{"service":"Bad Name!","duration":"soon"}' }] }, { kind: 'text', chunks: ['Sorry.'] });
  const { events } = await twin.sendMessage(id, 'set it');
  const result = events.find((e) => e.type === 'tool-result') as Extract<TurnEvent, { type: 'tool-result' }> | undefined;
  t.false(result!.ok);
  t.regex(result!.text, /Invalid arguments for power.set_idle_threshold: service: expected a service name.*duration: expected a duration/);
  t.deepEqual(ran, []);
  const retry = (router.requests[1]!.body['messages'] as { role: string; content: string }[]).find((m) => m.role === 'tool')!;
  t.regex(retry.content, /call it again/);
  t.false(events.some((e) => e.type === 'approval-requested'));
  t.is((await twin.api('GET', '/api/v1/approvals')).json.approvals.length, 0);
});
