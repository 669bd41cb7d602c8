// koffi declarations of exactly the libbpf (libbpf.so.1) functions hearth
// calls, and libbpf's option structs mirrored field by field from
// <bpf/libbpf.h> (libbpf 1.1). libbpf 1.x reports failures as a negative
// errno return (int functions) or NULL with errno set (pointer functions).
import koffi from 'koffi';
import { HearthError } from '../errors.js';
import { configureKoffiMemory } from './koffi-memory.js';

export const BPF_TC_INGRESS = 1 << 0;
export const BPF_TC_EGRESS = 1 << 1;

/** struct bpf_tc_hook { size_t sz; int ifindex; enum bpf_tc_attach_point attach_point; __u32 parent; size_t :0; } */
export const BpfTcHook = koffi.struct('hearth_bpf_tc_hook', {
  sz: 'size_t',
  ifindex: 'int',
  attach_point: 'int',
  parent: 'uint32_t',
});

/** struct bpf_tc_opts { size_t sz; int prog_fd; __u32 flags; __u32 prog_id; __u32 handle; __u32 priority; size_t :0; } */
export const BpfTcOpts = koffi.struct('hearth_bpf_tc_opts', {
  sz: 'size_t',
  prog_fd: 'int',
  flags: 'uint32_t',
  prog_id: 'uint32_t',
  handle: 'uint32_t',
  priority: 'uint32_t',
});

/**
 * The leading fields of struct bpf_prog_info (<linux/bpf.h>), up to and
 * including name; the kernel fills only as many bytes as we pass in info_len.
 */
export const BpfProgInfo = koffi.struct('hearth_bpf_prog_info', {
  type: 'uint32_t',
  id: 'uint32_t',
  tag: koffi.array('uint8_t', 8),
  jited_prog_len: 'uint32_t',
  xlated_prog_len: 'uint32_t',
  jited_prog_insns: 'uint64_t',
  xlated_prog_insns: 'uint64_t',
  load_time: 'uint64_t',
  created_by_uid: 'uint32_t',
  nr_map_ids: 'uint32_t',
  map_ids: 'uint64_t',
  name: koffi.array('char', 16),
});

/** struct bpf_test_run_opts (<bpf/bpf.h>): runs a program on a given packet, `repeat` times, in the kernel. */
export const BpfTestRunOpts = koffi.struct('hearth_bpf_test_run_opts', {
  sz: 'size_t',
  data_in: 'void *',
  data_out: 'void *',
  data_size_in: 'uint32_t',
  data_size_out: 'uint32_t',
  ctx_in: 'void *',
  ctx_out: 'void *',
  ctx_size_in: 'uint32_t',
  ctx_size_out: 'uint32_t',
  retval: 'uint32_t',
  repeat: 'int',
  duration: 'uint32_t',
  flags: 'uint32_t',
  cpu: 'uint32_t',
  batch_size: 'uint32_t',
});

export interface TestRunOpts {
  sz: number;
  data_in: Buffer | null;
  data_out: Buffer | null;
  data_size_in: number;
  data_size_out: number;
  ctx_in: Buffer | null;
  ctx_out: Buffer | null;
  ctx_size_in: number;
  ctx_size_out: number;
  retval: number;
  repeat: number;
  /** out: average ns per repetition */
  duration: number;
  flags: number;
  cpu: number;
  batch_size: number;
}

export interface TcHook {
  sz: number;
  ifindex: number;
  attach_point: number;
  parent: number;
}

export interface TcOpts {
  sz: number;
  prog_fd: number;
  flags: number;
  prog_id: number;
  handle: number;
  priority: number;
}

const BpfObjectPtr = koffi.pointer('hearth_bpf_object', koffi.opaque());
const BpfProgramPtr = koffi.pointer('hearth_bpf_program', koffi.opaque());
const BpfMapPtr = koffi.pointer('hearth_bpf_map', koffi.opaque());
const BpfLinkPtr = koffi.pointer('hearth_bpf_link', koffi.opaque());
const RingBufferPtr = koffi.pointer('hearth_ring_buffer', koffi.opaque());

/** typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size); */
export const RingBufferSampleFn = koffi.proto('int hearth_ring_buffer_sample_fn(void *ctx, void *data, size_t size)');

/** An opaque native pointer (struct bpf_object *, struct ring_buffer *, ...). */
export type NativePointer = unknown;

export interface Libbpf {
  bpf_object__open_file(path: string, opts: null): NativePointer | null;
  bpf_object__load(obj: NativePointer): number;
  bpf_object__close(obj: NativePointer): void;
  bpf_object__find_program_by_name(obj: NativePointer, name: string): NativePointer | null;
  bpf_object__find_map_by_name(obj: NativePointer, name: string): NativePointer | null;
  bpf_program__fd(prog: NativePointer): number;
  bpf_map__fd(map: NativePointer): number;
  bpf_program__attach_netns(prog: NativePointer, netnsFd: number): NativePointer | null;
  bpf_link__destroy(link: NativePointer): number;
  bpf_tc_hook_create(hook: TcHook): number;
  bpf_tc_hook_destroy(hook: TcHook): number;
  bpf_tc_attach(hook: TcHook, opts: TcOpts): number;
  bpf_tc_detach(hook: TcHook, opts: TcOpts): number;
  bpf_tc_query(hook: TcHook, opts: TcOpts): number;
  bpf_map_update_elem(fd: number, key: Buffer, value: Buffer, flags: bigint): number;
  bpf_map_lookup_elem(fd: number, key: Buffer, value: Buffer): number;
  bpf_map_delete_elem(fd: number, key: Buffer): number;
  bpf_map_get_next_key(fd: number, key: Buffer | null, nextKey: Buffer): number;
  bpf_prog_get_fd_by_id(id: number): number;
  bpf_obj_get_info_by_fd(fd: number, info: Record<string, unknown>, infoLen: number[]): number;
  ring_buffer__new(mapFd: number, sampleCb: unknown, ctx: null, opts: null): NativePointer | null;
  ring_buffer__poll(rb: NativePointer, timeoutMs: number): number;
  ring_buffer__consume(rb: NativePointer): number;
  ring_buffer__free(rb: NativePointer): void;
  /** The epoll fd that becomes readable when the ring buffer has data. */
  ring_buffer__epoll_fd(rb: NativePointer): number;
  /** Used by the warm-path benchmark to measure the program's cost without per-packet clock reads. */
  bpf_prog_test_run_opts(progFd: number, opts: TestRunOpts): number;
  libbpf_num_possible_cpus(): number;
  libbpf_get_error(ptr: NativePointer | null): number;
  /** Sets libbpf's log function (NULL: silent); returns the previous one. */
  libbpf_set_print(fn: NativePointer | null): NativePointer | null;
}

