// The simulated Nomad clients: run the allocations the scheduler places,
// report their status back to the server state, stop them on request.
import type { Logger } from 'pino';
import { createAllocRunner, type AllocRunner, type ConsulBridge } from './alloc-runner.js';
import type { TaskDriver } from './drivers/driver.js';
import type { NomadServiceRegistry } from './service-registry.js';
import { createMockDriver } from './drivers/mock.js';
import { createRawExecDriver } from './drivers/raw-exec.js';
import { isTerminalClient, type SimAlloc } from './model.js';
import type { SchedulerClient } from './scheduler.js';
import { jobKey, type NomadStore } from './store.js';

export interface NomadClients extends SchedulerClient {
  /** Stops every allocation and waits for its processes to exit. */
  shutdown(): Promise<void>;
  resyncServices(): void;
}

export function createNomadClients(deps: {
  store: NomadStore;
  consul: ConsulBridge;
  nomadServices: NomadServiceRegistry;
  workDir: () => string;
  region: string;
  checkIntervalCapMs: number | undefined;
  onCapacityChange: () => void;
  log: Logger;
}): NomadClients {
  const log = deps.log.child({ module: 'sim-client' });
  const runners = new Map<string, AllocRunner>();
  const livePids = new Set<number>();
  // Last resort if the hosting process exits without stop(): no task outlives it.
  // The exit hook is installed only while processes run.
  const killLeftovers = (): void => {
    for (const pid of livePids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const rawExec = createRawExecDriver({
    add(pid) {
      if (livePids.size === 0) process.on('exit', killLeftovers);
      livePids.add(pid);
    },
    delete(pid) {
      livePids.delete(pid);
      if (livePids.size === 0) process.off('exit', killLeftovers);
    },
  });
  const drivers = new Map<string, TaskDriver>([['raw_exec', rawExec], ['exec', rawExec], ['mock_driver', createMockDriver()]]);
  const nodes = new Map(deps.store.nodes.map((n) => [n.ID, n]));
  let closing = false;

  return {
    start(alloc: SimAlloc) {
      const node = nodes.get(alloc.NodeID);
      if (node === undefined || closing) return;
      let wasTerminal = false;
      const runner = createAllocRunner({
        alloc, node, consul: deps.consul, nomadServices: deps.nomadServices, drivers, workDir: deps.workDir(), region: deps.region, checkIntervalCapMs: deps.checkIntervalCapMs, log,
        commit: () => {
          if (closing && runners.size === 0) return;
          deps.store.commitAlloc(alloc, 'AllocationUpdated');
          deps.store.refreshJobStatus(jobKey(alloc.Namespace, alloc.JobID));
          const terminal = isTerminalClient(alloc.ClientStatus);
          if (terminal && !wasTerminal) deps.onCapacityChange();
          wasTerminal = terminal;
        },
      });
      runners.set(alloc.ID, runner);
      void runner.done.then(() => runners.delete(alloc.ID));
      runner.start();
    },
    stop(alloc: SimAlloc) {
      const runner = runners.get(alloc.ID);
      if (runner === undefined) {
        if (!isTerminalClient(alloc.ClientStatus)) {
          alloc.ClientStatus = 'complete';
          deps.store.commitAlloc(alloc, 'AllocationUpdated');
          deps.onCapacityChange();
        }
        return;
      }
      void runner.stop();
    },
    async shutdown() {
      closing = true;
      await Promise.all([...runners.values()].map((r) => r.stop()));
      runners.clear();
      killLeftovers();
      livePids.clear();
      process.off('exit', killLeftovers);
    },
    resyncServices() {
      for (const r of runners.values()) r.resyncServices();
    },
  };
}
