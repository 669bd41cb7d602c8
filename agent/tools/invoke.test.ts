import test from 'ava';
import { z } from 'zod';
import { createSilentLogger } from '../log.js';
import type { ApprovalDecision, ApprovalGate, ApprovalRequestInput } from './approval-gate.js';
import { createToolInvoker } from './invoke.js';
import { bindTool, type Tool } from './tool.js';

const log = createSilentLogger();
const caller = { kind: 'twin', conversationId: 'c1' } as const;

function gateAnswering(answer: (input: ApprovalRequestInput) => ApprovalDecision) {
  const requests: ApprovalRequestInput[] = [];
  const outcomes: { id: string; ok: boolean; summary: string }[] = [];
  const gate: ApprovalGate = {
    async request(input, options) {
      requests.push(input);
      options.onPending?.({ id: 'a1', expiresAt: '2030-01-01T00:00:00.000Z' });
      return answer(input);
    },
    async recordOutcome(id, outcome) {
      outcomes.push({ id, ...outcome });
    },
  };
  return { gate, requests, outcomes };
}

function echoTool(overrides: Partial<Tool> = {}): { tool: Tool; runs: unknown[] } {
  const runs: unknown[] = [];
  const tool: Tool = {
    name: 'echo.say',
    description: 'Says the text back.',
    input: z.object({ text: z.string().min(1), times: z.number().int().min(1).max(3).default(1) }).strict(),
    sensitive: false,
    timeoutMs: 1000,
    outputLimit: 40,
    async run(input: { text: string; times: number }) {
      runs.push(input);
      return { text: input.text.repeat(input.times) };
    },
    ...overrides,
  };
  return { tool, runs };
}

test('the tool list carries each tool as JSON schema from its zod input', (t) => {
  const { tool } = echoTool();
  const invoker = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => { throw new Error('unused'); }).gate, log });
  const [descriptor] = invoker.list();
  t.is(descriptor?.name, 'echo.say');
  t.is(descriptor?.inputSchema['type'], 'object');
  t.deepEqual(Object.keys(descriptor?.inputSchema['properties'] as object), ['text', 'times']);
});

test('bad arguments come back as an error the caller can correct, and nothing runs', async (t) => {
  const { tool, runs } = echoTool();
  const invoker = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => { throw new Error('unused'); }).gate, log });
  const wrong = await invoker.invoke('echo.say', { text: 5 }, { caller });
  t.is(wrong.outcome, 'invalid');
  t.true(wrong.isError);
  t.regex(wrong.text, /text: Expected string, received number/);
  const notJson = await invoker.invoke('echo.say', '{text:', { caller });
  t.is(notJson.outcome, 'invalid');
  t.regex(notJson.text, /not JSON/);
  const unknown = await invoker.invoke('nope', {}, { caller });
  t.regex(unknown.text, /Unknown tool "nope". Tools available: echo.say/);
  t.deepEqual(runs, []);
});

test('output is capped with a note and wrapped as untrusted data', async (t) => {
  const { tool } = echoTool();
  const invoker = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => { throw new Error('unused'); }).gate, log });
  const result = await invoker.invoke('echo.say', '{"text":"abcdefghijklmnopqrstuvwxyz","times":2}', { caller });
  t.is(result.outcome, 'ok');
  t.true(result.text.startsWith('abcdefghijklmnopqrstuvwxyzabcdefghijklmn'));
  t.regex(result.text, /\[output cut: 12 more characters not shown\]/);
  t.regex(result.modelText, /trust="untrusted-data"/);
  t.regex(result.modelText, /not instructions/);
});

test('a tool that overruns its timeout is stopped and its signal aborted', async (t) => {
  let sawAbort = false;
  const { tool } = echoTool({
    timeoutMs: 30,
    run: (_input, _deps, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve({ text: 'late' });
        });
      }),
  });
  const invoker = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => { throw new Error('unused'); }).gate, log });
  const result = await invoker.invoke('echo.say', { text: 'x' }, { caller });
  t.is(result.outcome, 'timeout');
  t.true(sawAbort);
});

test('a sensitive call waits for approval, runs with edited arguments and records the outcome', async (t) => {
  const { tool, runs } = echoTool({ sensitive: true });
  const { gate, requests, outcomes } = gateAnswering(() => ({ kind: 'edited', by: 'token', at: 'now', requestId: 'a1', args: { text: 'edited' } }));
  const invoker = createToolInvoker({ tools: [bindTool(tool, {})], gate, log });
  const events: string[] = [];
  const result = await invoker.invoke('echo.say', { text: 'original' }, { caller, onEvent: (e) => events.push(e.type) });
  t.is(result.outcome, 'ok');
  t.is(result.text, 'edited');
  t.deepEqual(requests[0]?.args, { text: 'original', times: 1 });
  t.deepEqual(runs, [{ text: 'edited', times: 1 }]);
  t.deepEqual(events, ['approval-requested', 'approval-decided']);
  t.deepEqual(outcomes, [{ id: 'a1', ok: true, summary: 'edited' }]);
});

test('a denied or expired sensitive call does not run', async (t) => {
  const { tool, runs } = echoTool({ sensitive: true });
  const denied = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => ({ kind: 'denied', by: 'token', at: 'now', requestId: 'a1', reason: 'not now' })).gate, log });
  const d = await denied.invoke('echo.say', { text: 'x' }, { caller });
  t.is(d.outcome, 'denied');
  t.regex(d.text, /not now/);
  const expired = createToolInvoker({ tools: [bindTool(tool, {})], gate: gateAnswering(() => ({ kind: 'expired', at: 'now', requestId: 'a1' })).gate, log });
  t.is((await expired.invoke('echo.say', { text: 'x' }, { caller })).outcome, 'expired');
  t.deepEqual(runs, []);
});

test('edited arguments that break the schema are refused and nothing runs', async (t) => {
  const { tool, runs } = echoTool({ sensitive: true });
  const { gate, outcomes } = gateAnswering(() => ({ kind: 'edited', by: 'token', at: 'now', requestId: 'a1', args: { text: '' } }));
  const result = await createToolInvoker({ tools: [bindTool(tool, {})], gate, log }).invoke('echo.say', { text: 'x' }, { caller });
  t.is(result.outcome, 'invalid');
  t.deepEqual(runs, []);
  t.false(outcomes[0]?.ok);
});

test('two tools with one name are refused at construction', (t) => {
  const { tool } = echoTool();
  const { gate } = gateAnswering(() => ({ kind: 'expired', at: 'now', requestId: 'a1' }));
  t.throws(() => createToolInvoker({ tools: [bindTool(tool, {}), bindTool(tool, {})], gate, log }), { message: /twice/ });
});
