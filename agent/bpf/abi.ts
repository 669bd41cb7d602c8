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

const TWO_32 = 2 ** 32;
/** Above this high word, hi * 2^32 + lo is no longer an exact double. */
const EXACT_HIGH_WORD = 2 ** 21;
/** Bytes of one CPU's copy of service_stats in a per-CPU value (the struct's size rounded up to 8). */
const STATS_SLOT_BYTES = Math.ceil(koffi.sizeof(ServiceStats) / 8) * 8;
const STATS_WORDS = STATS_SLOT_BYTES / 4;
const wordOf = (field: keyof ServiceStatsFields): number => koffi.offsetof(ServiceStats, field) / 4;
/** Each field's first 32-bit word in a CPU's copy, looked up once rather than on every sum. */
const WORD = {
  rx_packets: wordOf('rx_packets'), rx_bytes: wordOf('rx_bytes'), tx_packets: wordOf('tx_packets'), tx_bytes: wordOf('tx_bytes'),
  activity_bytes: wordOf('activity_bytes'), open_connections: wordOf('open_connections'),
  check_connections: wordOf('check_connections'), last_activity_ns: wordOf('last_activity_ns'),
};

/** The 64-bit integer of two 32-bit word sums (hi negative for a negative signed value), one allocation when it fits a double. */
function wordsToBigInt(hi: number, lo: number): bigint {
  if (lo >= TWO_32) {
    const carry = Math.floor(lo / TWO_32);
    hi += carry;
    lo -= carry * TWO_32;
  }
  return Math.abs(hi) < EXACT_HIGH_WORD ? BigInt(hi === 0 ? lo : hi * TWO_32 + lo) : (BigInt(hi) << 32n) + BigInt(lo);
}

/** The sum over CPUs of one 64-bit field, from its 32-bit words (small integers, which the interpreter does not box). */
function sumField(words: Uint32Array, highWords: Uint32Array | Int32Array, cpus: number, word: number): bigint {
  let lo = 0;
  let hi = 0;
  for (let cpu = 0, at = word; cpu < cpus; cpu++, at += STATS_WORDS) {
    lo += words[at] as number;
    hi += highWords[at + 1] as number;
  }
  return wordsToBigInt(hi, lo);
}

function latestField(words: Uint32Array, cpus: number, word: number): bigint {
  let hi = 0;
  let lo = 0;
  for (let cpu = 0, at = word; cpu < cpus; cpu++, at += STATS_WORDS) {
    const h = words[at + 1] as number;
    const l = words[at] as number;
    if (h > hi || (h === hi && l > lo)) {
      hi = h;
      lo = l;
    }
  }
  return wordsToBigInt(hi, lo);
}

function sumStatsWords(words: Uint32Array, signed: Int32Array, cpus: number): ServiceStatsFields {
  return {
    rx_packets: sumField(words, words, cpus, WORD.rx_packets),
    rx_bytes: sumField(words, words, cpus, WORD.rx_bytes),
    tx_packets: sumField(words, words, cpus, WORD.tx_packets),
    tx_bytes: sumField(words, words, cpus, WORD.tx_bytes),
    activity_bytes: sumField(words, words, cpus, WORD.activity_bytes),
    open_connections: sumField(words, signed, cpus, WORD.open_connections),
    check_connections: sumField(words, words, cpus, WORD.check_connections),
    last_activity_ns: latestField(words, cpus, WORD.last_activity_ns),
  };
}

/** Sums the per-CPU copies of service_stats in `buf` (each slot rounded up to 8 bytes); the last activity is the latest of any CPU. */
export function sumPerCpuStats(buf: Buffer, cpus: number): ServiceStatsFields {
  const length = cpus * STATS_WORDS;
  return sumStatsWords(new Uint32Array(buf.buffer, buf.byteOffset, length), new Int32Array(buf.buffer, buf.byteOffset, length), cpus);
}

/** A per-CPU service_stats value buffer for lookups, and the sum of what the last lookup wrote into it. */
export interface PerCpuStatsBuffer {
  readonly buffer: Buffer;
  sum(): ServiceStatsFields;
}

/**
 * One buffer reused for every lookup: the idle loop reads every watched service on every tick, so the buffer and its
 * word views are made once, and the sum reads words rather than decoding an object per CPU.
 */
export function createPerCpuStatsBuffer(cpus: number): PerCpuStatsBuffer {
  const buffer = Buffer.alloc(perCpuStatsSize(cpus));
  const words = new Uint32Array(buffer.buffer, buffer.byteOffset, cpus * STATS_WORDS);
  const signed = new Int32Array(buffer.buffer, buffer.byteOffset, cpus * STATS_WORDS);
  return { buffer, sum: () => sumStatsWords(words, signed, cpus) };
}

/** Bytes of a per-CPU value buffer for `cpus` possible CPUs. */
export function perCpuStatsSize(cpus: number): number {
  return STATS_SLOT_BYTES * cpus;
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
