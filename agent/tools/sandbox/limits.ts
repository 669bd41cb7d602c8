// What a sandboxed run may use. Every backend turns these into its own argv.
export interface SandboxLimits {
  /** CPU seconds before the kernel stops the process (RLIMIT_CPU). */
  readonly cpuSeconds: number;
  /** Address space (bubblewrap, RLIMIT_AS) or memory (Docker) in MiB. */
  readonly memoryMb: number;
  /** Processes the sandbox may hold at once (RLIMIT_NPROC, --pids-limit). */
  readonly processes: number;
  /** Wall-clock time before the whole sandbox is killed, in milliseconds. */
  readonly wallMs: number;
  /** Characters of stdout and of stderr kept. */
  readonly outputLimit: number;
}
