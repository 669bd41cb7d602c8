// Nomad's own service catalog (services with `Provider: "nomad"`): the
// registrations of running allocations, blocking reads, and Service events.
import type { NomadStore } from './store.js';

export interface NomadServiceRegistration {
  ID: string;
  ServiceName: string;
  Namespace: string;
  NodeID: string;
  Datacenter: string;
  JobID: string;
  AllocID: string;
  Tags: string[];
  Address: string;
  Port: number;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NomadServiceRegistry {
  register(regs: readonly Omit<NomadServiceRegistration, 'CreateIndex' | 'ModifyIndex'>[]): void;
  deregister(ids: readonly string[]): void;
  all(): NomadServiceRegistration[];
  /** Highest index of anything under `name` (or of the whole catalog with no name). */
  index(name?: string): number;
}

export function createNomadServiceRegistry(store: NomadStore): NomadServiceRegistry {
  const byId = new Map<string, NomadServiceRegistration>();
  const nameIndex = new Map<string, number>();
  let tableIndex = store.currentIndex();

  const touch = (reg: NomadServiceRegistration, idx: number): void => {
    tableIndex = idx;
    nameIndex.set(reg.ServiceName, idx);
    store.hub.notify('services');
    store.hub.notify(`service:${reg.ServiceName}`);
  };
  const publish = (type: 'ServiceRegistration' | 'ServiceDeregistration', reg: NomadServiceRegistration, idx: number): void => {
    store.broker.publish(idx, [{ Topic: 'Service', Type: type, Key: reg.ID, Namespace: reg.Namespace, FilterKeys: [reg.JobID, reg.ServiceName], Index: idx, Payload: { Service: reg } }]);
  };

  return {
    register(regs) {
      for (const r of regs) {
        const idx = store.nextIndex();
        const reg: NomadServiceRegistration = { ...r, Tags: [...r.Tags], CreateIndex: byId.get(r.ID)?.CreateIndex ?? idx, ModifyIndex: idx };
        byId.set(reg.ID, reg);
        touch(reg, idx);
        publish('ServiceRegistration', reg, idx);
      }
    },
    deregister(ids) {
      for (const id of ids) {
        const reg = byId.get(id);
        if (reg === undefined) continue;
        byId.delete(id);
        const idx = store.nextIndex();
        touch(reg, idx);
        publish('ServiceDeregistration', reg, idx);
      }
    },
    all: () => [...byId.values()],
    index: (name) => (name === undefined ? tableIndex : nameIndex.get(name) ?? tableIndex),
  };
}
