// A scripted OpenAI-compatible server (what llama-server and vLLM speak) for
// the twin's logic tests: each chat request takes the next reply from the
// script (or a function of the request): streamed text, structured tool calls
// split over chunks, tool calls leaked into the text, slow streams, HTTP
// errors, or a stream that never ends. Every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  | { readonly kind: 'text'; readonly chunks: readonly string[]; readonly delayMs?: number; readonly firstDelayMs?: number }
  | { readonly kind: 'tool-calls'; readonly calls: readonly { name: string; arguments: string }[]; readonly text?: string; readonly splitArgs?: number }
  | { readonly kind: 'error'; readonly status: number; readonly message: string }
  /** Sends the chunks, then holds the stream open until the client goes away. */
  | { readonly kind: 'hang'; readonly chunks: readonly string[] };

export interface RecordedRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

export interface FakeOpenAi {
  readonly url: string;
  /** `http://127.0.0.1:port/v1` */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Replies used in order; when empty, `fallback` answers. */
  script(...replies: (FakeReply | ((body: Record<string, unknown>) => FakeReply))[]): void;
  fallback(reply: FakeReply | ((body: Record<string, unknown>) => FakeReply)): void;
  /** Resolves when a streaming client disconnected before the end (barge-in evidence). */
  readonly cancelled: () => number;
  close(): Promise<void>;
}

export async function startFakeOpenAi(options: { port?: number; host?: string; model?: string; embeddingDims?: number } = {}): Promise<FakeOpenAi> {
  const model = options.model ?? 'fake-model';
  const requests: RecordedRequest[] = [];
  const queue: (FakeReply | ((body: Record<string, unknown>) => FakeReply))[] = [];
  let fallback: FakeReply | ((body: Record<string, unknown>) => FakeReply) = { kind: 'text', chunks: ['ok'] };
  let cancelled = 0;
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && (path === '/health' || path === '/v1/health')) return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: model, object: 'model' }] });
    const body = await readBody(req);
    requests.push({ path, body, at: performance.now() });
    if (path === '/v1/embeddings') {
      const inputs = Array.isArray(body['input']) ? (body['input'] as string[]) : [String(body['input'])];
      const dims = options.embeddingDims ?? 8;
      return json(res, 200, {
        object: 'list',
        model,
        data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: Array.from({ length: dims }, (_, i) => ((text.charCodeAt(i % Math.max(1, text.length)) || 1) % 7) - 3) })),
      });
    }
    if (path !== '/v1/chat/completions') return json(res, 404, { error: { message: `no route ${path}` } });
    const next = queue.shift() ?? fallback;
    const reply = typeof next === 'function' ? next(body) : next;
    if (reply.kind === 'error') return json(res, reply.status, { error: { message: reply.message, type: 'server_error' } });
    const id = `chatcmpl-${requests.length}`;
    if (body['stream'] !== true) {
      const content = reply.kind === 'tool-calls' ? (reply.text ?? null) : reply.chunks.join('');
      const toolCalls = reply.kind === 'tool-calls' ? reply.calls.map((c, i) => ({ id: `call_${i}`, type: 'function', function: c })) : undefined;
      return json(res, 200, { id, object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }] });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let gone = false;
    res.on('close', () => {
      if (!res.writableEnded) {
        gone = true;
        cancelled += 1;
      }
    });
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    send({ role: 'assistant', content: '' });
    if (reply.kind === 'text' || reply.kind === 'hang') {
      let first = true;
      for (const chunk of reply.chunks) {
        if (gone) return;
        const wait = reply.kind === 'text' ? (first ? (reply.firstDelayMs ?? reply.delayMs ?? 0) : (reply.delayMs ?? 0)) : 0;
        first = false;
        if (wait > 0) await sleep(wait);
        if (gone) return;
        send({ content: chunk });
      }
      if (reply.kind === 'hang') return; // held open until the client leaves
      send({}, 'stop');
    } else {
      if (reply.text !== undefined) send({ content: reply.text });
      reply.calls.forEach((call, index) => {
        const split = Math.max(1, reply.splitArgs ?? 2);
        const size = Math.ceil(call.arguments.length / split) || 1;
        send({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] });
        for (let i = 0; i < call.arguments.length; i += size) send({ tool_calls: [{ index, function: { arguments: call.arguments.slice(i, i + size) } }] });
      });
      send({}, 'tool_calls');
    }
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 1, completion_tokens: reply.kind === 'text' ? reply.chunks.length : 1, total_tokens: 2 }, timings: { predicted_per_second: 100 } })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    baseUrl: `http://${host}:${port}/v1`,
    port,
    requests,
    script: (...replies) => void queue.push(...replies),
    fallback: (reply) => {
      fallback = reply;
    },
    cancelled: () => cancelled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
