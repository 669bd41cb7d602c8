// Delivers SYN events from the syn_events ring buffer to listeners on the
// main thread. ring_buffer__poll runs as a koffi asynchronous call, so it
// blocks a libuv pool thread, never the event loop; koffi relays each sample
// callback to the main thread (the pool thread waits for it), where the event
// is decoded, and a poll's events are delivered as one batch when it returns.
// No worker thread: a second V8 isolate, with koffi and libbpf loaded again in
// it, cost the agent about 15 MB resident. stop() ends the loop within one
// poll timeout and drains what is left.
import koffi from 'koffi';
import type { Logger } from '../log.js';
import { SynEventRecord, type SynEventFields } from './abi.js';
import { formatAddress } from './address.js';
import { bpfError, errnoName } from './bpf-error.js';
import { lastErrno, loadLibbpf, RingBufferSampleFn, type Libbpf, type NativePointer } from './libbpf.js';
import type { SynEvent } from './types.js';

const POLL_MS = 100;

export interface SynEventReader {
  stop(): Promise<void>;
}

/** One ring_buffer__poll on a pool thread; resolves to its return value (events consumed, or -errno). */
function pollAsync(poll: unknown, rb: NativePointer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    (poll as { async(rb: NativePointer, timeoutMs: number, done: (err: unknown, rc: number) => void): void }).async(rb, timeoutMs, (err, rc) => (err ? reject(err) : resolve(rc)));
  });
}

/** Starts reading; resolves once the ring buffer is being polled. */
export async function startSynEventReader(opts: {
  mapFd: number;
  log: Logger;
  deliver: (events: SynEvent[]) => void;
  /** The loader's libbpf bindings, so they are not declared twice (default: loaded here). */
  lib?: Libbpf;
}): Promise<SynEventReader> {
  const lib = opts.lib ?? loadLibbpf();
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
  const rb = lib.ring_buffer__new(opts.mapFd, onSample, null, null);
  if (rb === null) {
    koffi.unregister(onSample);
    throw bpfError('ring_buffer__new', lastErrno());
  }
  const flush = () => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    opts.deliver(events);
  };

  let stopping = false;
  const loop = (async () => {
    try {
      while (!stopping) {
        const rc = await pollAsync(lib.ring_buffer__poll, rb, POLL_MS);
        flush();
        if (rc < 0 && errnoName(rc) !== 'EINTR') {
          opts.log.error({ err: bpfError('ring_buffer__poll', -rc) }, 'SYN event reader failed');
          return;
        }
      }
      // Events that arrived during the last poll's return: deliver them rather than drop them.
      lib.ring_buffer__consume(rb);
      flush();
    } catch (err) {
      opts.log.error({ err }, 'SYN event reader failed');
    } finally {
      lib.ring_buffer__free(rb);
      koffi.unregister(onSample);
    }
  })();

  return {
    async stop(): Promise<void> {
      stopping = true;
      await loop;
    },
  };
}
