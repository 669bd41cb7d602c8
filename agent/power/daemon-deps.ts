// What every power module the daemon builds shares: its config and logger, this
// node's identity, and the daemon's Nomad and Consul clients behind the power
// ports. The traffic monitor is added by the caller (or left out when power
// management is disabled), so this file loads no BPF code.
import type { Registry } from 'prom-client';
import type { ModuleDeps } from '../daemon/module-contract.js';
import { adaptConsulClient } from './consul-adapter.js';
import type { PowerModuleDeps } from './module.js';
import { adaptNomadClient } from './nomad-adapter.js';

export function daemonPowerDeps(deps: ModuleDeps, registry?: Registry): Omit<PowerModuleDeps, 'createMonitor' | 'defaultInterfaces'> {
  return {
    config: deps.config,
    log: deps.log,
    node: { name: deps.node.name, address: deps.node.address },
    nomad: adaptNomadClient(deps.backends.nomad),
    consul: adaptConsulClient(deps.backends.consul),
    events: deps.events,
    ...(registry === undefined ? {} : { registry }),
  };
}
