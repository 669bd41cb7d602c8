// The contract every `hearth` command follows. Command modules are loaded
// lazily so `hearth jobs render` does not pay for the agent's dependencies.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Resolves when the user presses Ctrl-C or the process gets SIGTERM (long-running commands). */
  readonly interrupted: Promise<void>;
}

export interface CommandModule {
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CommandEntry {
  /** One or two words: "status", "jobs render". */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly load: () => Promise<CommandModule>;
}

/** Exit codes: 0 success, 1 bad input or config, 2 the cluster (or the agent) cannot be reached. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_UNREACHABLE = 2;
