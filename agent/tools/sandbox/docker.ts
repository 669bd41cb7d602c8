// The argv that runs Python in a Docker container: no network, a read-only
// root, a small private /tmp, memory, pids and CPU-time limits, no
// capabilities, no privilege gain, an unprivileged user, and a pinned image.
// The code arrives on stdin (-i), never in the argv.
import type { SandboxLimits } from './limits.js';

export function buildDockerArgv(docker: string, image: string, limits: SandboxLimits): string[] {
  return [
    docker, 'run', '--rm', '-i',
    '--network', 'none',
    '--read-only',
    '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m',
    '--workdir', '/tmp',
    '--memory', `${limits.memoryMb}m`,
    '--memory-swap', `${limits.memoryMb}m`,
    '--pids-limit', String(limits.processes),
    '--ulimit', `cpu=${limits.cpuSeconds}:${limits.cpuSeconds}`,
    '--cpus', '1',
    '--cap-drop', 'ALL',
    '--security-opt', 'no-new-privileges',
    '--user', '65534:65534',
    '--env', 'HOME=/tmp',
    image,
    'python3', '-I', '-',
  ];
}
