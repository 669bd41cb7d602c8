// hearth's traffic monitor: loads bpf/build/traffic_monitor.bpf.o, attaches
// its TC programs on the given interfaces (lo: ingress only, every other
// interface: ingress and egress, so each packet is counted once) and its
// sk_lookup program to a network namespace, and exposes per-service counters,
// first-SYN events for sleeping services and the connection hold.
// See bpf/traffic_monitor.bpf.c for what is counted and why.
import { closeSync, openSync } from 'node:fs';
import { HearthError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import { repoPath } from '../util/paths.js';
import { CHECK_PREFIX_MAX } from './abi.js';
import { encodeAddress } from './address.js';
import { bpfError } from './bpf-error.js';
import { BpfObject } from './bpf-object.js';
import { createInterfaceIndexer } from './interfaces.js';
import { lastErrno, loadLibbpf, type Libbpf, type NativePointer } from './libbpf.js';
import { createServiceMaps, type ServiceEntry, type ServiceMaps } from './service-maps.js';
import { startSynEventReader, type SynEventReader } from './syn-events.js';
import { attachTc, clsactIsEmpty, destroyClsact, detachTc, ensureClsact, HEARTH_TC_PRIORITY, removeLeftover, type TcPlace } from './tc.js';

export { defaultInterfaces } from './interfaces.js';
export { HEARTH_TC_PRIORITY } from './tc.js';

export interface WatchedService {
  id: number;
  address: string;
  port: number;
  protocol: 'tcp';
  checkPrefix?: string;
}

export interface ServiceCounters {
  rxPackets: bigint;
  rxBytes: bigint;
  txPackets: bigint;
  txBytes: bigint;
  activityBytes: bigint;
  openConnections: number;
  checkConnections: bigint;
  /** CLOCK_MONOTONIC_COARSE ns (jiffy resolution) of the last client payload on an activity connection, comparable with process.hrtime.bigint(); 0n: none yet. */
  lastActivityNs: bigint;
}

export interface SynEvent {
  serviceId: number;
  srcAddress: string;
  srcPort: number;
  dstAddress: string;
  dstPort: number;
  /** CLOCK_MONOTONIC ns when the SYN was seen (comparable with process.hrtime.bigint()). */
  timestampNs: bigint;
}

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

const PROGRAM_INGRESS = 'hearth_tc_ingress';
const PROGRAM_EGRESS = 'hearth_tc_egress';
const PROGRAM_SK_LOOKUP = 'hearth_sk_lookup';
const SOURCE = 'createTrafficMonitor';

interface Running {
  readonly lib: Libbpf;
  readonly obj: BpfObject;
  readonly maps: ServiceMaps;
  readonly places: TcPlace[];
  readonly createdClsact: Array<Pick<TcPlace, 'ifname' | 'ifindex'>>;
  link: NativePointer | null;
  reader: SynEventReader | undefined;
}

const ZERO_COUNTERS: ServiceCounters = {
  rxPackets: 0n, rxBytes: 0n, txPackets: 0n, txBytes: 0n,
  activityBytes: 0n, openConnections: 0, checkConnections: 0n, lastActivityNs: 0n,
};

function toEntry(svc: WatchedService, source: string): ServiceEntry {
  if (!Number.isInteger(svc.id) || svc.id < 0 || svc.id > 0xffffffff) {
    throw invalidInput('id', 'an integer from 0 to 4294967295', svc.id, source);
  }
  const address = encodeAddress(svc.address);
  if (address === undefined) throw invalidInput('address', 'an IPv4 or IPv6 address literal', svc.address, source);
  if (!Number.isInteger(svc.port) || svc.port < 1 || svc.port > 65535) {
    throw invalidInput('port', 'an integer from 1 to 65535', svc.port, source);
  }
  if (svc.protocol !== 'tcp') throw invalidInput('protocol', '"tcp"', svc.protocol, source);
  const checkPrefix = new TextEncoder().encode(svc.checkPrefix ?? '');
  if (checkPrefix.length > CHECK_PREFIX_MAX) {
    throw invalidInput('checkPrefix', `at most ${CHECK_PREFIX_MAX} bytes`, svc.checkPrefix, source);
  }
  return { id: svc.id, address, port: svc.port, checkPrefix, sleeping: false };
}

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
  let starting = false;

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

  const teardown = async (state: Running): Promise<void> => {
    const failures: unknown[] = [];
    const attempt = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        failures.push(err);
      }
    };
    if (state.reader !== undefined) await state.reader.stop();
    state.reader = undefined;
    if (state.link !== null) {
      const link = state.link;
      state.link = null;
      attempt(() => {
        const rc = state.lib.bpf_link__destroy(link);
        if (rc < 0) throw bpfError('bpf_link__destroy', rc);
      });
    }
    for (const place of state.places.splice(0)) attempt(() => detachTc(state.lib, place));
    for (const hook of state.createdClsact.splice(0)) {
      if (clsactIsEmpty(hook.ifname)) attempt(() => destroyClsact(state.lib, hook));
      else log.info({ interface: hook.ifname }, 'kept the clsact qdisc: other filters use it');
    }
    state.obj.close();
    for (const err of failures) log.error({ err }, 'traffic monitor teardown step failed');
    if (failures.length > 0) throw failures[0];
  };

  const attachAll = async (state: Running): Promise<void> => {
    const indexer = createInterfaceIndexer();
    const wanted: TcPlace[] = [];
    for (const ifname of ifnames) {
      const ifindex = indexer.indexOf(ifname);
      wanted.push({ ifname, ifindex, direction: 'ingress', priority: tcPriority });
      // On lo every packet crosses egress and then ingress: count it once, at ingress.
      if (ifname !== 'lo') wanted.push({ ifname, ifindex, direction: 'egress', priority: tcPriority });
    }
    for (const ifname of ifnames) {
      const place = wanted.find((p) => p.ifname === ifname);
      if (place !== undefined && ensureClsact(state.lib, place)) state.createdClsact.push(place);
    }
    // Crash recovery: a filter at hearth's handle/priority running a hearth_ program is a leftover.
    for (const place of wanted) {
      const removed = removeLeftover(state.lib, place);
      if (removed !== undefined) {
        log.warn({ interface: place.ifname, direction: place.direction, program: removed }, 'removed a tc filter left by an earlier hearth run');
      }
    }
    for (const place of wanted) {
      const progFd = state.obj.programFd(place.direction === 'ingress' ? PROGRAM_INGRESS : PROGRAM_EGRESS);
      attachTc(state.lib, place, progFd);
      state.places.push(place);
    }

    let netnsFd: number;
    try {
      netnsFd = openSync(netnsPath, 'r');
    } catch (err) {
      throw new HearthError('HEARTH_ERR_BPF', `Cannot open network namespace ${netnsPath} for sk_lookup.`, {
        cause: err,
        details: { function: 'open', path: netnsPath, hint: 'the namespace file is missing' },
      });
    }
    try {
      const link = state.lib.bpf_program__attach_netns(state.obj.program(PROGRAM_SK_LOOKUP), netnsFd);
      if (link === null) throw bpfError('bpf_program__attach_netns', lastErrno(), { netns: netnsPath });
      state.link = link;
    } finally {
      closeSync(netnsFd);
    }

    state.reader = await startSynEventReader({ mapFd: state.obj.mapFd('syn_events'), log, deliver });
  };

  return {
    async start() {
      if (running !== undefined || starting) return;
      starting = true;
      try {
        const lib = loadLibbpf();
        const obj = BpfObject.load(lib, objectPath);
        const state: Running = {
          lib,
          obj,
          maps: createServiceMaps(
            lib,
            {
              services: obj.mapFd('services'),
              serviceStats: obj.mapFd('service_stats'),
              conns: obj.mapFd('conns'),
              holdSockets: obj.mapFd('hold_sockets'),
              watchedPorts: obj.mapFd('watched_ports'),
            },
            lib.libbpf_num_possible_cpus(),
          ),
          places: [],
          createdClsact: [],
          link: null,
          reader: undefined,
        };
        try {
          for (const entry of services.values()) state.maps.write(entry);
          await attachAll(state);
        } catch (err) {
          await teardown(state).catch((cleanupErr: unknown) => log.error({ err: cleanupErr }, 'rollback after a failed start failed'));
          throw err;
        }
        running = state;
        log.info({ interfaces: ifnames, services: services.size, object: objectPath }, 'traffic monitor attached');
      } finally {
        starting = false;
      }
    },

    async stop() {
      const state = running;
      if (state === undefined) return;
      running = undefined;
      await teardown(state);
      log.info({ interfaces: ifnames }, 'traffic monitor detached');
    },

    watch(svc) {
      const entry = toEntry(svc, 'TrafficMonitor.watch');
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
