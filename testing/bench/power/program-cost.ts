// The TC program's own cost per packet, measured by the kernel with
// BPF_PROG_TEST_RUN: the program runs `repeat` times on a crafted packet and
// the kernel reports the mean, without the per-run clock reads that
// kernel.bpf_stats_enabled adds (those cost more than the program here).
import koffi from 'koffi';
import { encodeAddress } from '../../../agent/bpf/address.js';
import { bpfError } from '../../../agent/bpf/bpf-error.js';
import { BpfObject } from '../../../agent/bpf/bpf-object.js';
import { BpfTestRunOpts, loadLibbpf, type Libbpf } from '../../../agent/bpf/libbpf.js';
import { createServiceMaps } from '../../../agent/bpf/service-maps.js';

const SERVICE_PORT = 8080;

/** Ethernet + IPv4 + TCP (PSH|ACK) from 127.0.0.1:srcPort to 127.0.0.1:dstPort, with `payload`. */
function craftPacket(dstPort: number, payload: string, srcPort = 40000): Buffer {
  const body = Buffer.from(payload);
  const pkt = Buffer.alloc(14 + 20 + 20 + body.length);
  pkt.writeUInt16BE(0x0800, 12);
  pkt[14] = 0x45;
  pkt.writeUInt16BE(20 + 20 + body.length, 16);
  pkt[22] = 64;
  pkt[23] = 6;
  pkt.set([127, 0, 0, 1], 26);
  pkt.set([127, 0, 0, 1], 30);
  pkt.writeUInt16BE(srcPort, 34);
  pkt.writeUInt16BE(dstPort, 36);
  pkt[46] = 0x50;
  pkt[47] = 0x18;
  body.copy(pkt, 54);
  return pkt;
}

function runOn(lib: Libbpf, progFd: number, pkt: Buffer, repeat: number): number {
  const opts = {
    sz: koffi.sizeof(BpfTestRunOpts), data_in: pkt, data_out: null, data_size_in: pkt.length, data_size_out: 0,
    ctx_in: null, ctx_out: null, ctx_size_in: 0, ctx_size_out: 0, retval: 0, repeat, duration: 0, flags: 0, cpu: 0, batch_size: 0,
  };
  const rc = lib.bpf_prog_test_run_opts(progFd, opts);
  if (rc < 0) throw bpfError('bpf_prog_test_run_opts', rc);
  return opts.duration;
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
    const maps = createServiceMaps(lib, {
      services: obj.mapFd('services'),
      serviceStats: obj.mapFd('service_stats'),
      conns: obj.mapFd('conns'),
      holdSockets: obj.mapFd('hold_sockets'),
      watchedPorts: obj.mapFd('watched_ports'),
    }, lib.libbpf_num_possible_cpus());
    const address = encodeAddress('127.0.0.1');
    if (address === undefined) throw new Error('unreachable: 127.0.0.1 is an address');
    maps.write({ id: 1, address, port: SERVICE_PORT, checkPrefix: new TextEncoder().encode('GET /health '), sleeping: false });
    const progFd = obj.programFd('hearth_tc_ingress');
    const arp = Buffer.alloc(60);
    arp.writeUInt16BE(0x0806, 12);
    const floorNs = runOn(lib, progFd, arp, repeat);
    const unwatchedNs = runOn(lib, progFd, craftPacket(9, 'GET / HTTP/1.1\r\n\r\n'), repeat);
    // The first run adopts the tuple as an open connection; the rest take the steady-state path.
    const requestNs = runOn(lib, progFd, craftPacket(SERVICE_PORT, 'GET / HTTP/1.1\r\n\r\n'), repeat);
    const responseNs = runOn(lib, progFd, craftPacket(40000, 'HTTP/1.1 200 OK\r\n\r\n', SERVICE_PORT), repeat);
    return { floorNs, unwatchedNs, requestNs, responseNs };
  } finally {
    obj.close();
  }
}
