// Runs in a worker thread: blocks in ring_buffer__poll on the syn_events map
// and posts each batch of decoded events to the main thread. The sample
// callback runs on this same thread, inside the synchronous poll call, so no
// native code ever calls into JavaScript from a foreign thread, and the main
// thread's event loop is never blocked. The main thread stops the loop by
// setting stopFlag[0]; the loop notices within one poll timeout.
import { parentPort, workerData } from 'node:worker_threads';
import koffi from 'koffi';
import { SynEventRecord, type SynEventFields } from './abi.js';
import { formatAddress } from './address.js';
import { errnoName } from './bpf-error.js';
import { lastErrno, loadLibbpf, RingBufferSampleFn } from './libbpf.js';
import type { SynEvent } from './types.js';

export interface SynWorkerData {
  readonly mapFd: number;
  readonly pollMs: number;
  readonly stopFlag: SharedArrayBuffer;
}

export type SynWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'events'; readonly events: SynEvent[] }
  | { readonly type: 'error'; readonly fn: string; readonly errno: number };

function runPollLoop(data: SynWorkerData, post: (msg: SynWorkerMessage) => void): void {
  const lib = loadLibbpf();
  const stop = new Int32Array(data.stopFlag);
  let batch: SynEvent[] = [];
  const onSample = koffi.register((_ctx: unknown, sample: unknown, _size: number): number => {
    const ev = koffi.decode(sample, SynEventRecord) as SynEventFields;
    batch.push({
      serviceId: ev.service_id,
      srcAddress: formatAddress(ev.family, ev.src_addr),
      srcPort: ev.src_port,
      dstAddress: formatAddress(ev.family, ev.dst_addr),
      dstPort: ev.dst_port,
      timestampNs: BigInt(ev.timestamp_ns),
    });
    return 0;
  }, koffi.pointer(RingBufferSampleFn));
  const rb = lib.ring_buffer__new(data.mapFd, onSample, null, null);
  if (rb === null) {
    koffi.unregister(onSample);
    post({ type: 'error', fn: 'ring_buffer__new', errno: lastErrno() });
    return;
  }
  post({ type: 'ready' });
  try {
    while (Atomics.load(stop, 0) === 0) {
      const rc = lib.ring_buffer__poll(rb, data.pollMs);
      if (batch.length > 0) {
        post({ type: 'events', events: batch });
        batch = [];
      }
      if (rc < 0 && errnoName(rc) !== 'EINTR') {
        post({ type: 'error', fn: 'ring_buffer__poll', errno: -rc });
        return;
      }
    }
    // Events that arrived during the last poll's return: deliver them rather than drop them.
    lib.ring_buffer__consume(rb);
    if (batch.length > 0) post({ type: 'events', events: batch });
  } finally {
    lib.ring_buffer__free(rb);
    koffi.unregister(onSample);
  }
}

if (parentPort !== null) {
  const port = parentPort;
  runPollLoop(workerData as SynWorkerData, (msg) => port.postMessage(msg));
}
