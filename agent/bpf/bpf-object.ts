// A loaded BPF object file (struct bpf_object *): open -> load, then look up
// programs and maps by name. close() unloads everything the object holds
// that is not attached elsewhere.
import { trimNativeHeap } from './native-heap.js';
import { existsSync } from 'node:fs';
import { HearthError } from '../errors.js';
import { bpfError } from './bpf-error.js';
import { lastErrno, type Libbpf, type NativePointer } from './libbpf.js';

export class BpfObject {
  readonly path: string;
  private readonly lib: Libbpf;
  private handle: NativePointer | null;

  private constructor(lib: Libbpf, path: string, handle: NativePointer) {
    this.lib = lib;
    this.path = path;
    this.handle = handle;
  }

  /** Opens and loads `path` into the kernel (verifier included). */
  static load(lib: Libbpf, path: string): BpfObject {
    if (!existsSync(path)) {
      throw new HearthError('HEARTH_ERR_BPF', `BPF object ${path} does not exist; run \`npm run build:bpf\`.`, {
        details: { function: 'bpf_object__open_file', path, hint: 'run npm run build:bpf' },
      });
    }
    const handle = lib.bpf_object__open_file(path, null);
    if (handle === null) throw bpfError('bpf_object__open_file', lastErrno(), { path });
    const obj = new BpfObject(lib, path, handle);
    const rc = lib.bpf_object__load(handle);
    if (rc < 0) {
      obj.close();
      throw bpfError('bpf_object__load', rc, { path });
    }
    // Loading parses BTF (the object's, and the kernel's for relocations) into the C heap and frees it again;
    // glibc keeps freed pages mapped unless asked. Handing them back is worth several MB of resident memory.
    trimNativeHeap();
    return obj;
  }

  programFd(name: string): number {
    const prog = this.program(name);
    const fd = this.lib.bpf_program__fd(prog);
    if (fd < 0) throw bpfError('bpf_program__fd', fd, { program: name });
    return fd;
  }

  /** The struct bpf_program * of `name`, for attach calls. */
  program(name: string): NativePointer {
    const prog = this.lib.bpf_object__find_program_by_name(this.live(), name);
    if (prog === null) throw bpfError('bpf_object__find_program_by_name', lastErrno() || 2, { program: name, path: this.path });
    return prog;
  }

  mapFd(name: string): number {
    const map = this.lib.bpf_object__find_map_by_name(this.live(), name);
    if (map === null) throw bpfError('bpf_object__find_map_by_name', lastErrno() || 2, { map: name, path: this.path });
    const fd = this.lib.bpf_map__fd(map);
    if (fd < 0) throw bpfError('bpf_map__fd', fd, { map: name });
    return fd;
  }

  close(): void {
    if (this.handle === null) return;
    this.lib.bpf_object__close(this.handle);
    this.handle = null;
  }

  private live(): NativePointer {
    if (this.handle === null) {
      throw new HearthError('HEARTH_ERR_INTERNAL', `BPF object ${this.path} is already closed.`);
    }
    return this.handle;
  }
}
