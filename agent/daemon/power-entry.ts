// The power module as the daemon builds it. With power.enabled it is the full
// module (agent/power/daemon-module.ts), whose eBPF traffic monitor loads
// libbpf through koffi. Disabled, it is the same module with no monitor to
// build: its routes still answer (saying power management is disabled) and its
// metrics are still served, but the native library and the BPF loader are
// never imported, so an agent without power management does not carry them.
import { HearthError } from '../errors.js';
import type { AgentModule, ModuleDeps } from './module-contract.js';

export async function createPowerEntry(deps: ModuleDeps): Promise<AgentModule> {
  if (deps.config.power.enabled) {
    const { createPowerAgentModule } = await import('../power/daemon-module.js');
    return createPowerAgentModule(deps, deps.metricsRegistry);
  }
  const [{ createPowerModule }, { daemonPowerDeps }] = await Promise.all([import('../power/module.js'), import('../power/daemon-deps.js')]);
  return createPowerModule({
    ...daemonPowerDeps(deps, deps.metricsRegistry),
    // start() returns before asking for a monitor when power.enabled is false.
    createMonitor: () => {
      throw new HearthError('HEARTH_ERR_POWER', 'power management is disabled (power.enabled = false): no traffic monitor');
    },
    defaultInterfaces: () => [],
  });
}
