// hearth's traffic monitor: loads bpf/build/traffic_monitor.bpf.o, attaches
// its TC programs on the given interfaces (lo: ingress only, every other
// interface: ingress and egress, so each packet is counted once) and its
// sk_lookup program to a network namespace, and exposes per-service counters,
// first-SYN events for sleeping services and the connection hold.
// See bpf/traffic_monitor.bpf.c for what is counted and why.
import { HearthError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import { repoPath } from '../util/paths.js';
import { attach, detach, newAttachment, type Attachment } from './attachment.js';
import { BpfObject } from './bpf-object.js';
import { loadLibbpf } from './libbpf.js';
import { openServiceMaps, type ServiceEntry, type ServiceMaps } from './service-maps.js';
import { HEARTH_TC_PRIORITY } from './tc.js';
import type { ServiceCounters, SynEvent, WatchedService } from './types.js';
import { parseWatchedService } from './watched-service.js';

export { defaultInterfaces } from './interfaces.js';
export { HEARTH_TC_PRIORITY } from './tc.js';
export type { ServiceCounters, SynEvent, WatchedService } from './types.js';

export interface TrafficMonitor {
  start(): Promise<void>;
  stop(): Promise<void>;
  watch(svc: WatchedService): void;
  unwatch(id: number): void;
  counters(): Map<number, ServiceCounters>;
  setSleeping(id: number, sleeping: boolean): void;
  onSyn(listener: (ev: SynEvent) => void): () => void;
  hold(id: number, listenerFd: number): void;
  release(id: number): void;
  interfaces(): string[];
}

export interface TrafficMonitorOptions {
  interfaces: string[];
  /** Default: bpf/build/traffic_monitor.bpf.o in the repository. */
  objectPath?: string;
  log: Logger;
  /** Network namespace for sk_lookup (the hold); default: this process's. */
  netnsPath?: string;
  /**
   * tc priority of hearth's filters (1-65535; default HEARTH_TC_PRIORITY).
   * Crash recovery looks only at this priority, so monitors with different
   * priorities (parallel test runs) leave each other alone.
   */
  tcPriority?: number;
}

const SOURCE = 'createTrafficMonitor';

interface Running {
  readonly attachment: Attachment;
  readonly maps: ServiceMaps;
}

const ZERO_COUNTERS: ServiceCounters = {
  rxPackets: 0n, rxBytes: 0n, txPackets: 0n, txBytes: 0n,
  activityBytes: 0n, openConnections: 0, checkConnections: 0n, lastActivityNs: 0n,
};

export function createTrafficMonitor(opts: TrafficMonitorOptions): TrafficMonitor {
  if (!Array.isArray(opts.interfaces) || opts.interfaces.length === 0 || opts.interfaces.some((n) => typeof n !== 'string' || n === '')) {
    throw invalidInput('interfaces', 'a non-empty list of interface names', opts.interfaces, SOURCE);
  }
  const tcPriority = opts.tcPriority ?? HEARTH_TC_PRIORITY;
  if (!Number.isInteger(tcPriority) || tcPriority < 1 || tcPriority > 0xffff) {
    throw invalidInput('tcPriority', 'an integer from 1 to 65535', opts.tcPriority, SOURCE);
  }
  const log = opts.log.child({ module: 'bpf' });
  const objectPath = opts.objectPath ?? repoPath('bpf', 'build', 'traffic_monitor.bpf.o');
  const netnsPath = opts.netnsPath ?? '/proc/self/ns/net';
  const ifnames = [...new Set(opts.interfaces)];
  const services = new Map<number, ServiceEntry>();
  const listeners = new Set<(ev: SynEvent) => void>();
  let running: Running | undefined;
  let starting: Promise<void> | undefined;

  const deliver = (events: SynEvent[]): void => {
    for (const ev of events) {
      for (const listener of listeners) {
        try {
          listener(ev);
        } catch (err) {
          log.error({ err, serviceId: ev.serviceId }, 'SYN listener threw');
        }
      }
    }
  };

  const known = (id: number, source: string): ServiceEntry => {
    const entry = services.get(id);
    if (entry === undefined) {
      throw new HearthError('HEARTH_ERR_NOT_FOUND', `Service ${id} is not watched by the traffic monitor (from ${source}).`, {
        details: { serviceId: id, source },
      });
    }
    return entry;
  };

  const mustRun = (what: string): Running => {
    if (running === undefined) {
      throw new HearthError('HEARTH_ERR_BPF', `The traffic monitor is not started; start() it before ${what}.`, {
        details: { function: what },
      });
    }
    return running;
  };

  const startOnce = async (): Promise<void> => {
    const lib = loadLibbpf();
    const obj = BpfObject.load(lib, objectPath);
    const attachment = newAttachment(lib, obj);
    try {
      const maps = openServiceMaps(lib, obj);
      for (const entry of services.values()) maps.write(entry);
      await attach(attachment, { ifnames, tcPriority, netnsPath, log, deliver });
      running = { attachment, maps };
    } catch (err) {
      await detach(attachment, log).catch((cleanupErr: unknown) => log.error({ err: cleanupErr }, 'rollback after a failed start failed'));
      throw err;
    }
    log.info({ interfaces: ifnames, services: services.size, object: objectPath }, 'traffic monitor attached');
  };

  return {
    async start() {
      if (running !== undefined) return;
      // A second start() while one is under way waits for that one.
      starting ??= startOnce().finally(() => {
        starting = undefined;
      });
      await starting;
    },

    async stop() {
      await starting?.catch(() => undefined); // a start() under way finishes (or fails) first
      const state = running;
      if (state === undefined) return;
      running = undefined;
      await detach(state.attachment, log);
      log.info({ interfaces: ifnames }, 'traffic monitor detached');
    },

    watch(svc) {
      const entry = parseWatchedService(svc, 'TrafficMonitor.watch');
      const previous = services.get(entry.id);
      const next = { ...entry, sleeping: previous?.sleeping ?? false };
      if (running !== undefined) {
        if (previous !== undefined && (previous.port !== next.port || previous.address.family !== next.address.family
          || !Buffer.from(previous.address.bytes).equals(Buffer.from(next.address.bytes)))) {
          running.maps.remove(previous);
        }
        running.maps.write(next);
      }
      services.set(next.id, next);
    },

    unwatch(id) {
      const entry = services.get(id);
      if (entry === undefined) return;
      running?.maps.remove(entry);
      services.delete(id);
    },

    counters() {
      const out = new Map<number, ServiceCounters>();
      for (const id of services.keys()) {
        const sum = running?.maps.read(id);
        if (sum === undefined) {
          out.set(id, { ...ZERO_COUNTERS });
          continue;
        }
        out.set(id, {
          rxPackets: sum.rx_packets,
          rxBytes: sum.rx_bytes,
          txPackets: sum.tx_packets,
          txBytes: sum.tx_bytes,
          activityBytes: sum.activity_bytes,
          openConnections: Math.max(0, Number(sum.open_connections)),
          checkConnections: sum.check_connections,
          lastActivityNs: sum.last_activity_ns,
        });
      }
      return out;
    },

    setSleeping(id, sleeping) {
      const entry = { ...known(id, 'TrafficMonitor.setSleeping'), sleeping };
      running?.maps.write(entry);
      services.set(id, entry);
    },

    onSyn(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    hold(id, listenerFd) {
      if (!Number.isInteger(listenerFd) || listenerFd < 0) {
        throw invalidInput('listenerFd', 'the fd of a listening TCP socket', listenerFd, 'TrafficMonitor.hold');
      }
      mustRun('hold()').maps.hold(known(id, 'TrafficMonitor.hold'), listenerFd);
    },

    release(id) {
      const entry = services.get(id);
      if (entry === undefined || running === undefined) return;
      running.maps.release(entry);
    },

    interfaces() {
      return [...ifnames];
    },
  };
}
