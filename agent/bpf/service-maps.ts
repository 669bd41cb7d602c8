// Reads and writes the traffic monitor's maps for one service at a time:
// services (endpoint -> id, flags, check prefix), service_stats (per-CPU
// counters), hold_sockets (endpoint -> the agent's listening socket) and
// conns (per-connection classification, purged when a service is unwatched).
import koffi from 'koffi';
import {
  ConnKey, ConnState, encodeStruct, encodeU32, perCpuStatsSize, PROTO_TCP, ServiceInfo, ServiceKey,
  sumPerCpuStats, SVC_SLEEPING, CHECK_PREFIX_MAX, type ServiceStatsFields,
} from './abi.js';
import type { EncodedAddress } from './address.js';
import { bpfError, errnoName } from './bpf-error.js';
import type { Libbpf } from './libbpf.js';

const BPF_ANY = 0n;
const BPF_NOEXIST = 1n;

export interface MapFds {
  readonly services: number;
  readonly serviceStats: number;
  readonly conns: number;
  readonly holdSockets: number;
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

  const update = (fd: number, map: string, key: Buffer, value: Buffer, flags: bigint, id: number): number => {
    const rc = lib.bpf_map_update_elem(fd, key, value, flags);
    if (rc < 0 && !(flags === BPF_NOEXIST && errnoName(rc) === 'EEXIST')) {
      throw bpfError('bpf_map_update_elem', rc, { map, serviceId: id });
    }
    return rc;
  };
  const remove = (fd: number, map: string, key: Buffer, id: number): void => {
    const rc = lib.bpf_map_delete_elem(fd, key);
    if (rc < 0 && errnoName(rc) !== 'ENOENT') throw bpfError('bpf_map_delete_elem', rc, { map, serviceId: id });
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
        flags: entry.sleeping ? SVC_SLEEPING : 0,
        check_prefix_len: entry.checkPrefix.length,
        check_prefix: prefix,
      });
      // Counters first, so the program never sees a service without them.
      update(fds.serviceStats, 'service_stats', encodeU32(entry.id), Buffer.alloc(statsSize), BPF_NOEXIST, entry.id);
      update(fds.services, 'services', encodeServiceKey(entry), info, BPF_ANY, entry.id);
    },
    remove(entry) {
      remove(fds.services, 'services', encodeServiceKey(entry), entry.id);
      remove(fds.holdSockets, 'hold_sockets', encodeServiceKey(entry), entry.id);
      remove(fds.serviceStats, 'service_stats', encodeU32(entry.id), entry.id);
      purgeConnections(entry.id);
    },
    read(id) {
      const value = Buffer.alloc(statsSize);
      const rc = lib.bpf_map_lookup_elem(fds.serviceStats, encodeU32(id), value);
      if (rc < 0) {
        if (errnoName(rc) === 'ENOENT') return undefined;
        throw bpfError('bpf_map_lookup_elem', rc, { map: 'service_stats', serviceId: id });
      }
      return sumPerCpuStats(value, cpus);
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
