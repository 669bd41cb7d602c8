import test from 'ava';
import { createSilentLogger } from '../log.js';
import { createApiServer } from './server.js';
import type { Route } from './route.js';

const TOKEN = 'test-token-9f3a';

function makeRoutes(seen: unknown[]): Route[] {
  return [
    { method: 'GET', path: '/api/v1/echo/:name', auth: 'none', handler: (req) => ({ status: 200, json: { name: req.params['name'], q: req.query.get('q') } }) },
    {
      method: 'POST',
      path: '/api/v1/change',
      auth: 'token',
      handler: (req) => {
        seen.push(req.body);
        return { status: 200, json: { changed: true } };
      },
    },
    { method: 'GET', path: '/api/v1/fail', auth: 'none', handler: () => { throw new Error('boom'); } },
    { method: 'GET', path: '/text', auth: 'none', handler: () => ({ status: 200, text: 'plain' }) },
  ];
}

async function startServer(t: import('ava').ExecutionContext, token: string | undefined, seen: unknown[] = []) {
  const server = createApiServer({ listen: '127.0.0.1:0', token, log: createSilentLogger(), routes: makeRoutes(seen), bodyLimit: 1024 });
  const { port } = await server.start();
  t.teardown(() => server.stop());
  return `http://127.0.0.1:${port}`;
}

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as any) : undefined };
}

test('a route with path parameters gets them decoded along with the query', async (t) => {
  const base = await startServer(t, TOKEN);
  const res = await call(`${base}/api/v1/echo/a%20b?q=1`);
  t.is(res.status, 200);
  t.deepEqual(res.json, { name: 'a b', q: '1' });
});

test('a token route refuses a request without a token with 401 and a JSON error', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, TOKEN, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: '{}' });
  t.is(res.status, 401);
  t.is(res.json.error.code, 'HEARTH_ERR_UNAUTHORIZED');
  t.is(res.headers.get('www-authenticate'), 'Bearer');
  t.deepEqual(seen, []);
});

test('a token route refuses a wrong token with 401', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, TOKEN, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${TOKEN}x` } });
  t.is(res.status, 401);
  t.deepEqual(seen, []);
});

test('a token route is refused with 403 when no token is configured, whatever the request carries', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, undefined, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer anything' } });
  t.is(res.status, 403);
  t.regex(res.json.error.message, /no API token is configured/);
  t.deepEqual(seen, []);
});

test('a token route runs with the right token and receives the parsed body', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, TOKEN, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: '{"a":1}', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(res.status, 200);
  t.deepEqual(seen, [{ a: 1 }]);
});

test('malformed JSON is refused with 400 before the handler runs', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, TOKEN, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: '{"a":', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(res.status, 400);
  t.is(res.json.error.code, 'HEARTH_ERR_INVALID_INPUT');
  t.regex(res.json.error.message, /malformed JSON/);
  t.deepEqual(seen, []);
});

test('a body over the size limit is refused with 413', async (t) => {
  const seen: unknown[] = [];
  const base = await startServer(t, TOKEN, seen);
  const res = await call(`${base}/api/v1/change`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(2000) }), headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(res.status, 413);
  t.deepEqual(seen, []);
});

test('an unknown path answers 404 and a known path with the wrong method 405 with Allow', async (t) => {
  const base = await startServer(t, TOKEN);
  const missing = await call(`${base}/nope`);
  t.is(missing.status, 404);
  t.is(missing.json.error.code, 'HEARTH_ERR_NOT_FOUND');
  const wrong = await call(`${base}/api/v1/change`, { method: 'GET' });
  t.is(wrong.status, 405);
  t.is(wrong.headers.get('allow'), 'POST');
  t.truthy(wrong.json.error.message);
});

test('a handler that throws answers 500 with a JSON error and no internals', async (t) => {
  const base = await startServer(t, TOKEN);
  const res = await call(`${base}/api/v1/fail`);
  t.is(res.status, 500);
  t.is(res.json.error.code, 'HEARTH_ERR_INTERNAL');
  t.notRegex(res.text, /boom/);
});

test('a text response keeps its text', async (t) => {
  const base = await startServer(t, TOKEN);
  const res = await call(`${base}/text`);
  t.is(res.text, 'plain');
  t.regex(res.headers.get('content-type') ?? '', /text\/plain/);
});

test('the server binds exactly the configured host', async (t) => {
  const server = createApiServer({ listen: '127.0.0.1:0', token: undefined, log: createSilentLogger(), routes: [] });
  const bound = await server.start();
  t.teardown(() => server.stop());
  t.is(bound.address, '127.0.0.1');
});

test('two routes claiming the same method and pattern are refused at construction', (t) => {
  const handler = () => ({ status: 200 });
  t.throws(
    () => createApiServer({ listen: '127.0.0.1:0', token: undefined, log: createSilentLogger(), routes: [
      { method: 'GET', path: '/a/:x', auth: 'none', handler },
      { method: 'GET', path: '/a/:y', auth: 'none', handler },
    ] }),
    { message: /Two routes claim/ },
  );
});

test('stop closes the listener so the port refuses connections', async (t) => {
  const server = createApiServer({ listen: '127.0.0.1:0', token: undefined, log: createSilentLogger(), routes: makeRoutes([]) });
  const { port } = await server.start();
  await server.stop();
  await t.throwsAsync(fetch(`http://127.0.0.1:${port}/text`));
});

test('a takeover response writes its own answer after auth and the body were checked', async (t) => {
  const bodies: unknown[] = [];
  const server = createApiServer({
    listen: '127.0.0.1:0',
    token: TOKEN,
    log: createSilentLogger(),
    routes: [{
      method: 'POST',
      path: '/raw',
      auth: 'token',
      handler: (req) => ({
        status: 0,
        takeover: async (res) => {
          bodies.push(req.body);
          res.writeHead(202, { 'content-type': 'text/x-raw' });
          res.end('written by the handler');
        },
      }),
    }],
  });
  const { port } = await server.start();
  t.teardown(() => server.stop());
  const refused = await call(`http://127.0.0.1:${port}/raw`, { method: 'POST', body: '{"a":1}' });
  t.is(refused.status, 401);
  const res = await call(`http://127.0.0.1:${port}/raw`, { method: 'POST', body: '{"a":1}', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(res.status, 202);
  t.is(res.text, 'written by the handler');
  t.deepEqual(bodies, [{ a: 1 }]);
});
