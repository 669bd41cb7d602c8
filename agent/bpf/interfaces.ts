// Network interface names -> indexes (libc if_nametoindex, so it answers for
// this process's network namespace), and the default set to watch.
import koffi from 'koffi';
import { networkInterfaces } from 'node:os';
import { HearthError } from '../errors.js';

export interface InterfaceIndexer {
  indexOf(name: string): number;
}

export function createInterfaceIndexer(): InterfaceIndexer {
  const libc = koffi.load('libc.so.6');
  const ifNameToIndex = libc.func('unsigned int if_nametoindex(const char *ifname)');
  return {
    indexOf(name: string): number {
      const index = ifNameToIndex(name) as number;
      if (index === 0) {
        throw new HearthError(
          'HEARTH_ERR_BPF',
          `Network interface ${JSON.stringify(name)} does not exist in this network namespace; check the interface list (\`ip link\`).`,
          { details: { function: 'if_nametoindex', interface: name, hint: 'interface missing' } },
        );
      }
      return index;
    },
  };
}

/** 'lo' plus every interface carrying `nodeAddress` (without it: every non-loopback interface with an address). */
export function defaultInterfaces(nodeAddress?: string): string[] {
  const names = ['lo'];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo' || addrs === undefined) continue;
    const carries = nodeAddress === undefined ? addrs.some((a) => !a.internal) : addrs.some((a) => a.address === nodeAddress);
    if (carries) names.push(name);
  }
  return names;
}
