import test from 'ava';
import { HttpApiError, isHearthError } from '../errors.js';
import { createHttpClient } from './request.js';
import { sendJson, sendText, startFakeServer } from '../../testing/support/fake-http-server.js';
import { freePort } from '../../testing/support/free-port.js';

const SECRET = 'secret-token-4f1c';


test('a refused connection names the address and where it came from, without the token', async (t) => {
  const port = await freePort();
  const client = createHttpClient({
    service: 'nomad',
    addr: `http://127.0.0.1:${port}`,
    addrSource: 'environment NOMAD_ADDR',
    headers: { 'x-nomad-token': SECRET },
  });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.json({ method: 'GET', path: '/v1/jobs' }));
  t.true(isHearthError(err, 'HEARTH_ERR_UNREACHABLE'));
  t.regex(err.message, new RegExp(`^cannot reach Nomad at http://127\\.0\\.0\\.1:${port} \\(set by environment NOMAD_ADDR\\): .*ECONNREFUSED`));
  t.false(JSON.stringify({ m: err.message, d: (err as { details?: unknown }).details }).includes(SECRET));
});

for (const [status, code] of [
  [403, 'HEARTH_ERR_ACL_DENIED'],
  [404, 'HEARTH_ERR_NOT_FOUND'],
  [500, 'HEARTH_ERR_CONSUL_HTTP'],
] as const) {
  test(`a ${status} answer becomes ${code} keeping the plain-text body`, async (t) => {
    const server = await startFakeServer((_req, res) => sendText(res, status, `Permission denied: token lacks service:write (${status})`));
    t.teardown(() => server.close());
    const client = createHttpClient({ service: 'consul', addr: server.url, headers: { 'x-consul-token': SECRET } });
    t.teardown(() => client.close());
    const err = await t.throwsAsync(client.json({ method: 'PUT', path: '/v1/agent/service/register', json: { Name: 'x' } }));
    t.true(err instanceof HttpApiError);
    const apiErr = err as HttpApiError;
    t.is(apiErr.code, code);
    t.is(apiErr.status, status);
    t.is(apiErr.body, `Permission denied: token lacks service:write (${status})`);
    t.true(apiErr.message.includes(apiErr.body));
    t.false(apiErr.message.includes(SECRET));
  });
}

test('a request sends its query string, headers and JSON body', async (t) => {
  const server = await startFakeServer((_req, res) => sendJson(res, 200, { ok: true }, { 'x-nomad-index': '7' }));
  t.teardown(() => server.close());
  const client = createHttpClient({ service: 'nomad', addr: `${server.url}/`, headers: { 'x-nomad-token': SECRET } });
  t.teardown(() => client.close());
  const res = await client.json<{ ok: boolean }>({
    method: 'PUT',
    path: '/v1/jobs',
    query: { namespace: 'ml', region: undefined, topic: ['Job:web', 'Allocation'] },
    json: { Job: { ID: 'web' } },
  });
  t.deepEqual(res.data, { ok: true });
  t.is(res.headers['x-nomad-index'], '7');
  const [req] = server.requests;
  t.is(req?.method, 'PUT');
  t.is(req?.path, '/v1/jobs');
  t.is(req?.query.get('namespace'), 'ml');
  t.false(req?.query.has('region'));
  t.deepEqual(req?.query.getAll('topic'), ['Job:web', 'Allocation']);
  t.is(req?.headers['x-nomad-token'], SECRET);
  t.is(req?.headers['content-type'], 'application/json');
  t.deepEqual(JSON.parse(req?.body ?? ''), { Job: { ID: 'web' } });
});

test('a request that outlives its timeout fails with HEARTH_ERR_TIMEOUT', async (t) => {
  const server = await startFakeServer(() => undefined);
  t.teardown(() => server.close());
  const client = createHttpClient({ service: 'nomad', addr: server.url, timeoutMs: 50 });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.json({ method: 'GET', path: '/v1/jobs' }));
  t.true(isHearthError(err, 'HEARTH_ERR_TIMEOUT'));
});

test('aborting a request rejects with an AbortError, not a hearth error', async (t) => {
  const server = await startFakeServer(() => undefined);
  t.teardown(() => server.close());
  const client = createHttpClient({ service: 'consul', addr: server.url });
  t.teardown(() => client.close());
  const controller = new AbortController();
  const pending = client.json({ method: 'GET', path: '/v1/catalog/services', signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  const err = await t.throwsAsync(pending);
  t.is(err.name, 'AbortError');
});

test('a missing CA file is reported when the client is built', (t) => {
  const err = t.throws(() =>
    createHttpClient({ service: 'nomad', addr: 'https://127.0.0.1:4646', addrSource: 'default', tls: { caCert: '/nonexistent/ca.pem' } }),
  );
  t.true(isHearthError(err, 'HEARTH_ERR_CONFIG_READ'));
  t.regex(err?.message ?? '', /\/nonexistent\/ca\.pem/);
});

test('an address without a scheme is refused at construction, naming its source', (t) => {
  const err = t.throws(() => createHttpClient({ service: 'consul', addr: '127.0.0.1:8500', addrSource: 'environment CONSUL_HTTP_ADDR' }));
  t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'));
  t.is(err?.message, 'Expected an http:// or https:// URL such as http://127.0.0.1:4646 for `consul address` (from environment CONSUL_HTTP_ADDR), got "127.0.0.1:8500" (string).');
});
