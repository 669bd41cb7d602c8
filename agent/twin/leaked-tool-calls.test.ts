import test from 'ava';
import { createLeakGuard, recoverCalls } from './leaked-tool-calls.js';

const known = new Set(['route_to_expert', 'mcp.get_status']);

function feed(chunks: string[]) {
  const guard = createLeakGuard(known);
  const shown = chunks.map((c) => guard.push(c)).join('');
  return { shown, ...guard.end() };
}

test('a Hermes-style tagged call is held back and recovered', (t) => {
  const r = feed(['Let me check. <tool', '_call>{"name":"mcp.get_status","arguments":{}}</tool_call>']);
  t.is(r.shown, 'Let me check. ');
  t.deepEqual(r.calls, [{ name: 'mcp.get_status', arguments: '{}' }]);
});

test('a whole answer that is one JSON call is recovered; Mistral and python_tag forms too', (t) => {
  t.deepEqual(feed(['{"name": "route_to_expert", "parameters": {"expert": "prima-api-code"}}']).calls, [{ name: 'route_to_expert', arguments: '{"expert":"prima-api-code"}' }]);
  t.deepEqual(recoverCalls('[TOOL_CALLS] [{"name":"mcp.get_status","arguments":{}}]', known), [{ name: 'mcp.get_status', arguments: '{}' }]);
  t.deepEqual(recoverCalls('<|python_tag|>{"name":"mcp.get_status","parameters":{}}', known), [{ name: 'mcp.get_status', arguments: '{}' }]);
});

test('JSON that is not a call of a known tool is released as text', (t) => {
  const r = feed(['{"answer": 42}']);
  t.deepEqual(r.calls, []);
  t.is(r.shown + r.text, '{"answer": 42}');
  const unknown = feed(['<tool_call>{"name":"rm_rf","arguments":{}}</tool_call>']);
  t.deepEqual(unknown.calls, []);
  t.is(unknown.text, '<tool_call>{"name":"rm_rf","arguments":{}}</tool_call>');
});

test('ordinary text streams through at once, except a tail that may start a marker', (t) => {
  const guard = createLeakGuard(known);
  t.is(guard.push('Hello '), 'Hello ');
  t.is(guard.push('world <'), 'world ');
  t.is(guard.push('b>'), '<b>');
  t.deepEqual(guard.end(), { calls: [], text: '' });
});
