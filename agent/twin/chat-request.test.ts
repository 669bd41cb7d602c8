import test from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isHearthError } from '../errors.js';
import { createAgents, openChatStream } from './chat-request.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const deps = () => ({ ...createAgents(), apiKey: 'k', timeoutMs: 10_000 });

test('an answer other than 2xx is a HEARTH_ERR_UNREACHABLE that carries the server\'s own message and status', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 400, message: 'request (8271 tokens) exceeds the available context size (8192 tokens), try increasing it', type: 'exceed_context_size_error' } }));
  });
  const baseUrl = await listen(server);
  t.teardown(() => server.close());
  const err = await t.throwsAsync(openChatStream(deps(), baseUrl, { stream: true }, new AbortController().signal));
  t.true(isHearthError(err, 'HEARTH_ERR_UNREACHABLE'));
  t.is(err?.message, `The model server at ${baseUrl} answered 400: request (8271 tokens) exceeds the available context size (8192 tokens), try increasing it`);
});

test('a kept-alive connection the server drops when it is used again is asked once more, on a new connection', async (t) => {
  const served = new WeakMap<Socket, number>();
  let connections = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    // As llama-server does after a streamed answer: the next request on that connection gets no answer.
    if (n > 1) return void req.socket.destroy();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: [DONE]\n\n');
  });
  server.on('connection', () => (connections += 1));
  const baseUrl = await listen(server);
  t.teardown(() => server.close());
  const d = deps();
  t.teardown(() => d.http.destroy());
  for (let i = 0; i < 2; i++) {
    const res = await openChatStream(d, baseUrl, { stream: true }, new AbortController().signal);
    t.is(res.statusCode, 200);
    for await (const chunk of res) void chunk;
  }
  t.is(requests, 3, 'the second request was dropped on the kept-alive connection and asked again');
  t.is(connections, 2, 'the second request went out again on a new connection');
});

test('a request cancelled before the answer is a cancellation, not an unreachable server', async (t) => {
  const server = createServer(() => undefined); // never answers
  const baseUrl = await listen(server);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const controller = new AbortController();
  const pending = openChatStream(deps(), baseUrl, { stream: true }, controller.signal);
  setTimeout(() => controller.abort(new Error('barge-in')), 50);
  const err = await t.throwsAsync(pending);
  t.true(isHearthError(err, 'HEARTH_ERR_TIMEOUT'));
  t.is((err as { details?: Record<string, unknown> } | undefined)?.details?.['cancelled'], true);
});
