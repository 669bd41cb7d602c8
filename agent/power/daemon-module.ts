// The power module as the agent daemon builds it (agent/daemon/modules.ts):
// the daemon's Nomad and Consul clients behind the power ports, the eBPF
// traffic monitor, and this node's identity.
import type { Registry } from 'prom-client';
import { createTrafficMonitor, defaultInterfaces } from '../bpf/monitor.js';
import type { ModuleDeps } from '../daemon/module-contract.js';
import { daemonPowerDeps } from './daemon-deps.js';
import { createPowerModule, type PowerModule } from './module.js';
import { adaptTrafficMonitor } from './monitor-adapter.js';

/** `registry`: the daemon's Prometheus registry, when it has one to share; the power metrics are registered on it. */
export function createPowerAgentModule(deps: ModuleDeps, registry?: Registry): PowerModule {
  return createPowerModule({
    ...daemonPowerDeps(deps, registry),
    createMonitor: (options) => adaptTrafficMonitor(createTrafficMonitor(options)),
    defaultInterfaces: (address) => defaultInterfaces(address),
  });
}
