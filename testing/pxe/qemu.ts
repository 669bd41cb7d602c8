// A diskless qemu machine that network-boots with its own iPXE ROM. qemu's
// user-mode network stands in for the LAN: its DHCP hands out the TFTP file
// the role rendered for iPXE clients (as the role's dnsmasq would), and the
// guest reaches the host's loopback servers at 10.0.2.2, nothing else.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Teardown } from './join-agent.js';

/** qemu's user-mode network (its DHCP and TFTP), or a tap device inside a network namespace. */
export type QemuNetwork =
  | { readonly kind: 'user'; readonly tftpRoot: string; readonly bootfile: string }
  | { readonly kind: 'tap'; readonly netns: string; readonly tap: string };

export interface QemuOptions {
  readonly network: QemuNetwork;
  /**
   * 'bios': SeaBIOS and qemu's iPXE ROM on an e1000 (the default). 'uefi': OVMF with a virtio NIC and no
   * option ROM, so the firmware's own PXE client boots, as on a machine whose ROM is not iPXE.
   */
  readonly firmware?: 'bios' | 'uefi';
  readonly mac: string;
  readonly serialLog: string;
}

export interface RunningQemu {
  readSerial(): Promise<string>;
  /** Stops the machine (idempotent); resolves once the process is gone. */
  stop(): Promise<void>;
  hasExited(): boolean;
}

export const OVMF = '/usr/share/qemu/OVMF.fd';

/** -nographic (not -display none) so SeaBIOS and iPXE write to the serial port too. */
export function qemuArgs(options: QemuOptions): string[] {
  return [
    '-accel', 'tcg',
    '-m', '1024',
    '-smp', '1',
    '-nographic',
    '-vga', 'none',
    '-monitor', 'none',
    '-no-reboot',
    '-serial', `file:${options.serialLog}`,
    '-netdev',
    options.network.kind === 'user'
      ? `user,id=n0,tftp=${options.network.tftpRoot},bootfile=${options.network.bootfile}`
      : `tap,id=n0,ifname=${options.network.tap},script=no,downscript=no`,
    '-device', options.firmware === 'uefi' ? `virtio-net-pci,netdev=n0,mac=${options.mac},romfile=` : `e1000,netdev=n0,mac=${options.mac}`,
    '-boot', 'n',
    ...(options.firmware === 'uefi' ? ['-bios', OVMF] : []),
  ];
}

export function startQemu(teardown: Teardown, options: QemuOptions): RunningQemu {
  const argv = ['qemu-system-x86_64', ...qemuArgs(options)];
  const [file, ...args] = options.network.kind === 'tap' ? ['ip', 'netns', 'exec', options.network.netns, ...argv] : argv;
  const child = spawn(file ?? 'qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  teardown(stop);
  return {
    readSerial: async () => (await readFile(options.serialLog, 'utf8').catch(() => '')) + (stderr === '' ? '' : `\n[qemu stderr] ${stderr}`),
    stop,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
  };
}
