// The agent as a real process against the simulator (and real Nomad/Consul when on PATH).
import test from 'ava';
import { hearthVersion } from '../../agent/version.js';
import { availableBackends, type BackendKind } from './backend.js';
import { useAgent, useCluster, waitForHealth } from './fixtures.js';
import { passCheck, readCatalogService, registerExpert } from './consul-http.js';
import { waitFor } from '../support/wait-for.js';
import { skipAll } from '../support/skip.js';

const { kinds, realSkipReason } = availableBackends();
skipAll('real Nomad/Consul', realSkipReason);

const TOKEN = 'it-api-token-5be1c0d7';

// Each real case starts its own Nomad agent: one at a time, so a small machine is not swamped.
const testFor = (kind: BackendKind) => (kind === 'real' ? test.serial : test);

for (const kind of kinds) {
  testFor(kind)(`[${kind}] the agent registers itself as hearth-agent with its version and node in Meta, and its check passes`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    const entry = await waitFor('hearth-agent in the catalog', async () =>
      (await readCatalogService(backend.consulAddr, 'hearth-agent')).find((e) => e.ServiceID === `hearth-agent-${agent.nodeName}`));
    t.is(entry.ServiceMeta['node'], agent.nodeName);
    t.is(entry.ServiceMeta['hearth_version'], hearthVersion());
    t.is(entry.ServicePort, agent.port);
    await waitFor('the agent check to pass', async () => {
      const response = await fetch(`${backend.consulAddr}/v1/health/service/hearth-agent?passing`);
      const list = (await response.json()) as { Service: { ID: string } }[];
      return list.some((e) => e.Service.ID === `hearth-agent-${agent.nodeName}`) ? true : undefined;
    }, { timeoutMs: 30_000 });
    t.pass();
  });

  testFor(kind)(`[${kind}] the agent discovers a prima-api service once its check turns healthy`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    await waitForHealth(agent, 'ok');
    const checkId = await registerExpert(backend.consulAddr, { name: 'prima-api-code', id: 'prima-api-code-1', address: '127.0.0.1', port: 9100 });
    const healthy = () => waitFor('the expert to be listed passing', async () => {
      const { body } = await agent.getJson('/api/v1/experts');
      return (body.experts as { id: string; health: string }[]).find((e) => e.id === 'prima-api-code-1' && e.health === 'passing');
    });
    const before = await agent.getJson('/api/v1/experts');
    t.false((before.body.experts as { id: string; health: string }[]).some((e) => e.id === 'prima-api-code-1' && e.health === 'passing'));
    await passCheck(backend.consulAddr, checkId);
    const expert = await healthy();
    t.like(expert, { id: 'prima-api-code-1', health: 'passing' });
    const status = await agent.getJson('/api/v1/status');
    t.true((status.body.experts as { id: string }[]).some((e) => e.id === 'prima-api-code-1'));
    t.regex(await (await fetch(`${agent.url}/metrics`)).text(), /^hearth_experts_discovered [1-9]/m);
  });

  testFor(kind)(`[${kind}] the agent reports degraded while Consul is paused and recovers by itself when it resumes`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    await waitForHealth(agent, 'ok');
    await backend.pauseConsul();
    const degraded = await waitForHealth(agent, 'degraded', 'consul:');
    t.true(degraded.reasons.some((r) => r.includes(backend.nodes[0]?.consulAddr ?? '?')));
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    t.regex(metrics, /^hearth_backend_reachable\{backend="consul"\} 0$/m);
    await backend.resumeConsul({ wipe: false });
    await waitForHealth(agent, 'ok');
    t.pass();
  });

  testFor(kind)(`[${kind}] after Consul comes back wiped the agent registers itself again`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    const registered = () => waitFor('hearth-agent in the catalog', async () =>
      (await readCatalogService(backend.consulAddr, 'hearth-agent')).find((e) => e.ServiceID === `hearth-agent-${agent.nodeName}`), { timeoutMs: 30_000 });
    await registered();
    await backend.pauseConsul();
    await waitForHealth(agent, 'degraded');
    await backend.resumeConsul({ wipe: true });
    const again = await registered();
    t.is(again.ServiceMeta['node'], agent.nodeName);
    await waitForHealth(agent, 'ok');
  });

  testFor(kind)(`[${kind}] the agent starts while Nomad is down, reports it, and recovers when Nomad returns`, async (t) => {
    const backend = await useCluster(t, kind);
    await backend.pauseNomad();
    const agent = await useAgent(t, backend);
    const degraded = await waitForHealth(agent, 'degraded', 'nomad: cannot reach Nomad at');
    t.true(degraded.reasons.some((r) => r.includes(backend.nodes[0]?.nomadAddr ?? '?')));
    await backend.resumeNomad();
    await waitForHealth(agent, 'ok');
  });

  testFor(kind)(`[${kind}] SIGTERM deregisters the agent and it exits 0`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    await waitFor('hearth-agent in the catalog', async () =>
      (await readCatalogService(backend.consulAddr, 'hearth-agent')).find((e) => e.ServiceID === `hearth-agent-${agent.nodeName}`));
    const code = await agent.stop('SIGTERM');
    t.is(code, 0);
    const left = await readCatalogService(backend.consulAddr, 'hearth-agent');
    t.false(left.some((e) => e.ServiceID === `hearth-agent-${agent.nodeName}`));
    t.regex(agent.output(), /"msg":"agent stopped"/);
  });

  testFor(kind)(`[${kind}] SIGTERM while Consul does not answer still stops the agent with exit 0`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    await waitForHealth(agent, 'ok');
    await backend.pauseConsul();
    await waitForHealth(agent, 'degraded');
    t.is(await agent.stop('SIGTERM'), 0);
    t.regex(agent.output(), /"msg":"agent stopped"/);
  });

  testFor(kind)(`[${kind}] a token-protected endpoint answers 401 without the token or with a wrong one, and 200 with it`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend, { token: TOKEN });
    const refresh = (authorization?: string) =>
      fetch(`${agent.url}/api/v1/experts/refresh`, { method: 'POST', ...(authorization === undefined ? {} : { headers: { authorization } }) });
    const none = await refresh();
    t.is(none.status, 401);
    t.is(((await none.json()) as { error: { code: string } }).error.code, 'HEARTH_ERR_UNAUTHORIZED');
    t.is((await refresh(`Bearer ${TOKEN}-wrong`)).status, 401);
    const ok = await refresh(`Bearer ${TOKEN}`);
    t.is(ok.status, 200);
    t.true(Array.isArray(((await ok.json()) as { experts: unknown[] }).experts));
  });

  testFor(kind)(`[${kind}] without a configured token a token-protected endpoint answers 403`, async (t) => {
    const backend = await useCluster(t, kind);
    const agent = await useAgent(t, backend);
    const response = await fetch(`${agent.url}/api/v1/experts/refresh`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    t.is(response.status, 403);
  });

  testFor(kind)(`[${kind}] the agent never logs its tokens, even at debug level and when refusing one`, async (t) => {
    const backend = await useCluster(t, kind);
    const consulToken = 'it-consul-token-0c9d7e21';
    const nomadToken = 'it-nomad-token-71f2aa90';
    const agent = await useAgent(t, backend, { token: TOKEN, env: { CONSUL_HTTP_TOKEN: consulToken, NOMAD_TOKEN: nomadToken } });
    await waitForHealth(agent, 'ok');
    await fetch(`${agent.url}/api/v1/experts/refresh`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    await fetch(`${agent.url}/api/v1/experts/refresh`, { method: 'POST', headers: { authorization: 'Bearer it-guess-token-1234' } });
    const code = await agent.stop('SIGTERM');
    t.is(code, 0);
    const output = agent.output();
    t.true(output.length > 0);
    for (const secret of [TOKEN, consulToken, nomadToken, 'it-guess-token-1234']) t.false(output.includes(secret), `the log holds ${secret}`);
  });
}

test('[simulator] one agent per simulated node registers under its own node name and address', async (t) => {
  const backend = await useCluster(t, 'simulator');
  const agents = await Promise.all(backend.nodes.map((_, nodeIndex) => useAgent(t, backend, { nodeIndex })));
  const entries = await waitFor('every agent in the catalog', async () => {
    const list = await readCatalogService(backend.consulAddr, 'hearth-agent');
    return list.length === agents.length ? list : undefined;
  });
  for (const [index, agent] of agents.entries()) {
    const entry = entries.find((e) => e.ServiceID === `hearth-agent-${agent.nodeName}`);
    t.is(entry?.ServiceAddress, backend.nodes[index]?.address);
  }
});
