// Reads an iPXE script the way the tests need to: its commands, its labels,
// and the gotos that follow chain/kernel/initrd/boot.

export interface IpxeScript {
  readonly lines: readonly string[];
  readonly labels: ReadonlySet<string>;
  /** Lines that load or start something: chain, kernel, initrd, boot. */
  readonly loads: readonly string[];
  /** Every label a goto (or choose's default) names. */
  readonly targets: readonly string[];
}

const LOADING = /^(chain|kernel|initrd|boot|imgexec|sanboot)\b/;

export function readIpxeScript(text: string): IpxeScript {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const labels = new Set(lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1)));
  const targets = [...text.matchAll(/goto ([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
  return { lines, labels, loads: lines.filter((l) => LOADING.test(l)), targets };
}
