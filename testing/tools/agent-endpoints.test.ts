// A real `hearth agent` (against the simulator) serves /mcp and /a2a behind its token and the A2A agent card.
import test from 'ava';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { useAgent, useCluster } from '../integration/fixtures.js';

const TOKEN = 'it-tools-token-1f0c';

test('the agent serves the agent card openly and /mcp and /a2a only with its token', async (t) => {
  const backend = await useCluster(t, 'simulator');
  const agent = await useAgent(t, backend, { token: TOKEN });

  const card = await agent.getJson('/.well-known/agent-card.json');
  t.is(card.status, 200);
  t.is(card.body.supportedInterfaces[0].url, `${agent.url}/a2a`);
  t.is(card.body.skills[0].id, 'ask-cluster');

  for (const path of ['/mcp', '/a2a']) {
    const refused = await fetch(`${agent.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    t.is(refused.status, 401, path);
  }

  const client = new Client({ name: 'agent-endpoints-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${agent.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  t.teardown(() => client.close());
  const { tools } = await client.listTools();
  t.true(Array.isArray(tools));
});
