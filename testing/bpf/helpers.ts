// Shared pieces of the traffic monitor's kernel tests: whether BPF can run
// here, small TCP servers and clients, and polling until counters settle.
import { execFileSync } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';
import { BpfObject } from '../../agent/bpf/bpf-object.js';
import { loadLibbpf } from '../../agent/bpf/libbpf.js';
import { repoPath } from '../../agent/util/paths.js';

export const OBJECT_PATH = repoPath('bpf', 'build', 'traffic_monitor.bpf.o');

/**
 * A tc priority of this test process's own (not hearth's default), so test
 * files, and other suites using the monitor, can run side by side without
 * taking each other's filters for leftovers.
 */
export const TEST_TC_PRIORITY = randomInt(0x4900, 0x4a00);

/** Why the kernel tests cannot run here, or undefined when they can (builds the object first). */
export function bpfSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the eBPF tests need root (CAP_BPF + CAP_NET_ADMIN)';
  try {
    execFileSync('make', ['-s', '-C', repoPath('bpf')], { stdio: 'pipe' });
  } catch (err) {
    return `the BPF object does not build here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  try {
    BpfObject.load(loadLibbpf(), OBJECT_PATH).close();
  } catch (err) {
    return `BPF is unavailable: ${(err as Error).message}`;
  }
  return undefined;
}

/** A loopback address of its own for one test (127.0.0.0/8 is all on lo). */
export function uniqueLoopback(): string {
  return `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
}

export interface EchoServer {
  readonly server: Server;
  readonly port: number;
  readonly accepted: Socket[];
  close(): Promise<void>;
}

/** A TCP server that echoes whatever it receives and closes when the client does. */
export async function startEchoServer(host: string, port = 0): Promise<EchoServer> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of accepted) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function connectTo(host: string, port: number): Promise<Socket> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends `payload` and resolves with the first reply. */
export async function roundTrip(socket: Socket, payload: string): Promise<string> {
  const reply = new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString('utf8'))));
  socket.write(payload);
  return reply;
}

/** Half-closes and waits until the peer has closed too. */
export async function closeSocket(socket: Socket): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.end();
  socket.resume();
  await closed;
}



export interface BpfInventory {
  programs: Set<number>;
  maps: Set<number>;
  links: Set<number>;
}

function show<T>(kind: 'prog' | 'map' | 'link'): T[] {
  const out = execFileSync('bpftool', ['-j', kind, 'show'], { encoding: 'utf8' });
  return JSON.parse(out.trim() === '' ? '[]' : out) as T[];
}

/** Ids of every BPF program, map and link on the host right now. */
export function bpfInventory(): BpfInventory {
  const ids = (kind: 'prog' | 'map' | 'link') => new Set(show<{ id: number }>(kind).map((e) => e.id));
  return { programs: ids('prog'), maps: ids('map'), links: ids('link') };
}

/**
 * Everything one loaded object holds, found from one of its programs: the
 * maps that program uses, every program using those maps, and every link of
 * those programs. Exact even while other monitors run on the host.
 */
export function objectInventory(seedProgramId: number): BpfInventory {
  const progs = show<{ id: number; map_ids?: number[] }>('prog');
  const maps = new Set(progs.find((p) => p.id === seedProgramId)?.map_ids ?? []);
  const programs = new Set(progs.filter((p) => (p.map_ids ?? []).some((m) => maps.has(m))).map((p) => p.id));
  const links = new Set(show<{ id: number; prog_id: number }>('link').filter((l) => programs.has(l.prog_id)).map((l) => l.id));
  return { programs, maps, links };
}

/** Program ids of the hearth filters on an interface (from `tc filter show`). */
export function tcProgramIds(ifname: string, direction: 'ingress' | 'egress'): number[] {
  return [...tcFilters(ifname, direction).matchAll(/hearth_tc_\w+:\[(\d+)\]/g)].map((m) => Number(m[1]));
}

/** Names of hearth programs currently loaded (bpftool prog show). */
export function hearthPrograms(): Array<{ id: number; name: string }> {
  const out = execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' });
  return (JSON.parse(out) as Array<{ id: number; name?: string }>)
    .filter((p) => p.name?.startsWith('hearth_') ?? false)
    .map((p) => ({ id: p.id, name: p.name ?? '' }));
}

/** `tc filter show dev <ifname> <direction>` as text ('' when the interface has no clsact). */
export function tcFilters(ifname: string, direction: 'ingress' | 'egress'): string {
  try {
    return execFileSync('tc', ['filter', 'show', 'dev', ifname, direction], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** The lines of `tcFilters` at one priority (other suites may attach on lo meanwhile at theirs). */
export function tcFiltersAt(ifname: string, direction: 'ingress' | 'egress', priority: number): string[] {
  return tcFilters(ifname, direction).split('\n').filter((line) => line.includes(`pref ${priority} `));
}
