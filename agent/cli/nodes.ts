// hearth nodes [--config FILE] [--json]: the nodes waiting to install (pending
// join tokens) and the nodes that joined, as the local agent knows them.
import { parseArgs } from 'node:util';
import { HearthError } from '../errors.js';
import { describeSource, loadConfig } from '../config/load.js';
import { EXIT_OK, type CliIo } from './command.js';

interface NodeRow {
  readonly hostname: string;
  readonly mac: string;
  readonly status: string;
  readonly since: string;
  readonly expiresAt?: string;
  readonly provision?: string;
}

/** The agent's address for a local client: a wildcard listen address is reached on loopback. */
export function agentUrl(listen: string): string {
  const port = listen.slice(listen.lastIndexOf(':') + 1);
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const local = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return `http://${local}:${port}`;
}

export function formatNodes(nodes: readonly NodeRow[]): string {
  if (nodes.length === 0) return 'No pending or joined nodes.\n';
  const rows = [['HOSTNAME', 'MAC', 'STATUS', 'SINCE', 'DETAIL']];
  for (const n of nodes) {
    const detail = n.status === 'pending' || n.status === 'expired' ? `token expires ${n.expiresAt ?? '?'}` : n.provision === undefined ? '' : `provision ${n.provision}`;
    rows.push([n.hostname, n.mac, n.status, n.since, detail]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const base = agentUrl(loaded.config.api.listen);
  const url = `${base}/api/v1/nodes`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (loaded.config.api.token !== undefined) headers['authorization'] = `Bearer ${loaded.config.api.token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new HearthError(
      'HEARTH_ERR_UNREACHABLE',
      `Could not reach the agent at ${base} (api.listen from ${describeSource(loaded, 'api.listen')}): ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
      { cause: err, details: { url, source: describeSource(loaded, 'api.listen') } },
    );
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new HearthError('HEARTH_ERR_UNAUTHORIZED', `The agent at ${base} refused the API token (${response.status}); set api.token or HEARTH_API_TOKEN.`);
  }
  if (!response.ok) {
    throw new HearthError('HEARTH_ERR_INTERNAL', `The agent at ${base} answered ${response.status} to GET /api/v1/nodes: ${text.slice(0, 200)}`);
  }
  const nodes = (JSON.parse(text) as { nodes: NodeRow[] }).nodes;
  io.stdout.write(values.json ? JSON.stringify({ nodes }, null, 2) + '\n' : formatNodes(nodes));
  return EXIT_OK;
}
