// A two-namespace LAN for the proxy-DHCP test: "lan" holds a bridge with the
// boot server's address, a tap for the qemu machine and one end of a veth
// whose other end sits in "rtr", where a plain DHCP server plays the LAN's
// router. Everything is created here and deleted on teardown.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Teardown } from './join-agent.js';

const run = promisify(execFile);

export interface TestLan {
  readonly lanNs: string;
  readonly routerNs: string;
  readonly bridge: string;
  readonly tap: string;
  readonly routerIf: string;
  /** The boot server's address on the bridge. */
  readonly serverAddress: string;
  readonly routerAddress: string;
  readonly subnet: string;
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

export async function createTestLan(teardown: Teardown): Promise<TestLan> {
  const id = randomBytes(2).toString('hex');
  const lan: TestLan = {
    lanNs: `hpxe-lan-${id}`,
    routerNs: `hpxe-rtr-${id}`,
    bridge: `hpxe${id}br`,
    tap: `hpxe${id}tp`,
    routerIf: `hpxe${id}v1`,
    serverAddress: '10.99.0.1',
    routerAddress: '10.99.0.254',
    subnet: '10.99.0.0',
  };
  const bridgePort = `hpxe${id}v0`;
  await ip('netns', 'add', lan.lanNs);
  teardown(() => ip('netns', 'del', lan.lanNs).catch(() => undefined));
  await ip('netns', 'add', lan.routerNs);
  teardown(() => ip('netns', 'del', lan.routerNs).catch(() => undefined));
  await ip('-n', lan.lanNs, 'link', 'set', 'lo', 'up');
  await ip('-n', lan.lanNs, 'link', 'add', lan.bridge, 'type', 'bridge');
  await ip('-n', lan.lanNs, 'addr', 'add', `${lan.serverAddress}/24`, 'dev', lan.bridge);
  await ip('-n', lan.lanNs, 'link', 'set', lan.bridge, 'up');
  await ip('-n', lan.lanNs, 'link', 'add', bridgePort, 'type', 'veth', 'peer', 'name', lan.routerIf, 'netns', lan.routerNs);
  await ip('-n', lan.lanNs, 'link', 'set', bridgePort, 'master', lan.bridge, 'up');
  await ip('-n', lan.routerNs, 'addr', 'add', `${lan.routerAddress}/24`, 'dev', lan.routerIf);
  await ip('-n', lan.routerNs, 'link', 'set', lan.routerIf, 'up');
  await ip('-n', lan.lanNs, 'tuntap', 'add', 'dev', lan.tap, 'mode', 'tap');
  await ip('-n', lan.lanNs, 'link', 'set', lan.tap, 'master', lan.bridge, 'up');
  return lan;
}
