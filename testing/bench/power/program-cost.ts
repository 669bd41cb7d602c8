// The TC program's own cost per packet, measured by the kernel with
// BPF_PROG_TEST_RUN: the program runs `repeat` times on a crafted packet and
// the kernel reports the mean, without the per-run clock reads that
// kernel.bpf_stats_enabled adds (those cost more than the program here).
import { encodeAddress } from '../../../agent/bpf/address.js';
import { BpfObject } from '../../../agent/bpf/bpf-object.js';
import { loadLibbpf, type Libbpf } from '../../../agent/bpf/libbpf.js';
import { openServiceMaps } from '../../../agent/bpf/service-maps.js';
import { craftTcpFrame, runProgramOn, TCP_ACK, TCP_PSH } from '../../bpf/packets.js';

const SERVICE_PORT = 8080;

const LOCALHOST: [number, number, number, number] = [127, 0, 0, 1];

function payloadFrame(srcPort: number, dstPort: number, payload: string): Buffer {
  return craftTcpFrame({ src: LOCALHOST, dst: LOCALHOST, srcPort, dstPort, flags: TCP_PSH | TCP_ACK, payload });
}

function runOn(lib: Libbpf, progFd: number, frame: Buffer, repeat: number): number {
  return runProgramOn(lib, progFd, frame, repeat).meanNs;
}

export interface ProgramCost {
  /** A non-IP frame: the program returns after reading the Ethernet header; the test-run harness's own cost. */
  floorNs: number;
  /** A packet of traffic hearth does not watch. */
  unwatchedNs: number;
  /** A client payload packet (a request) of an open connection to a watched service. */
  requestNs: number;
  /** A payload packet the service sends on an open connection (a response). */
  responseNs: number;
}

export function measureProgramCost(objectPath: string, repeat: number): ProgramCost {
  const lib = loadLibbpf();
  const obj = BpfObject.load(lib, objectPath);
  try {
    const maps = openServiceMaps(lib, obj);
    const address = encodeAddress('127.0.0.1');
    if (address === undefined) throw new Error('unreachable: 127.0.0.1 is an address');
    maps.write({ id: 1, address, port: SERVICE_PORT, checkPrefix: new TextEncoder().encode('GET /health '), sleeping: false });
    const progFd = obj.programFd('hearth_tc_ingress');
    const arp = Buffer.alloc(60);
    arp.writeUInt16BE(0x0806, 12);
    const floorNs = runOn(lib, progFd, arp, repeat);
    const unwatchedNs = runOn(lib, progFd, payloadFrame(40000, 9, 'GET / HTTP/1.1\r\n\r\n'), repeat);
    // The first run adopts the tuple as an open connection; the rest take the steady-state path.
    const requestNs = runOn(lib, progFd, payloadFrame(40000, SERVICE_PORT, 'GET / HTTP/1.1\r\n\r\n'), repeat);
    const responseNs = runOn(lib, progFd, payloadFrame(SERVICE_PORT, 40000, 'HTTP/1.1 200 OK\r\n\r\n'), repeat);
    return { floorNs, unwatchedNs, requestNs, responseNs };
  } finally {
    obj.close();
  }
}
