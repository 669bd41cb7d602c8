// The simulated client nodes, shared by the Nomad and Consul sides.
import { createHash } from 'node:crypto';
import { arch, release } from 'node:os';
import type { SimNode } from './nomad/model.js';

export interface SimNodeSpec {
  name?: string;
  datacenter?: string;
  nodeClass?: string;
  meta?: Record<string, string>;
  cpuMhz?: number;
  memoryMb?: number;
  address?: string;
  drivers?: string[];
  gpus?: number;
}

const DEFAULT_DRIVERS = ['raw_exec', 'exec', 'mock_driver'];

/** A stable UUID-shaped ID from a seed, so node IDs do not change between runs. */
function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function buildNodes(spec: number | readonly SimNodeSpec[], index: number): SimNode[] {
  const specs: SimNodeSpec[] = typeof spec === 'number' ? Array.from({ length: spec }, () => ({})) : [...spec];
  return specs.map((s, i) => {
    const name = s.name ?? `node-${i + 1}`;
    const address = s.address ?? `127.0.0.${i + 2}`;
    const drivers = s.drivers ?? DEFAULT_DRIVERS;
    const cpu = s.cpuMhz ?? 4000;
    const mem = s.memoryMb ?? 8192;
    const attributes: Record<string, string> = {
      'kernel.name': 'linux',
      'kernel.version': release(),
      'os.name': 'debian',
      'os.version': '12',
      'cpu.arch': arch() === 'x64' ? 'amd64' : arch(),
      'cpu.numcores': '4',
      'cpu.totalcompute': String(cpu),
      'memory.totalbytes': String(mem * 1024 * 1024),
      'unique.hostname': name,
      'unique.network.ip-address': address,
      'nomad.version': '1.9.0',
      'consul.version': '1.20.0',
      ...Object.fromEntries(drivers.map((d) => [`driver.${d}`, '1'])),
      ...(s.gpus !== undefined && s.gpus > 0 ? { 'device.nvidia.gpu.count': String(s.gpus) } : {}),
    };
    return {
      ID: stableId(`${name}/${address}`),
      Name: name,
      Address: address,
      Datacenter: s.datacenter ?? 'dc1',
      NodeClass: s.nodeClass ?? '',
      Meta: { ...(s.meta ?? {}) },
      Attributes: attributes,
      cpuMhz: cpu,
      memoryMb: mem,
      drivers,
      gpus: s.gpus ?? 0,
      CreateIndex: index,
      ModifyIndex: index,
      portRange: [20000 + (i % 12) * 1000, 20000 + (i % 12) * 1000 + 999] as const,
    };
  });
}
