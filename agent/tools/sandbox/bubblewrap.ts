// The argv that runs Python under bubblewrap: every namespace unshared (no
// network: only a down loopback), /usr bound read-only and nothing else of
// the host (no /etc, /home, /var, /work), a private /tmp, an unprivileged
// uid, a new session, and the rlimits set by prlimit before python starts.
// The code arrives on stdin, so it is never part of any argv.
import type { SandboxLimits } from './limits.js';

export const BWRAP = '/usr/bin/bwrap';
export const PRLIMIT = '/usr/bin/prlimit';

export function buildBubblewrapArgv(python: string, limits: SandboxLimits): string[] {
  return [
    BWRAP,
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/bin', '/bin',
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
    '--chdir', '/tmp',
    '--clearenv',
    '--setenv', 'PATH', '/usr/bin',
    '--setenv', 'HOME', '/tmp',
    '--setenv', 'PYTHONDONTWRITEBYTECODE', '1',
    '--uid', '65534',
    '--gid', '65534',
    '--',
    PRLIMIT,
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.memoryMb * 1024 * 1024}`,
    `--nproc=${limits.processes}`,
    '--core=0',
    `--fsize=${64 * 1024 * 1024}`,
    '--',
    python,
    '-I',
    '-',
  ];
}
