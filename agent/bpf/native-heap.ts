// Returns memory the C allocator holds but no longer uses (free()d by libbpf)
// to the kernel: glibc's malloc_trim(0). A no-op where the C library has none.
import koffi from 'koffi';

let trim: ((pad: number) => number) | null | undefined;

export function trimNativeHeap(): void {
  if (trim === undefined) {
    try {
      trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
    } catch {
      trim = null;
    }
  }
  trim?.(0);
}
