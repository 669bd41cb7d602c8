// Puts the kernel traffic monitor (agent/bpf, numeric service ids, 64-bit
// counters) behind the power manager's port (service names, numbers). Ids are
// given out here in watch order; counters fit a double for any real service
// (2^53 bytes is 9 PB).
import { HearthError } from '../errors.js';
import type { ServiceCounters as KernelCounters, TrafficMonitor } from '../bpf/monitor.js';
import type { ServiceCounters, SynEvent, TrafficMonitorPort } from './ports.js';

export interface AdaptedMonitor extends TrafficMonitorPort {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function adaptTrafficMonitor(monitor: TrafficMonitor): AdaptedMonitor {
  const idOf = new Map<string, number>();
  const nameOf = new Map<number, string>();
  let nextId = 1;

  const known = (name: string): number => {
    const id = idOf.get(name);
    if (id === undefined) {
      throw new HearthError('HEARTH_ERR_NOT_FOUND', `The traffic monitor does not watch ${JSON.stringify(name)}; watch it before putting it to sleep or holding its connections.`, { details: { service: name } });
    }
    return id;
  };

  return {
    start: () => monitor.start(),
    stop: () => monitor.stop(),
    watch(spec) {
      let id = idOf.get(spec.id);
      if (id === undefined) {
        id = nextId;
        nextId += 1;
        idOf.set(spec.id, id);
        nameOf.set(id, spec.id);
      }
      monitor.watch({ id, address: spec.address, port: spec.port, protocol: spec.protocol, ...(spec.checkPrefix === undefined ? {} : { checkPrefix: spec.checkPrefix }) });
    },
    unwatch(name) {
      const id = idOf.get(name);
      if (id === undefined) return;
      monitor.unwatch(id);
      idOf.delete(name);
      nameOf.delete(id);
    },
    counters(only) {
      const out = new Map<string, ServiceCounters>();
      const ids = only?.map((name) => idOf.get(name)).filter((id): id is number => id !== undefined);
      for (const [id, counters] of monitor.counters(ids)) {
        const name = nameOf.get(id);
        if (name !== undefined) out.set(name, toNumbers(counters));
      }
      return out;
    },
    setSleeping: (name, sleeping) => monitor.setSleeping(known(name), sleeping),
    onSyn(listener) {
      return monitor.onSyn((event) => {
        const name = nameOf.get(event.serviceId);
        if (name === undefined) return;
        const adapted: SynEvent = { ...event, serviceId: name };
        listener(adapted);
      });
    },
    hold: (name, fd) => monitor.hold(known(name), fd),
    release(name) {
      const id = idOf.get(name);
      if (id !== undefined) monitor.release(id);
    },
  };
}

function toNumbers(counters: KernelCounters): ServiceCounters {
  return {
    rxPackets: Number(counters.rxPackets),
    rxBytes: Number(counters.rxBytes),
    txPackets: Number(counters.txPackets),
    txBytes: Number(counters.txBytes),
    activityBytes: Number(counters.activityBytes),
    openConnections: counters.openConnections,
    checkConnections: Number(counters.checkConnections),
    lastActivityNs: Number(counters.lastActivityNs),
  };
}
