// The agent through a real Nomad outage (Nomad killed, then started again)
// and a real Nomad restart: /health degrades and recovers, the agent stays
// registered in Consul and keeps discovering experts.
import test from 'ava';
import { startAgentProcess, type AgentProcess } from '../integration/agent-process.js';
import { passCheck, readCatalogService, registerExpert } from '../integration/consul-http.js';
import { waitForHealth } from '../integration/fixtures.js';
import { waitFor } from '../support/wait-for.js';
import { realNomadSuite } from '../support/real-nomad-suite.js';

async function discovers(agent: AgentProcess, id: string): Promise<unknown> {
  return waitFor(`the agent to list ${id} passing`, async () => {
    const { body } = await agent.getJson('/api/v1/experts');
    return (body.experts as Array<{ id: string; health: string }>).find((e) => e.id === id && e.health === 'passing');
  }, { timeoutMs: 30_000 });
}

realNomadSuite(test, (real) => {
  test.serial('the agent degrades while real Nomad is down, recovers when it starts again and after a restart, and keeps discovering', async (t) => {
    t.timeout(240_000);
    const agent = await startAgentProcess({ nomadAddr: real().nomadAddr, consulAddr: real().consulAddr, nodeName: real().nodeName });
    t.teardown(async () => {
      await agent.stop('SIGKILL');
    });
    await waitForHealth(agent, 'ok');
    const registered = () => waitFor('hearth-agent in the catalog', async () =>
      (await readCatalogService(real().consulAddr, 'hearth-agent')).find((e) => e.ServiceID === `hearth-agent-${real().nodeName}`), { timeoutMs: 30_000 });
    await registered();

    // Outage: Nomad is gone, not paused; its port refuses connections.
    await real().stopNomad();
    const degraded = await waitForHealth(agent, 'degraded', 'nomad:');
    t.true(degraded.reasons.some((r) => r.includes(real().nomadAddr)), degraded.reasons.join('; '));
    // Discovery does not depend on Nomad: an expert that turns healthy meanwhile is found.
    const during = await registerExpert(real().consulAddr, { name: 'prima-api-outage', id: 'prima-api-outage-1', address: '127.0.0.1', port: 9101 });
    await passCheck(real().consulAddr, during);
    await discovers(agent, 'prima-api-outage-1');
    await real().startNomad();
    await waitForHealth(agent, 'ok');

    // Restart: stopped and started again at once.
    await real().restartNomad();
    await waitForHealth(agent, 'ok');
    const after = await registerExpert(real().consulAddr, { name: 'prima-api-restart', id: 'prima-api-restart-1', address: '127.0.0.1', port: 9102 });
    await passCheck(real().consulAddr, after);
    await discovers(agent, 'prima-api-restart-1');
    t.truthy(await registered(), 'the agent is still registered');
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    t.regex(metrics, /^hearth_backend_reachable\{backend="nomad"\} 1$/m);
    // Nomad registered its own services in Consul again after each start.
    t.true((await readCatalogService(real().consulAddr, 'nomad-client')).length > 0);
  });
});
