// The structs of bpf/traffic_monitor.h mirrored field by field, and their
// encoding to/from the byte buffers libbpf's map calls take. Change both
// files together; abi.test.ts checks the sizes against the C layout.
import koffi from 'koffi';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const PROTO_TCP = 6;
export const CHECK_PREFIX_MAX = 32;
export const SVC_SLEEPING = 1 << 0;
export const MAX_SERVICES = 4096;

const Addr = koffi.array('uint8_t', 16, 'Typed');

export const ServiceKey = koffi.struct('hearth_service_key', {
  family: 'uint8_t',
  protocol: 'uint8_t',
  port: 'uint16_be_t',
  addr: Addr,
});

export const ServiceInfo = koffi.struct('hearth_service_info', {
  id: 'uint32_t',
  stats_slot: 'uint32_t',
  flags: 'uint32_t',
  check_prefix_len: 'uint32_t',
  check_prefix: koffi.array('uint8_t', CHECK_PREFIX_MAX, 'Typed'),
});

export const ServiceStats = koffi.struct('hearth_service_stats', {
  rx_packets: 'uint64_t',
  rx_bytes: 'uint64_t',
  tx_packets: 'uint64_t',
  tx_bytes: 'uint64_t',
  activity_bytes: 'uint64_t',
  open_connections: 'int64_t',
  check_connections: 'uint64_t',
  last_activity_ns: 'uint64_t',
});

export const SynEventRecord = koffi.struct('hearth_syn_event', {
  timestamp_ns: 'uint64_t',
  service_id: 'uint32_t',
  family: 'uint8_t',
  pad: 'uint8_t',
  src_port: 'uint16_be_t',
  dst_port: 'uint16_be_t',
  pad2: 'uint16_t',
  src_addr: Addr,
  dst_addr: Addr,
  pad3: 'uint32_t',
});

export interface ServiceKeyFields {
  family: number;
  protocol: number;
  port: number;
  addr: Uint8Array;
}

export interface ServiceInfoFields {
  id: number;
  stats_slot: number;
  flags: number;
  check_prefix_len: number;
  check_prefix: Uint8Array;
}

export interface ServiceStatsFields {
  rx_packets: bigint;
  rx_bytes: bigint;
  tx_packets: bigint;
  tx_bytes: bigint;
  activity_bytes: bigint;
  open_connections: bigint;
  check_connections: bigint;
  last_activity_ns: bigint;
}

export interface SynEventFields {
  timestamp_ns: bigint;
  service_id: number;
  family: number;
  src_port: number;
  dst_port: number;
  src_addr: Uint8Array;
  dst_addr: Uint8Array;
}

/** Encodes a value of a koffi struct type into a fresh buffer of its C size. */
export function encodeStruct(type: koffi.IKoffiCType, value: object): Buffer {
  const buf = Buffer.alloc(koffi.sizeof(type));
  koffi.encode(buf, type, value);
  return buf;
}

export function encodeU32(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32LE(value >>> 0);
  return buf;
}

/** Decodes one struct from `buf` at byte offset `offset`. */
export function decodeStruct<T>(buf: Buffer, offset: number, type: koffi.IKoffiCType): T {
  return koffi.decode(buf, offset, type) as T;
}

/** Sums the per-CPU copies of service_stats (each slot rounded up to 8 bytes). */
export function sumPerCpuStats(buf: Buffer, cpus: number): ServiceStatsFields {
  const size = koffi.sizeof(ServiceStats);
  const slot = Math.ceil(size / 8) * 8;
  const total: ServiceStatsFields = {
    rx_packets: 0n, rx_bytes: 0n, tx_packets: 0n, tx_bytes: 0n,
    activity_bytes: 0n, open_connections: 0n, check_connections: 0n, last_activity_ns: 0n,
  };
  for (let cpu = 0; cpu < cpus; cpu++) {
    const one = decodeStruct<ServiceStatsFields>(buf, cpu * slot, ServiceStats);
    total.rx_packets += BigInt(one.rx_packets);
    total.rx_bytes += BigInt(one.rx_bytes);
    total.tx_packets += BigInt(one.tx_packets);
    total.tx_bytes += BigInt(one.tx_bytes);
    total.activity_bytes += BigInt(one.activity_bytes);
    total.open_connections += BigInt(one.open_connections);
    total.check_connections += BigInt(one.check_connections);
    const last = BigInt(one.last_activity_ns);
    if (last > total.last_activity_ns) total.last_activity_ns = last;
  }
  return total;
}

/** Bytes of a per-CPU value buffer for `cpus` possible CPUs. */
export function perCpuStatsSize(cpus: number): number {
  return Math.ceil(koffi.sizeof(ServiceStats) / 8) * 8 * cpus;
}

export const ConnKey = koffi.struct('hearth_conn_key', {
  family: 'uint8_t',
  protocol: 'uint8_t',
  service_port: 'uint16_be_t',
  client_port: 'uint16_be_t',
  pad: 'uint16_t',
  service_addr: Addr,
  client_addr: Addr,
});

export const ConnState = koffi.struct('hearth_conn_state', {
  service_id: 'uint32_t',
  kind: 'uint32_t',
  flags: 'uint32_t',
  stats_slot: 'uint32_t',
});
