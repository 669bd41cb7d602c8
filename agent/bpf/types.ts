// What the traffic monitor watches and reports, as plain data: a watched
// service, its kernel counters (64-bit, so bigint) and a first-SYN event.
// The monitor and the modules it is built from (attachment, SYN reader and
// worker, service parsing) all import these from here.
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
