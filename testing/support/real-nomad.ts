// A real `nomad agent -dev` on free loopback ports for the real tier, whose
// Consul is the simulator's Consul side (or a real `consul agent -dev` when a
// `consul` binary is on PATH). Nomad's log is collected so a test can fail on
// any warning or error Nomad logs about its Consul: each such line is a defect
// of the simulator.
//
//   const skip = realNomadSkipReason();           // one line, or undefined
//   const real = await startRealNomad();
//   t.teardown(() => real.stop());
//   ... real.nomadAddr, real.consulAddr ...
//   t.deepEqual(real.consulProblems(), []);
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSimulator, type Simulator } from '../sim/index.js';
import { repoRoot } from '../../agent/util/paths.js';
import { isExecutable, onPath } from './executables.js';

export interface NomadLogLine {
  readonly level: string;
  readonly module: string;
  readonly message: string;
  /** The whole line as Nomad wrote it. */
  readonly raw: string;
}

export interface RealNomad {
  readonly nomadAddr: string;
  readonly consulAddr: string;
  /** Which Consul Nomad talks to. */
  readonly consulKind: 'simulator' | 'real';
  /** The Nomad client's node name (the machine's hostname). */
  readonly nodeName: string;
  /** The simulator serving Consul (undefined with a real Consul). */
  readonly sim: Simulator | undefined;
  /** Every log line Nomad wrote so far, across restarts. */
  logs(): readonly NomadLogLine[];
  /** Warnings and errors Nomad logged about Consul (service sync, checks, templates). */
  consulProblems(): string[];
  /** Kills Nomad (SIGINT, then SIGKILL) and keeps its data dir: an outage. */
  stopNomad(): Promise<void>;
  /** Starts Nomad again on the same ports and data dir, and waits for a leader and a ready client. */
  startNomad(): Promise<void>;
  /** stopNomad() then startNomad(). */
  restartNomad(): Promise<void>;
  /** Stops Nomad and Consul and removes every directory this harness made. */
  stop(): Promise<void>;
}

export interface RealNomadOptions {
  /** Nomad's log level (default INFO). */
  readonly logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN';
  /** Extra environment for the Nomad process. */
  readonly env?: Record<string, string>;
}


/** The nearest directory above this file holding package.json: the repository root (dist/ has none). */
export type BinaryLookup = { readonly path: string } | { readonly path?: undefined; readonly reason: string };

/** HEARTH_NOMAD_BIN, else `nomad` on PATH, else `../shared/bin/nomad` beside the repository root. */
export function findNomadBinary(env: NodeJS.ProcessEnv = process.env): BinaryLookup {
  const fromEnv = env.HEARTH_NOMAD_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    return isExecutable(fromEnv) ? { path: fromEnv } : { reason: `HEARTH_NOMAD_BIN=${fromEnv} is not an executable file` };
  }
  const found = onPath('nomad');
  if (found !== undefined) return { path: found };
  const shared = resolve(repoRoot(), '..', 'shared', 'bin', 'nomad');
  if (isExecutable(shared)) return { path: shared };
  return { reason: `no Nomad binary (HEARTH_NOMAD_BIN unset, no nomad on PATH, none at ${shared})` };
}

/** Why the real tier cannot run here (one line, for skipAll), or undefined when a Nomad binary is there. */
export function realNomadSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = findNomadBinary(env);
  return found.path === undefined ? found.reason : undefined;
}

export async function freeLoopbackPort(): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number, died: () => string | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const why = died();
    if (why !== undefined) throw new Error(`${what}: ${why}`);
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? ` (last error: ${err.message})` : '';
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return undefined;
  return JSON.parse(await res.text()) as unknown;
}

function stopChild(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGCONT');
    child.kill('SIGINT');
  });
}

/** Parses one line of Nomad's JSON log (`log_json`); plain lines are kept with level "unknown". */
export function parseNomadLogLine(raw: string): NomadLogLine {
  try {
    const rec = JSON.parse(raw) as Record<string, unknown>;
    const str = (k: string) => (typeof rec[k] === 'string' ? (rec[k] as string) : '');
    return { level: str('@level'), module: str('@module'), message: str('@message'), raw };
  } catch {
    const m = /\[(TRACE|DEBUG|INFO|WARN|ERROR)\]\s+(\S+):\s?(.*)$/.exec(raw);
    return m === null ? { level: 'unknown', module: '', message: raw, raw } : { level: (m[1] ?? '').toLowerCase(), module: m[2] ?? '', message: m[3] ?? '', raw };
  }
}

