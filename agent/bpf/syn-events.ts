// Delivers SYN events from the syn_events ring buffer to listeners on the
// main thread. A worker thread blocks in ring_buffer__poll (see
// syn-event-worker.ts) and posts batches; delivery costs one
// worker->main message (tens of microseconds), and the main event loop never
// blocks. stop() ends the loop within one poll timeout.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { HearthError } from '../errors.js';
import { bpfError } from './bpf-error.js';
import type { SynEvent } from './types.js';
import type { SynWorkerData, SynWorkerMessage } from './syn-event-worker.js';

const POLL_MS = 100;

export interface SynEventReader {
  stop(): Promise<void>;
}

/** Starts reading; resolves once the ring buffer is being polled. */
export async function startSynEventReader(opts: {
  mapFd: number;
  log: Logger;
  deliver: (events: SynEvent[]) => void;
}): Promise<SynEventReader> {
  const stopFlag = new SharedArrayBuffer(4);
  const data: SynWorkerData = { mapFd: opts.mapFd, pollMs: POLL_MS, stopFlag };
  const worker = new Worker(new URL('./syn-event-worker.js', import.meta.url), { workerData: data });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: SynWorkerMessage) => {
      if (msg.type === 'ready') resolve();
      else if (msg.type === 'events') opts.deliver(msg.events);
      else {
        const err = bpfError(msg.fn, msg.errno);
        opts.log.error({ err }, 'SYN event reader failed');
        reject(err);
      }
    });
    worker.once('error', (err) => {
      opts.log.error({ err }, 'SYN event worker crashed');
      reject(err);
    });
    worker.once('exit', (exitCode) => reject(new HearthError('HEARTH_ERR_BPF', 'the SYN event worker exited before it was ready', { details: { exitCode } })));
  });

  return {
    async stop(): Promise<void> {
      Atomics.store(new Int32Array(stopFlag), 0, 1);
      await exited;
    },
  };
}
