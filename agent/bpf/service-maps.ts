// Reads and writes the traffic monitor's maps for one service at a time:
// services (endpoint -> id, counter slot, flags, check prefix), service_stats
// (per-CPU counters, one array slot per service), hold_sockets (endpoint -> the agent's listening socket) and
// conns (per-connection classification, purged when a service is unwatched),
// watched_ports (port -> number of services on it: the program's pre-filter).
import koffi from 'koffi';
import {
  ConnKey, ConnState, encodeStruct, encodeU32, perCpuStatsSize, PROTO_TCP, ServiceInfo, ServiceKey,
  createPerCpuStatsBuffer, SVC_SLEEPING, CHECK_PREFIX_MAX, MAX_SERVICES, type ServiceStatsFields,
} from './abi.js';
import { HearthError } from '../errors.js';
import type { EncodedAddress } from './address.js';
import { bpfError, errnoName } from './bpf-error.js';
import type { Libbpf } from './libbpf.js';

const BPF_ANY = 0n;

export interface MapFds {
  readonly services: number;
  readonly serviceStats: number;
  readonly conns: number;
  readonly holdSockets: number;
  readonly watchedPorts: number;
}

export interface ServiceEntry {
  readonly id: number;
  readonly address: EncodedAddress;
  readonly port: number;
  readonly checkPrefix: Uint8Array;
  readonly sleeping: boolean;
}

export interface ServiceMaps {
  write(entry: ServiceEntry): void;
  remove(entry: ServiceEntry): void;
  read(id: number): ServiceStatsFields | undefined;
  hold(entry: ServiceEntry, listenerFd: number): void;
  release(entry: ServiceEntry): void;
}

export function encodeServiceKey(entry: Pick<ServiceEntry, 'address' | 'port'>): Buffer {
  return encodeStruct(ServiceKey, {
    family: entry.address.family,
    protocol: PROTO_TCP,
    port: entry.port,
    addr: entry.address.bytes,
  });
}

export function createServiceMaps(lib: Libbpf, fds: MapFds, cpus: number): ServiceMaps {
  const statsSize = perCpuStatsSize(cpus);
  // read() runs for every watched service on every idle-loop tick: its key and value buffers are made once and
  // reused (the lookup is synchronous and the sum is taken before read returns).
  const statsKey = Buffer.alloc(4);
  const statsValue = createPerCpuStatsBuffer(cpus);
  const update = (fd: number, map: string, key: Buffer, value: Buffer, flags: bigint, id: number): void => {
    const rc = lib.bpf_map_update_elem(fd, key, value, flags);
    if (rc < 0) throw bpfError('bpf_map_update_elem', rc, { map, serviceId: id });
  };
  const remove = (fd: number, map: string, key: Buffer, id: number): void => {
    const rc = lib.bpf_map_delete_elem(fd, key);
    if (rc < 0 && errnoName(rc) !== 'ENOENT') throw bpfError('bpf_map_delete_elem', rc, { map, serviceId: id });
  };

  const portUsers = new Map<number, Set<number>>();
  const slots = new Map<number, number>(); // service id -> service_stats slot

  /** The service's counter slot; a new one (lowest free) starts from zero. */
  const slotOf = (id: number): number => {
    const existing = slots.get(id);
    if (existing !== undefined) return existing;
    const used = new Set(slots.values());
    let slot = 0;
    while (used.has(slot)) slot++;
    if (slot >= MAX_SERVICES) {
      throw new HearthError('HEARTH_ERR_BPF', `The traffic monitor watches at most ${MAX_SERVICES} services.`, {
        details: { function: 'bpf_map_update_elem', map: 'service_stats', serviceId: id, hint: 'unwatch services first' },
      });
    }
    update(fds.serviceStats, 'service_stats', encodeU32(slot), Buffer.alloc(statsSize), BPF_ANY, id);
    slots.set(id, slot);
    return slot;
  };

  const setPortUsers = (port: number, id: number, using: boolean): void => {
    const users = portUsers.get(port) ?? new Set<number>();
    if (using) users.add(id);
    else users.delete(id);
    if (users.size === 0) portUsers.delete(port);
    else portUsers.set(port, users);
    update(fds.watchedPorts, 'watched_ports', encodeU32(port), encodeU32(users.size), BPF_ANY, id);
  };

  const purgeConnections = (id: number): void => {
    const keySize = koffi.sizeof(ConnKey);
    const stale: Buffer[] = [];
    let prev: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(keySize);
      if (lib.bpf_map_get_next_key(fds.conns, prev, next) < 0) break;
      const value = Buffer.alloc(koffi.sizeof(ConnState));
      if (lib.bpf_map_lookup_elem(fds.conns, next, value) === 0 && value.readUInt32LE(0) === id) stale.push(next);
      prev = next;
    }
    for (const key of stale) lib.bpf_map_delete_elem(fds.conns, key);
  };

  return {
    write(entry) {
      const prefix = new Uint8Array(CHECK_PREFIX_MAX);
      prefix.set(entry.checkPrefix);
      const info = encodeStruct(ServiceInfo, {
        id: entry.id,
        stats_slot: slotOf(entry.id),
        flags: entry.sleeping ? SVC_SLEEPING : 0,
        check_prefix_len: entry.checkPrefix.length,
        check_prefix: prefix,
      });
      update(fds.services, 'services', encodeServiceKey(entry), info, BPF_ANY, entry.id);
      setPortUsers(entry.port, entry.id, true);
    },
    remove(entry) {
      setPortUsers(entry.port, entry.id, false);
      remove(fds.services, 'services', encodeServiceKey(entry), entry.id);
      remove(fds.holdSockets, 'hold_sockets', encodeServiceKey(entry), entry.id);
      slots.delete(entry.id);
      purgeConnections(entry.id);
    },
    read(id) {
      const slot = slots.get(id);
      if (slot === undefined) return undefined;
      statsKey.writeUInt32LE(slot >>> 0);
      const rc = lib.bpf_map_lookup_elem(fds.serviceStats, statsKey, statsValue.buffer);
      if (rc < 0) throw bpfError('bpf_map_lookup_elem', rc, { map: 'service_stats', serviceId: id, slot });
      return statsValue.sum();
    },
    hold(entry, listenerFd) {
      const value = Buffer.alloc(8);
      value.writeBigUInt64LE(BigInt(listenerFd));
      const rc = lib.bpf_map_update_elem(fds.holdSockets, encodeServiceKey(entry), value, BPF_ANY);
      if (rc < 0) {
        throw bpfError('bpf_map_update_elem', rc, { map: 'hold_sockets', serviceId: entry.id, listenerFd },
          'the hold socket must be a listening TCP socket of this process (for IPv6 services: an IPv6 or dual-stack socket)');
      }
    },
    release(entry) {
      remove(fds.holdSockets, 'hold_sockets', encodeServiceKey(entry), entry.id);
    },
  };
}

/** The service maps of a loaded traffic_monitor object, found by their names in bpf/traffic_monitor.bpf.c. */
export function openServiceMaps(lib: Libbpf, object: { mapFd(name: string): number }): ServiceMaps {
  const fds: MapFds = {
    services: object.mapFd('services'),
    serviceStats: object.mapFd('service_stats'),
    conns: object.mapFd('conns'),
    holdSockets: object.mapFd('hold_sockets'),
    watchedPorts: object.mapFd('watched_ports'),
  };
  return createServiceMaps(lib, fds, lib.libbpf_num_possible_cpus());
}
