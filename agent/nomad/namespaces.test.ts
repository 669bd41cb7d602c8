import test from 'ava';
import { isHearthError } from '../errors.js';
import { sendJson, sendText, startFakeServer } from '../../testing/support/fake-http-server.js';
import { createSilentLogger } from '../log.js';
import { createNomadClient } from './client.js';
import { ensureNamespace } from './namespaces.js';

async function nomadAnswering(answer: (method: string, path: string) => { status: number; body: unknown }) {
  const server = await startFakeServer((req, res) => {
    const { status, body } = answer(req.method, req.path);
    if (typeof body === 'string') sendText(res, status, body);
    else sendJson(res, status, body);
  });
  const client = createNomadClient({ addr: server.url, log: createSilentLogger() });
  return { server, client, close: async () => { await client.close(); await server.close(); } };
}

test('a missing namespace is created once and an existing one is left alone', async (t) => {
  const known = new Set<string>();
  const n = await nomadAnswering((method, path) => {
    const name = path.split('/').pop() ?? '';
    if (method === 'GET') return known.has(name) ? { status: 200, body: { Name: name, Description: '', CreateIndex: 1, ModifyIndex: 1 } } : { status: 404, body: 'Namespace not found' };
    known.add(name);
    return { status: 200, body: '' };
  });
  t.teardown(n.close);
  t.is(await ensureNamespace(n.client.namespaces, 'creative', 'creative-expert'), 'created');
  t.is(await ensureNamespace(n.client.namespaces, 'creative', 'creative-expert'), 'exists');
  t.deepEqual(n.server.requests.map((r) => `${r.method} ${r.path}`), ['GET /v1/namespace/creative', 'POST /v1/namespace/creative', 'GET /v1/namespace/creative']);
  t.deepEqual(JSON.parse(n.server.requests[1]?.body ?? '{}').Name, 'creative');
});

test('the default namespace and an unset one are never looked up', async (t) => {
  const n = await nomadAnswering(() => ({ status: 500, body: 'should not be called' }));
  t.teardown(n.close);
  t.is(await ensureNamespace(n.client.namespaces, 'default', 'j'), 'exists');
  t.is(await ensureNamespace(n.client.namespaces, undefined, 'j'), 'exists');
  t.is(n.server.requests.length, 0);
});

test('a token that may not create the namespace gets an ACL error naming the namespace, the job and the fix', async (t) => {
  const n = await nomadAnswering((method) => (method === 'GET' ? { status: 404, body: 'Namespace not found' } : { status: 403, body: 'Permission denied' }));
  t.teardown(n.close);
  const err = await t.throwsAsync(ensureNamespace(n.client.namespaces, 'creative', 'creative-expert'));
  t.true(isHearthError(err, 'HEARTH_ERR_ACL_DENIED'));
  t.regex(err?.message ?? '', /Job creative-expert is in Nomad namespace "creative", but the Nomad token may not create it \(it does not exist yet\).*nomad namespace apply creative/);
});
