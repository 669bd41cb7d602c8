import test from 'ava';
import { request } from 'node:http';
import { connect } from 'node:net';
import { createSilentLogger } from '../log.js';
import { createApiServer, type ApiServerOptions } from './server.js';
import type { Principal, Route, UpgradeRoute } from './route.js';

const TOKEN = 'stream-token-51c2';

async function startServer(t: import('ava').ExecutionContext, extra: Partial<ApiServerOptions>) {
  const server = createApiServer({ listen: '127.0.0.1:0', token: TOKEN, log: createSilentLogger(), routes: [], ...extra });
  const { port } = await server.start();
  t.teardown(() => server.stop());
  return port;
}

test('a stream response is written chunk by chunk before the handler has produced all of it', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* events() {
    yield 'event: first\ndata: 1\n\n';
    await gate;
    yield 'event: second\ndata: 2\n\n';
  }
  const routes: Route[] = [{ method: 'GET', path: '/sse', auth: 'none', handler: () => ({ status: 200, stream: events() }) }];
  const port = await startServer(t, { routes });
  const response = await fetch(`http://127.0.0.1:${port}/sse`);
  t.is(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  t.is(first, 'event: first\ndata: 1\n\n');
  release();
  let rest = '';
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    rest += new TextDecoder().decode(next.value);
  }
  t.is(rest, 'event: second\ndata: 2\n\n');
});

test('a client that goes away aborts the request signal of a streaming handler', async (t) => {
  let aborted: Promise<void> | undefined;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/forever',
      auth: 'none',
      handler: (req) => {
        aborted = new Promise((resolve) => req.signal.addEventListener('abort', () => resolve(), { once: true }));
        async function* ticks() {
          yield 'data: tick\n\n';
          await aborted;
        }
        return { status: 200, stream: ticks() };
      },
    },
  ];
  const port = await startServer(t, { routes });
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/forever' }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.end();
  });
  await aborted;
  t.pass();
});

test('an authenticator decides for requests without a bearer header, and a wrong bearer is never rescued by it', async (t) => {
  const seen: Principal[] = [];
  const routes: Route[] = [{ method: 'POST', path: '/change', auth: 'token', handler: (req) => { seen.push(req.principal); return { status: 204 }; } }];
  const authenticate = (req: import('node:http').IncomingMessage): Principal =>
    req.headers.cookie === 'session=good' ? { kind: 'session', sessionId: 's1' } : { kind: 'anonymous' };
  const port = await startServer(t, { routes, authenticate });
  const base = `http://127.0.0.1:${port}/change`;
  t.is((await fetch(base, { method: 'POST', headers: { cookie: 'session=good' } })).status, 204);
  t.is((await fetch(base, { method: 'POST', headers: { cookie: 'session=bad' } })).status, 401);
  t.is((await fetch(base, { method: 'POST', headers: { cookie: 'session=good', authorization: 'Bearer wrong' } })).status, 401);
  t.is((await fetch(base, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status, 204);
  t.deepEqual(seen, [{ kind: 'session', sessionId: 's1' }, { kind: 'token' }]);
});

function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: upgrade', 'upgrade: test', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(lines.join('\r\n') + '\r\n\r\n');
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('an upgrade route is handed the socket only when auth passes; otherwise the socket gets an HTTP error', async (t) => {
  const handed: Principal[] = [];
  const upgrades: UpgradeRoute[] = [
    {
      path: '/ws',
      auth: 'token',
      handle: (_req, socket, _head, principal) => {
        handed.push(principal);
        socket.end('HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\nconnection: upgrade\r\n\r\nhello');
      },
    },
  ];
  const port = await startServer(t, { upgrades });
  t.regex(await rawUpgrade(port, '/ws'), /^HTTP\/1.1 401 [\s\S]*HEARTH_ERR_UNAUTHORIZED/);
  t.regex(await rawUpgrade(port, '/elsewhere', { authorization: `Bearer ${TOKEN}` }), /^HTTP\/1.1 404 /);
  t.regex(await rawUpgrade(port, '/ws', { authorization: `Bearer ${TOKEN}` }), /^HTTP\/1.1 101 [\s\S]*hello$/);
  t.deepEqual(handed, [{ kind: 'token' }]);
});
