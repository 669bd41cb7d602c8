// hearth experts [--config FILE] [--json]: the expert services
// (discovery.expertPrefix) with their address and health, read from Consul.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { EXIT_OK, type CliIo } from './command.js';
import { formatTable } from './table.js';
import { createClusterReader } from './cluster-reader.js';
import type { Expert } from '../consul/experts.js';

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function formatExperts(experts: ReadonlyArray<Omit<Expert, 'tags'>>, prefix: string): string {
  if (experts.length === 0) return `No expert services (Consul services named ${prefix}*).\n`;
  return formatTable(['NAME', 'ADDRESS', 'HEALTH', 'NODE', 'ID'], experts.map((e) => [e.name, hostPort(e.address, e.port), e.health, e.node, e.id]));
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const prefix = loaded.config.discovery.expertPrefix;
  const reader = createClusterReader(loaded);
  try {
    const experts = await reader.experts(prefix);
    io.stdout.write(values.json ? JSON.stringify({ experts }, null, 2) + '\n' : formatExperts(experts, prefix));
    return EXIT_OK;
  } finally {
    reader.close();
  }
}
