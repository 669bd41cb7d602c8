// Every libbpf failure becomes one HearthError naming the function, the
// errno (number and name) and what usually causes it.
import { constants } from 'node:os';
import { HearthError } from '../errors.js';

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name]),
);

/** EPERM for 1, ENOENT for 2, ... ("E?" when unknown). */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(Math.abs(errno)) ?? `E?${Math.abs(errno)}`;
}

/** The usual cause of an errno from a libbpf call, as advice. */
export function hintFor(fn: string, errno: number): string {
  switch (errnoName(errno)) {
    case 'EPERM':
    case 'EACCES':
      return 'run as root, or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON';
    case 'ENODEV':
    case 'ENXIO':
      return 'the network interface does not exist (check the interface list)';
    case 'ENOENT':
      return fn === 'bpf_object__open_file'
        ? 'the BPF object is not built: run `npm run build:bpf`'
        : 'the object does not exist (already removed, or an interface went away)';
    case 'EINVAL':
    case 'ENOTSUP':
    case 'EOPNOTSUPP':
      return 'the kernel rejected the request; hearth needs Linux 5.15 or newer with BPF, BTF and clsact';
    case 'EEXIST':
      return 'an attachment already exists at hearth\'s tc handle/priority (another hearth agent on this host?)';
    case 'EBADF':
      return 'a file descriptor was invalid (socket closed, or namespace file missing)';
    case 'ENOMEM':
    case 'E2BIG':
      return 'a map is full or the memlock limit is too low';
    default:
      return 'see the kernel log (dmesg) and `bpftool prog show`';
  }
}

/** A HEARTH_ERR_BPF error for a failed libbpf call; errno may be given negative (libbpf's return). */
export function bpfError(fn: string, errno: number, context: Readonly<Record<string, unknown>> = {}, hint?: string): HearthError {
  const code = Math.abs(errno);
  const name = errnoName(code);
  const advice = hint ?? hintFor(fn, code);
  const where = Object.entries(context)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return new HearthError(
    'HEARTH_ERR_BPF',
    `${fn}${where === '' ? '' : ` (${where})`} failed: ${name} (errno ${code}); ${advice}.`,
    { details: { function: fn, errno: code, errnoName: name, hint: advice, ...context } },
  );
}
