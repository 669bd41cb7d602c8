// A power agent in a process of its own, for the kill -9 recovery test: the
// real Nomad and Consul clients, the eBPF traffic monitor and the power
// routes on an HTTP API. Prints one JSON line {"api": URL} once it is ready;
// stops cleanly on SIGTERM.
//   node agent-child.js '{"nomadAddr", "consulAddr", "node": {name, address}, "stateDir", "interfaces", "tcPriority"}'
import { createApiServer } from '../../agent/http-api/server.js';
import { createSilentLogger } from '../../agent/log.js';
import { createConsulClient } from '../../agent/consul/client.js';
import { createNomadClient } from '../../agent/nomad/client.js';
import { adaptConsulClient } from '../../agent/power/consul-adapter.js';
import { createPowerManager } from '../../agent/power/manager.js';
import { adaptNomadClient } from '../../agent/power/nomad-adapter.js';
import { openPowerStateStore } from '../../agent/power/power-state.js';
import { createPowerRoutes } from '../../agent/power/routes.js';
import { startMonitorWhenFree } from './harness.js';

interface ChildOptions {
  nomadAddr: string;
  consulAddr: string;
  node: { name: string; address: string };
  stateDir: string;
  interfaces: string[];
  tcPriority: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const log = createSilentLogger();
const nomad = createNomadClient({ addr: options.nomadAddr, log });
const consul = createConsulClient({ addr: options.consulAddr, log });
const monitor = await startMonitorWhenFree(options.interfaces, log, options.tcPriority);
const manager = createPowerManager({
  log,
  nomad: adaptNomadClient(nomad),
  consul: adaptConsulClient(consul),
  monitor,
  store: await openPowerStateStore(options.stateDir),
  node: options.node,
  holdLimitMs: 60_000,
  tickMs: 200,
  refreshMs: 1000,
  wakePollMs: 20,
});
await manager.start();
const api = createApiServer({ listen: '127.0.0.1:0', token: 'child-token', log, routes: createPowerRoutes(manager) });
const { port } = await api.start();
process.stdout.write(JSON.stringify({ api: `http://127.0.0.1:${port}` }) + '\n');

process.once('SIGTERM', () => {
  void (async () => {
    await api.stop();
    await manager.stop();
    await monitor.stop();
    await nomad.close();
    process.exit(0);
  })();
});