/**
 * Lines Nomad logs against any Consul, real or simulated, so they say nothing about the simulator:
 * a script check's last TTL update racing the deregistration of its service while a task stops
 * (Consul answers 404 for the check that was just removed).
 */
const NOMAD_OWN_RACES: readonly RegExp[] = [/"@message":"updating check failed".*Unknown check ID/];

/** Whether a log line is a warning or error about Consul (service sync, checks, script checks, template views). */
export function isConsulProblem(line: NomadLogLine): boolean {
  if (line.level !== 'warn' && line.level !== 'error') return false;
  if (NOMAD_OWN_RACES.some((r) => r.test(line.raw))) return false;
  return /consul|template|script_checks|Unexpected response code|\((view|runner|watcher)\)/i.test(`${line.module} ${line.message} ${line.raw}`);
}

interface ConsulSide {
  readonly addr: string;
  readonly kind: 'simulator' | 'real';
  readonly sim: Simulator | undefined;
  stop(): Promise<void>;
}

/** Why real Consul is not used (one line, for skipAll), or undefined when a `consul` binary is on PATH. */
export function realConsulSkipReason(): string | undefined {
  return onPath('consul') === undefined ? 'no consul binary on PATH (the simulator stands in for it)' : undefined;
}

/** A real `consul agent -dev` on free loopback ports (needs a consul binary on PATH). */
export async function startRealConsul(): Promise<{ addr: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-real-consul-'));
  try {
    const side = await startConsulSide(dir);
    return { addr: side.addr, stop: async () => {
      await side.stop();
      rmSync(dir, { recursive: true, force: true });
    } };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startConsulSide(dir: string): Promise<ConsulSide> {
  const consulBin = onPath('consul');
  if (consulBin === undefined) {
    // One simulated node standing for this machine: Nomad's client registers its services at that agent.
    const sim = createSimulator({ nodes: [{ name: hostname(), address: '127.0.0.1' }], perNodeListeners: false });
    const { consulAddr } = await sim.start();
    return { addr: consulAddr, kind: 'simulator', sim, stop: () => sim.stop() };
  }
  const [http, serfLan, serfWan, server] = await Promise.all([freeLoopbackPort(), freeLoopbackPort(), freeLoopbackPort(), freeLoopbackPort()]);
  const config = join(dir, 'consul.json');
  writeFileSync(config, JSON.stringify({ ports: { http, dns: -1, grpc: -1, grpc_tls: -1, serf_lan: serfLan, serf_wan: serfWan, server } }));
  const child = spawn(consulBin, ['agent', '-dev', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-config-file', config], { stdio: 'ignore' });
  const addr = `http://127.0.0.1:${http}`;
  const exited = () => (child.exitCode !== null ? `consul exited with ${child.exitCode}` : undefined);
  try {
    await poll('consul to elect a leader', async () => ((await getJson(`${addr}/v1/status/leader`)) ? true : undefined), 30_000, exited);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { addr, kind: 'real', sim: undefined, stop: () => stopChild(child) };
}

/** Purges every job in every namespace and waits (bounded) for their allocations to stop, so no task outlives the test. */
async function stopAllJobs(nomadAddr: string): Promise<void> {
  try {
    const jobs = (await getJson(`${nomadAddr}/v1/jobs?namespace=*`)) as Array<{ ID: string; Namespace: string }> | undefined;
    for (const j of jobs ?? []) {
      await fetch(`${nomadAddr}/v1/job/${encodeURIComponent(j.ID)}?purge=true&namespace=${encodeURIComponent(j.Namespace)}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
    }
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const allocs = (await getJson(`${nomadAddr}/v1/allocations?namespace=*`)) as Array<{ ClientStatus: string }> | undefined;
      if ((allocs ?? []).every((a) => a.ClientStatus !== 'running' && a.ClientStatus !== 'pending')) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch {
    // Nomad is already unreachable: the stray sweep below still runs.
  }
}

/** The command line of a process, or "" when it is gone. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Every process below `root` (children, their children, ...). */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the 4th field, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Whether the process has a file open under `dir` (Nomad's logmon plugin keeps a task's log files open). */
function holdsFileUnder(pid: string, dir: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${dir}/`);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Kills processes left running inside the harness's directory: tasks of a Nomad that was killed, and the logmon
 * plugin processes Nomad starts per task, which outlive the agent with the task's log files open.
 */
function killStrays(dir: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cwd.startsWith(dir) || cmdline.includes(dir) || holdsFileUnder(entry, dir)) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}

/** Nomad mounts tmpfs secrets/private dirs in each task dir; a killed Nomad leaves them mounted. */
function unmountUnder(dir: string): void {
  let mounts = '';
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return;
  }
  const points = mounts.split('\n').map((l) => l.split(' ')[1] ?? '').filter((p) => p.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
  for (const p of points) spawnSync('umount', ['-l', p], { stdio: 'ignore' });
}

export async function startRealNomad(options: RealNomadOptions = {}): Promise<RealNomad> {
  const found = findNomadBinary();
  if (found.path === undefined) throw new Error(found.reason);
  const bin = found.path;
  const dir = mkdtempSync(join(tmpdir(), 'hearth-real-nomad-'));
  let consul: ConsulSide | undefined;
  try {
    consul = await startConsulSide(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const [http, rpc, serf] = await Promise.all([freeLoopbackPort(), freeLoopbackPort(), freeLoopbackPort()]);
  const configPath = join(dir, 'nomad.json');
  writeFileSync(configPath, JSON.stringify({
    data_dir: join(dir, 'data'),
    bind_addr: '127.0.0.1',
    log_level: options.logLevel ?? 'INFO',
    log_json: true,
    ports: { http, rpc, serf },
    client: {
      network_interface: 'lo',
      options: { 'fingerprint.denylist': 'env_aws,env_gce,env_azure,env_digitalocean' },
    },
    plugin: { raw_exec: { config: { enabled: true } } },
    consul: { address: consul.addr.replace(/^http:\/\//, '') },
  }, null, 2));
  const nomadAddr = `http://127.0.0.1:${http}`;
  const lines: NomadLogLine[] = [];
  let child: ChildProcess | undefined;
  let exitNote: string | undefined;

  const collect = (stream: NodeJS.ReadableStream | null): void => {
    if (stream === null) return;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') lines.push(parseNomadLogLine(p));
    });
  };

  const startNomad = async (): Promise<void> => {
    exitNote = undefined;
    const env = { ...process.env, ...options.env };
    // Nomad must not inherit a NOMAD_ADDR/NOMAD_TOKEN meant for something else.
    delete env.NOMAD_ADDR;
    delete env.NOMAD_TOKEN;
    const proc = spawn(bin, ['agent', '-dev', '-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'], env });
    child = proc;
    collect(proc.stdout);
    collect(proc.stderr);
    proc.once('exit', (code, signal) => {
      exitNote = `nomad exited (${signal ?? code})`;
    });
    const died = () => (child === proc ? exitNote : undefined);
    await poll('nomad to elect a leader', async () => ((await getJson(`${nomadAddr}/v1/status/leader`)) ? true : undefined), 60_000, died);
    await poll('nomad client node to be ready', async () => {
      const nodes = (await getJson(`${nomadAddr}/v1/nodes`)) as Array<{ Status?: string }> | undefined;
      return nodes?.some((n) => n.Status === 'ready') === true ? true : undefined;
    }, 60_000, died);
  };
  /** Nomad's plugin processes (logmon, executors) seen under the agent; they outlive it when it stops. */
  const plugins = new Map<number, string>();
  const stopNomad = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc?.pid !== undefined) for (const pid of descendantsOf(proc.pid)) plugins.set(pid, commandOf(pid));
    await stopChild(proc);
  };
  const killPlugins = (): void => {
    for (const [pid, command] of plugins) {
      // Only the process it was (a pid can be reused once it is gone).
      if (command !== '' && commandOf(pid) === command) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    plugins.clear();
  };

  const real: RealNomad = {
    nomadAddr,
    consulAddr: consul.addr,
    consulKind: consul.kind,
    nodeName: hostname(),
    sim: consul.sim,
    logs: () => lines,
    consulProblems: () => lines.filter(isConsulProblem).map((l) => l.raw),
    stopNomad,
    startNomad,
    async restartNomad() {
      await stopNomad();
      await startNomad();
    },
    async stop() {
      if (child !== undefined) await stopAllJobs(nomadAddr);
      await stopNomad();
      await consul?.stop();
      killPlugins();
      killStrays(dir);
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await startNomad();
  } catch (err) {
    const tail = lines.slice(-20).map((l) => l.raw).join('\n');
    await real.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nlast Nomad log lines:\n${tail}`);
  }
  return real;
}

/** `nomad` CLI invocation against a running harness (for `nomad job validate` and the like). */
export function runNomadCli(real: RealNomad, args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const found = findNomadBinary();
  if (found.path === undefined) throw new Error(found.reason);
  const res = spawnSync(found.path, args, { input: input ?? '', encoding: 'utf8', env: { ...process.env, NOMAD_ADDR: real.nomadAddr } });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
