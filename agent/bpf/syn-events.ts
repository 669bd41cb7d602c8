// Delivers SYN events from the syn_events ring buffer to listeners on the
// main thread, without a thread of JavaScript of its own (a worker thread
// costs a whole V8 isolate, ~10 MB resident, to wait on one fd).
//
// The wait happens off the main thread: epoll_wait on the ring buffer's epoll
// fd runs as a koffi asynchronous call on the libuv thread pool, and returns
// when the kernel has events (or after POLL_MS). The events themselves are
// then read on the main thread with ring_buffer__consume, which never blocks
// and calls the sample callback on this thread: no native code ever calls
// into JavaScript from a foreign thread, and the event loop never blocks.
// stop() ends the wait within one poll timeout.
import koffi from 'koffi';
import type { Logger } from '../log.js';
import { SynEventRecord, type SynEventFields } from './abi.js';
import { formatAddress } from './address.js';
import { bpfError } from './bpf-error.js';
import { lastErrno, loadLibbpf, RingBufferSampleFn, type Libbpf } from './libbpf.js';
import type { SynEvent } from './types.js';

const POLL_MS = 250;
const MAX_WAIT_FAILURES = 10;
/** struct epoll_event is 12 bytes on x86-64 (packed) and 16 elsewhere; room for one either way. */
const EPOLL_EVENT_BYTES = 16;

export interface SynEventReader {
  stop(): Promise<void>;
}

interface EpollWait {
  async(epfd: number, events: Buffer, maxEvents: number, timeoutMs: number, done: (err: unknown, rc: number) => void): void;
}

let epollWait: EpollWait | undefined;

function loadEpollWait(): EpollWait {
  epollWait ??= koffi.load('libc.so.6').func('int epoll_wait(int epfd, _Out_ void *events, int maxevents, int timeout)') as unknown as EpollWait;
  return epollWait;
}

/** Starts reading; resolves once the ring buffer is being waited on. */
export async function startSynEventReader(opts: {
  mapFd: number;
  log: Logger;
  deliver: (events: SynEvent[]) => void;
  /** The loader's libbpf bindings, so they are not declared twice (default: loaded here). */
  lib?: Libbpf;
}): Promise<SynEventReader> {
  const lib = opts.lib ?? loadLibbpf();
  const wait = loadEpollWait();
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
    const errno = lastErrno();
    koffi.unregister(onSample);
    throw bpfError('ring_buffer__new', errno);
  }
  const epfd = lib.ring_buffer__epoll_fd(rb);
  const events = Buffer.alloc(EPOLL_EVENT_BYTES);
  let stopping = false;
  let failures = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });

  const drain = (): void => {
    lib.ring_buffer__consume(rb);
    if (batch.length === 0) return;
    const delivered = batch;
    batch = [];
    opts.deliver(delivered);
  };
  const close = (): void => {
    lib.ring_buffer__free(rb);
    koffi.unregister(onSample);
    finished();
  };
  const next = (): void => {
    wait.async(epfd, events, 1, POLL_MS, (err, rc) => {
      if (stopping) {
        // Events that arrived during the last wait: deliver them rather than drop them.
        drain();
        close();
        return;
      }
      if (err !== null && err !== undefined) {
        opts.log.error({ err }, 'SYN event wait failed');
        close();
        return;
      }
      // epoll_wait fails with EINTR when a signal lands on its thread (errno is that thread's, not readable here):
      // retried; anything else (EBADF, EINVAL) fails every time and ends the reader.
      failures = rc < 0 ? failures + 1 : 0;
      if (failures > MAX_WAIT_FAILURES) {
        opts.log.error({ rc, attempts: failures }, 'SYN event wait keeps failing; SYN events stop');
        close();
        return;
      }
      drain();
      next();
    });
  };
  next();

  return {
    async stop(): Promise<void> {
      stopping = true;
      await done;
    },
  };
}
