// koffi preallocates, per thread that calls through it, a C stack (1 MiB) and
// a heap for arguments (2 MiB), and a pool of smaller ones per asynchronous
// call. hearth's calls pass a few scalars and small structs (a tc hook, a map
// key), so far smaller blocks suffice; set once, before any call is made.
import koffi from 'koffi';

const SETTINGS = {
  sync_stack_size: 128 * 1024,
  sync_heap_size: 128 * 1024,
  async_stack_size: 64 * 1024,
  async_heap_size: 16 * 1024,
  resident_async_pools: 1,
} as const;

let applied = false;

/** Applies hearth's koffi memory settings (idempotent; ignored once koffi has made a call). */
export function configureKoffiMemory(): void {
  if (applied) return;
  applied = true;
  try {
    koffi.config({ ...koffi.config(), ...SETTINGS });
  } catch {
    // Too late (a call was already made): the defaults stay, which only costs memory.
  }
}
