// Test helper: a network namespace joined to the root namespace by a veth
// pair, with IPv4 addresses from 10.213.0.0/16 (/30 per pair) and IPv6
// addresses from fd00:213::/64 (/126 per pair). These addresses exist only on
// the veth pairs made here; nothing routes them anywhere else.
// destroy() removes the namespace and both veth ends; call it in t.teardown.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Netns {
  readonly name: string;
  readonly vethHost: string;
  readonly vethNs: string;
  readonly hostAddr: string;
  readonly nsAddr: string;
  readonly hostAddr6: string;
  readonly nsAddr6: string;
  /** Runs `cmd args` inside the namespace to completion (never rejects on a non-zero exit). */
  exec(cmd: string, args: string[]): Promise<ExecResult>;
  /** Starts `cmd args` inside the namespace; the caller ends it. */
  spawn(cmd: string, args: string[]): ChildProcess;
  destroy(): Promise<void>;
}

async function ip(args: string[]): Promise<void> {
  await run('ip', args);
}

function addressInUse(address: string): boolean {
  return Object.values(networkInterfaces()).some((addrs) => addrs?.some((a) => a.address === address) ?? false);
}

function pickAddresses(): { hostAddr: string; nsAddr: string; hostAddr6: string; nsAddr6: string } {
  for (;;) {
    const third = randomInt(0, 256);
    const base = randomInt(0, 64) * 4;
    const group = randomInt(1, 0xffff).toString(16);
    const picked = {
      hostAddr: `10.213.${third}.${base + 1}`,
      nsAddr: `10.213.${third}.${base + 2}`,
      hostAddr6: `fd00:213::${group}:1`,
      nsAddr6: `fd00:213::${group}:2`,
    };
    if (!addressInUse(picked.hostAddr) && !addressInUse(picked.hostAddr6)) return picked;
  }
}

/** Creates `<prefix>-<random>` with a veth pair; prefix: at most 8 characters (interface names max out at 15). */
export async function createNetns(prefix: string): Promise<Netns> {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) {
    throw new Error(`Expected a prefix of 1-8 lowercase letters/digits for createNetns, got ${JSON.stringify(prefix)}.`);
  }
  const rand = randomBytes(3).toString('hex');
  const name = `${prefix}-${rand}`;
  const vethHost = `${prefix}${rand}h`;
  const vethNs = `${prefix}${rand}n`;
  const addrs = pickAddresses();

  const destroy = async (): Promise<void> => {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    await run('ip', ['link', 'del', vethHost]).catch(() => undefined);
  };

  try {
    await ip(['netns', 'add', name]);
    await ip(['link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethNs, 'netns', name]);
    await ip(['addr', 'add', `${addrs.hostAddr}/30`, 'dev', vethHost]);
    await ip(['addr', 'add', `${addrs.hostAddr6}/126`, 'dev', vethHost, 'nodad']);
    await ip(['link', 'set', vethHost, 'up']);
    await ip(['-n', name, 'addr', 'add', `${addrs.nsAddr}/30`, 'dev', vethNs]);
    await ip(['-n', name, 'addr', 'add', `${addrs.nsAddr6}/126`, 'dev', vethNs, 'nodad']);
    await ip(['-n', name, 'link', 'set', vethNs, 'up']);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await destroy();
    throw err;
  }

  return {
    name,
    vethHost,
    vethNs,
    ...addrs,
    async exec(cmd, args) {
      try {
        const { stdout, stderr } = await run('ip', ['netns', 'exec', name, cmd, ...args], { maxBuffer: 16 << 20 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: unknown; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
      }
    },
    spawn(cmd, args) {
      return spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    },
    destroy,
  };
}
