// Crafted Ethernet + IPv4 + TCP frames for running hearth's TC programs with
// BPF_PROG_TEST_RUN (no interface, no socket: the kernel runs the program on
// the bytes given).
import koffi from 'koffi';
import { bpfError } from '../../agent/bpf/bpf-error.js';
import { BpfTestRunOpts, type Libbpf } from '../../agent/bpf/libbpf.js';

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;
export const TCP_PSH = 0x08;

export interface TcpFrame {
  src: [number, number, number, number];
  dst: [number, number, number, number];
  srcPort: number;
  dstPort: number;
  flags: number;
  payload?: string;
}

export function craftTcpFrame(frame: TcpFrame): Buffer {
  const body = Buffer.from(frame.payload ?? '');
  const pkt = Buffer.alloc(Math.max(60, 14 + 20 + 20 + body.length));
  pkt.writeUInt16BE(0x0800, 12);
  pkt[14] = 0x45;
  pkt.writeUInt16BE(20 + 20 + body.length, 16);
  pkt[22] = 64;
  pkt[23] = 6;
  pkt.set(frame.src, 26);
  pkt.set(frame.dst, 30);
  pkt.writeUInt16BE(frame.srcPort, 34);
  pkt.writeUInt16BE(frame.dstPort, 36);
  pkt[46] = 0x50;
  pkt[47] = frame.flags;
  body.copy(pkt, 54);
  return pkt;
}

/** Runs the program `repeat` times on `frame`: its return code and the kernel's mean ns per run. */
export function runProgramOn(lib: Libbpf, progFd: number, frame: Buffer, repeat = 1): { retval: number; meanNs: number } {
  const opts = {
    sz: koffi.sizeof(BpfTestRunOpts), data_in: frame, data_out: null, data_size_in: frame.length, data_size_out: 0,
    ctx_in: null, ctx_out: null, ctx_size_in: 0, ctx_size_out: 0, retval: 0, repeat, duration: 0, flags: 0, cpu: 0, batch_size: 0,
  };
  const rc = lib.bpf_prog_test_run_opts(progFd, opts);
  if (rc < 0) throw bpfError('bpf_prog_test_run_opts', rc);
  return { retval: opts.retval, meanNs: opts.duration };
}
