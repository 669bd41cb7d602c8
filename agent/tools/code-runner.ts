// code_runner.run_python_code: runs a Python snippet in a sandbox with no
// network, a read-only root, a private /tmp, and CPU-time, memory, process
// and wall-time limits. Docker (a pinned image) where the node has it and an
// image is configured; bubblewrap otherwise. Sensitive: every call is approved.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { HearthConfig } from '../config/schema.js';
import { HearthError } from '../errors.js';
import { buildBubblewrapArgv } from './sandbox/bubblewrap.js';
import { buildDockerArgv } from './sandbox/docker.js';
import type { SandboxLimits } from './sandbox/limits.js';
import { runSandboxed, type SandboxOutcome } from './sandbox/run-sandboxed.js';
import type { Tool, ToolResult } from './tool.js';

export type CodeRunnerConfig = HearthConfig['tools']['codeRunner'];

export interface CodeRunnerDeps {
  readonly config: CodeRunnerConfig;
  /** Whether a Docker daemon answers here (default: its socket exists). */
  readonly dockerPresent?: () => boolean;
  readonly docker?: string;
}

const input = z
  .object({
    code: z.string().min(1).max(100_000, { message: 'expected at most 100000 characters of Python' }),
    timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

/** nobody: bubblewrap starts as this user when the agent is root, so the process limit holds. */
const SANDBOX_USER = { uid: 65534, gid: 65534 } as const;

export type SandboxBackend = 'bubblewrap' | 'docker';

export function chooseBackend(deps: CodeRunnerDeps): SandboxBackend {
  const { backend, image } = deps.config;
  const dockerPresent = deps.dockerPresent ?? (() => existsSync('/var/run/docker.sock'));
  if (backend === 'bubblewrap') return 'bubblewrap';
  if (backend === 'docker') {
    if (image === undefined) throw new HearthError('HEARTH_ERR_CONFIG_INVALID', 'tools.codeRunner.backend is "docker" but tools.codeRunner.image names no pinned image (name@sha256:...).');
    return 'docker';
  }
  return image !== undefined && dockerPresent() ? 'docker' : 'bubblewrap';
}

export function sandboxArgv(deps: CodeRunnerDeps, limits: SandboxLimits): { backend: SandboxBackend; argv: string[] } {
  const backend = chooseBackend(deps);
  if (backend === 'docker') return { backend, argv: buildDockerArgv(deps.docker ?? 'docker', deps.config.image ?? '', limits) };
  return { backend, argv: buildBubblewrapArgv(deps.config.python, limits) };
}

export function limitsFor(config: CodeRunnerConfig, timeoutSeconds?: number): SandboxLimits {
  return {
    cpuSeconds: config.cpuSeconds,
    memoryMb: config.memoryMb,
    processes: config.processes,
    wallMs: Math.min(config.wallTime, (timeoutSeconds ?? Infinity) * 1000),
    outputLimit: config.outputLimit,
  };
}

function describe(outcome: SandboxOutcome, limits: SandboxLimits): string {
  if (outcome.stopped === 'wall-time') return `stopped after the wall-time limit of ${limits.wallMs} ms`;
  if (outcome.stopped === 'aborted') return 'stopped';
  if (outcome.signal === 'SIGXCPU' || outcome.signal === 'SIGKILL') return `killed by ${outcome.signal} (CPU-time limit ${limits.cpuSeconds} s or memory limit ${limits.memoryMb} MiB)`;
  if (outcome.signal !== null) return `killed by ${outcome.signal}`;
  return `exit code ${outcome.exitCode ?? 'unknown'}`;
}

function render(backend: SandboxBackend, outcome: SandboxOutcome, limits: SandboxLimits): ToolResult {
  const parts = [`python (${backend} sandbox): ${describe(outcome, limits)}`];
  if (outcome.stdout !== '') parts.push(`stdout:\n${outcome.stdout}`);
  if (outcome.stderr !== '') parts.push(`stderr:\n${outcome.stderr}`);
  return { text: parts.join('\n'), data: { backend, ...outcome }, isError: outcome.exitCode !== 0 };
}

export const runPythonCode: Tool<typeof input, CodeRunnerDeps> = {
  name: 'code_runner.run_python_code',
  description: 'Run a Python 3 snippet in a sandbox with no network, a read-only file system apart from /tmp, and CPU, memory and time limits. Returns the exit status and what it printed.',
  input,
  sensitive: true,
  timeoutMs: 3_600_000,
  outputLimit: 64_000,
  async run(args, deps, ctx) {
    const limits = limitsFor(deps.config, args.timeoutSeconds);
    const { backend, argv } = sandboxArgv(deps, limits);
    ctx.progress(`running python in the ${backend} sandbox`);
    const outcome = await runSandboxed(argv, args.code, limits, { signal: ctx.signal, ...(backend === 'bubblewrap' ? { runAs: SANDBOX_USER } : {}) });
    return render(backend, outcome, limits);
  },
};