/** Opens libbpf.so.1 and declares the functions hearth uses. */
export function loadLibbpf(): Libbpf {
  configureKoffiMemory();
  let lib: koffi.IKoffiLib;
  try {
    lib = koffi.load('libbpf.so.1');
  } catch (err) {
    throw new HearthError('HEARTH_ERR_BPF', 'Cannot load libbpf.so.1; install libbpf1 (Debian: apt-get install libbpf1).', {
      cause: err,
      details: { function: 'dlopen' },
    });
  }
  const f = (decl: string) => lib.func(decl);
  return {
    bpf_object__open_file: f('hearth_bpf_object *bpf_object__open_file(const char *path, void *opts)'),
    bpf_object__load: f('int bpf_object__load(hearth_bpf_object *obj)'),
    bpf_object__close: f('void bpf_object__close(hearth_bpf_object *obj)'),
    bpf_object__find_program_by_name: f(
      'hearth_bpf_program *bpf_object__find_program_by_name(hearth_bpf_object *obj, const char *name)',
    ),
    bpf_object__find_map_by_name: f('hearth_bpf_map *bpf_object__find_map_by_name(hearth_bpf_object *obj, const char *name)'),
    bpf_program__fd: f('int bpf_program__fd(hearth_bpf_program *prog)'),
    bpf_map__fd: f('int bpf_map__fd(hearth_bpf_map *map)'),
    bpf_program__attach_netns: f('hearth_bpf_link *bpf_program__attach_netns(hearth_bpf_program *prog, int netns_fd)'),
    bpf_link__destroy: f('int bpf_link__destroy(hearth_bpf_link *link)'),
    bpf_tc_hook_create: f('int bpf_tc_hook_create(hearth_bpf_tc_hook *hook)'),
    bpf_tc_hook_destroy: f('int bpf_tc_hook_destroy(hearth_bpf_tc_hook *hook)'),
    bpf_tc_attach: f('int bpf_tc_attach(const hearth_bpf_tc_hook *hook, _Inout_ hearth_bpf_tc_opts *opts)'),
    bpf_tc_detach: f('int bpf_tc_detach(const hearth_bpf_tc_hook *hook, const hearth_bpf_tc_opts *opts)'),
    bpf_tc_query: f('int bpf_tc_query(const hearth_bpf_tc_hook *hook, _Inout_ hearth_bpf_tc_opts *opts)'),
    bpf_map_update_elem: f('int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)'),
    bpf_map_lookup_elem: f('int bpf_map_lookup_elem(int fd, const void *key, _Out_ void *value)'),
    bpf_map_delete_elem: f('int bpf_map_delete_elem(int fd, const void *key)'),
    bpf_map_get_next_key: f('int bpf_map_get_next_key(int fd, const void *key, _Out_ void *next_key)'),
    bpf_prog_get_fd_by_id: f('int bpf_prog_get_fd_by_id(uint32_t id)'),
    bpf_obj_get_info_by_fd: f('int bpf_obj_get_info_by_fd(int bpf_fd, _Inout_ hearth_bpf_prog_info *info, _Inout_ uint32_t *info_len)'),
    ring_buffer__new: f(
      'hearth_ring_buffer *ring_buffer__new(int map_fd, hearth_ring_buffer_sample_fn *sample_cb, void *ctx, void *opts)',
    ),
    ring_buffer__poll: f('int ring_buffer__poll(hearth_ring_buffer *rb, int timeout_ms)'),
    ring_buffer__consume: f('int ring_buffer__consume(hearth_ring_buffer *rb)'),
    ring_buffer__free: f('void ring_buffer__free(hearth_ring_buffer *rb)'),
    ring_buffer__epoll_fd: f('int ring_buffer__epoll_fd(const hearth_ring_buffer *rb)'),
    bpf_prog_test_run_opts: f('int bpf_prog_test_run_opts(int prog_fd, _Inout_ hearth_bpf_test_run_opts *opts)'),
    libbpf_num_possible_cpus: f('int libbpf_num_possible_cpus(void)'),
    libbpf_get_error: f('long libbpf_get_error(const void *ptr)'),
    libbpf_set_print: f('void *libbpf_set_print(void *fn)'),
  } as Libbpf;
}

/** errno of the last native call on this thread (for functions that return NULL). */
export function lastErrno(): number {
  return koffi.errno();
}

/** Keeps TypeScript from pruning the pointer types, which koffi resolves by name. */
export const POINTER_TYPES = [BpfObjectPtr, BpfProgramPtr, BpfMapPtr, BpfLinkPtr, RingBufferPtr] as const;
