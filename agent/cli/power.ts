// hearth power status|sleep|wake|set-idle: talks to the local agent's /api/v1/power.
// The agent's address comes from --agent, else from api.listen; the token from api.token.
import { parseArgs } from 'node:util';
import { HearthError, invalidInput } from '../errors.js';
import { describeSource, loadConfig } from '../config/load.js';
import { formatReachableUrl, parseListenAddress } from '../http-api/listen-address.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { MAX_IDLE_TIMEOUT_MS, MIN_IDLE_TIMEOUT_MS } from '../power/policy.js';
import type { PowerOverview, ServiceStatus } from '../power/manager.js';
import { COLD_START_PHASES } from '../power/cold-start.js';
import { EXIT_OK, type CliIo, type CommandModule } from './command.js';

const OPTIONS = {
  agent: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

interface Agent {
  readonly url: string;
  /** Where the URL came from, for "cannot reach" messages. */
  readonly source: string;
  readonly token: string | undefined;
}

function resolveAgent(values: { agent?: string | undefined; config?: string | undefined }, io: CliIo): Agent {
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const token = loaded.config.api.token;
  if (values.agent !== undefined) {
    const protocol = URL.canParse(values.agent) ? new URL(values.agent).protocol : undefined;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw invalidInput('--agent', 'an http(s) URL such as http://127.0.0.1:8000', values.agent, 'the command line');
    }
    return { url: values.agent.replace(/\/+$/, ''), source: '--agent', token };
  }
  const source = `api.listen from ${describeSource(loaded, 'api.listen')}`;
  return { url: formatReachableUrl(parseListenAddress(loaded.config.api.listen, source)), source, token };
}

async function callAgent(agent: Agent, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${agent.url}${path}`, {
      method,
      headers: {
        ...(agent.token === undefined ? {} : { authorization: `Bearer ${agent.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(150_000),
    });
  } catch (err) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot reach the hearth agent at ${agent.url} (${agent.source}): ${describeCause(err)}.`, {
      cause: err,
      details: { url: agent.url, source: agent.source },
    });
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (response.ok) return parsed;
  const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
  const code = error?.code === 'HEARTH_ERR_NOT_FOUND' || error?.code === 'HEARTH_ERR_INVALID_INPUT' || error?.code === 'HEARTH_ERR_UNAUTHORIZED' || error?.code === 'HEARTH_ERR_TIMEOUT' ? error.code : 'HEARTH_ERR_POWER';
  throw new HearthError(code, error?.message ?? `The agent at ${agent.url} answered ${response.status}: ${text.slice(0, 200)}`, {
    details: { status: response.status },
  });
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parse(args: string[], positionals: string[], io: CliIo) {
  // "-5m" is a (bad) duration, not an option: pass such words as positionals so the duration rule reports them.
  const negative = args.filter((arg) => /^-\d/.test(arg));
  const ordered = negative.length === 0 ? args : [...args.filter((arg) => !negative.includes(arg)), '--', ...negative];
  const { values, positionals: given } = parseArgs({ args: ordered, options: OPTIONS, allowPositionals: true, strict: true });
  if (given.length !== positionals.length) {
    throw invalidInput(positionals.join(' ') || 'arguments', `${positionals.length} argument(s): ${positionals.join(' ') || 'none'}`, given.join(' '), 'the command line');
  }
  return { values, given, agent: () => resolveAgent(values, io) };
}

function formatPhases(status: ServiceStatus): string {
  const cold = status.lastColdStart;
  if (cold === undefined) return '-';
  const phases = COLD_START_PHASES.filter((phase) => cold.phasesMs[phase] !== undefined).map(
    (phase) => `${phase}=${formatDuration(cold.phasesMs[phase] ?? 0)}`,
  );
  return `${cold.startedAt} (${cold.trigger}) ${phases.join(' ')}${cold.error === undefined ? '' : ` FAILED: ${cold.error}`}`;
}

function renderStatus(overview: PowerOverview): string {
  const rows = [['SERVICE', 'STATE', 'IDLE FOR', 'TIMEOUT', 'GROUP', 'ADDRESS', 'LAST COLD START']];
  for (const status of overview.services) {
    rows.push([
      status.service,
      status.state,
      status.state === 'awake' ? formatDuration(Math.round(status.idleForMs / 1000) * 1000 || 0) : '-',
      `${formatDuration(status.idleTimeoutMs)}${status.idleTimeoutSource === 'operator' ? ' (set)' : ''}`,
      status.powerGroup,
      `${status.address}:${status.port}`,
      formatPhases(status),
    ]);
  }
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
  for (const refusal of overview.refused) lines.push(`refused ${refusal.service}: ${refusal.reason}`);
  if (overview.services.length === 0 && overview.refused.length === 0) lines.push('(no power-managed services on this node)');
  return lines.join('\n') + '\n';
}

function renderOne(status: ServiceStatus): string {
  return renderStatus({ services: [status], refused: [] });
}

export const statusCommand: CommandModule = {
  async run(args, io) {
    const { values, agent } = parse(args, [], io);
    const overview = (await callAgent(agent(), 'GET', '/api/v1/power')) as PowerOverview;
    io.stdout.write(values.json ? JSON.stringify(overview, null, 2) + '\n' : renderStatus(overview));
    return EXIT_OK;
  },
};

function transition(action: 'sleep' | 'wake'): CommandModule {
  return {
    async run(args, io) {
      const { values, given, agent } = parse(args, ['<service>'], io);
      const service = given[0] ?? '';
      const status = (await callAgent(agent(), 'POST', `/api/v1/power/${encodeURIComponent(service)}/${action}`)) as ServiceStatus;
      io.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : renderOne(status));
      return EXIT_OK;
    },
  };
}

export const sleepCommand = transition('sleep');
export const wakeCommand = transition('wake');

export const setIdleCommand: CommandModule = {
  async run(args, io) {
    const { values, given, agent } = parse(args, ['<service>', '<duration>'], io);
    const [service = '', timeout = ''] = given;
    const ms = parseDuration(timeout);
    if (ms === undefined || ms < MIN_IDLE_TIMEOUT_MS || ms > MAX_IDLE_TIMEOUT_MS) {
      throw invalidInput('<duration>', `a duration from ${formatDuration(MIN_IDLE_TIMEOUT_MS)} to 168h such as "10m"`, timeout, 'the command line');
    }
    const status = (await callAgent(agent(), 'PUT', `/api/v1/power/${encodeURIComponent(service)}/idle`, { timeout })) as ServiceStatus;
    io.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : renderOne(status));
    return EXIT_OK;
  },
};
