// hearth status [--config FILE] [--json]: Nomad's leader, nodes and jobs and
// Consul's services with their health.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { EXIT_OK, type CliIo } from './command.js';
import { formatTable } from './table.js';
import { createClusterReader } from './cluster-reader.js';
import type { JobRow, NodeRow, ServiceRow } from './cluster-view.js';

export interface ClusterStatus {
  readonly nomad: { readonly addr: string; readonly leader: string; readonly nodes: NodeRow[]; readonly jobs: JobRow[] };
  readonly consul: { readonly addr: string; readonly services: ServiceRow[] };
}

export function formatStatus(status: ClusterStatus): string {
  const { nomad, consul } = status;
  const parts = [
    `Nomad ${nomad.addr} (leader ${nomad.leader === '' ? 'none' : nomad.leader})\n`,
    nomad.nodes.length === 0
      ? 'No Nomad nodes.\n'
      : formatTable(['NODE', 'ADDRESS', 'STATUS', 'ELIGIBILITY', 'DATACENTER'], nomad.nodes.map((n) => [n.name, n.address, n.status, n.eligibility, n.datacenter])),
    '\n',
    nomad.jobs.length === 0 ? 'No Nomad jobs.\n' : formatTable(['JOB', 'TYPE', 'STATUS'], nomad.jobs.map((j) => [j.id, j.type, j.status])),
    '\n',
    `Consul ${consul.addr}\n`,
    consul.services.length === 0
      ? 'No Consul services.\n'
      : formatTable(
          ['SERVICE', 'INSTANCES', 'PASSING', 'WARNING', 'CRITICAL'],
          consul.services.map((s) => [s.name, String(s.instances), String(s.passing), String(s.warning), String(s.critical)]),
        ),
  ];
  return parts.join('');
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const reader = createClusterReader(loaded);
  try {
    const [leader, nodes, jobs, services] = await Promise.all([reader.nomadLeader(), reader.nomadNodes(), reader.nomadJobs(), reader.consulServices()]);
    const status: ClusterStatus = {
      nomad: { addr: loaded.config.nomad.addr, leader, nodes, jobs },
      consul: { addr: loaded.config.consul.addr, services },
    };
    io.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
    return EXIT_OK;
  } finally {
    reader.close();
  }
}
