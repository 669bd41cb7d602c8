// hearth demo [--nodes N]: a simulated Nomad + Consul cluster (testing/sim,
// not real Nomad or Consul) with one agent per simulated node, each on the
// node's own loopback address, and one expert to chat with (demo-expert.ts),
// until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.js';
import { internalError, invalidInput } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { createDaemon, type Daemon } from '../daemon/daemon.js';
import { createConsulClient } from '../consul/client.js';
import { EXIT_OK, type CliIo } from './command.js';
import { createSimulator, type Simulator } from '../../testing/sim/index.js';
import { startDemoExpert, type DemoExpert } from './demo-expert.js';

const AGENT_PORT = 8000;

interface DemoNode {
  readonly name: string;
  readonly address: string;
  readonly nomadAddr: string;
  readonly consulAddr: string;
}

async function startAgent(node: DemoNode, stateDir: string, token: string, log: Logger): Promise<{ daemon: Daemon; url: string }> {
  // Port 8000 on the node's own address; another program holding it moves this agent to a free port.
  for (const port of [AGENT_PORT, 0]) {
    const config = configSchema().parse({
      node: { name: node.name, address: node.address },
      api: { listen: `${node.address}:${port}`, token },
      nomad: { addr: node.nomadAddr },
      consul: { addr: node.consulAddr },
      power: { enabled: false },
      state: { dir: join(stateDir, node.name) },
      join: { inventory: join(stateDir, node.name, 'inventory.yaml'), playbook: join(stateDir, 'playbook.yaml'), provisioner: ['true'] },
    });
    const daemon = createDaemon({ loaded: { config, sources: new Map(), file: undefined }, log: log.child({ node: node.name }) });
    try {
      const bound = await daemon.start();
      return { daemon, url: `http://${node.address}:${bound.port}` };
    } catch (err) {
      if (port === 0) throw err;
    }
  }
  throw internalError('the agent was not started on port 8000 nor on a free port');
}

/** A passing `prima-api-general` entry on the first node for the demo expert, so `hearth experts` and `hearth chat` find it. */
async function registerDemoExpert(node: DemoNode, port: number, log: Logger): Promise<void> {
  const consul = createConsulClient({ addr: node.consulAddr, log });
  try {
    await consul.registerService({
      id: 'prima-api-general-1',
      name: 'prima-api-general',
      address: node.address,
      port,
      tags: ['demo'],
      checks: [{ kind: 'ttl', ttl: '24h', status: 'passing' }],
    });
  } finally {
    await consul.close();
  }
}

/** Nomad's and Consul's usual ports when they are free (so plain `hearth status` works), else free ones. */
async function startSimulator(nodes: number): Promise<{ sim: Simulator; nomadAddr: string; consulAddr: string }> {
  for (const ports of [{ nomadPort: 4646, consulPort: 8500 }, { nomadPort: 0, consulPort: 0 }]) {
    const sim = createSimulator({ nodes, ...ports });
    try {
      return { sim, ...(await sim.start()) };
    } catch (err) {
      await sim.stop();
      if (ports.nomadPort === 0) throw err;
    }
  }
  throw internalError('the simulator was not started on its fixed ports nor on free ones');
}

function onHost(url: string, host: string): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  return parsed.origin;
}

function usage(nomadAddr: string, consulAddr: string, agents: readonly { node: DemoNode; url: string }[], logFile: string, expert: DemoExpert, tokenFile: string): string {
  const env = `NOMAD_ADDR=${nomadAddr} CONSUL_HTTP_ADDR=${consulAddr}`;
  const first = agents[0]?.url ?? '';
  return [
    'hearth demo: Nomad and Consul here are SIMULATED (hearth\'s own stand-in for their HTTP APIs); no real Nomad or Consul runs.',
    '',
    `  Nomad   ${nomadAddr}`,
    `  Consul  ${consulAddr}`,
    ...agents.map((a) => `  agent   ${a.url}  (node ${a.node.name})`),
    `  agent logs: ${logFile}`,
    `  expert  prima-api-general on ${agents[0]?.node.name ?? 'the first node'}: ${expert.kind}`,
    `  API token (every agent): in ${tokenFile}`,
    '',
    'Try:',
    `  ${env} hearth status`,
    `  ${env} hearth experts`,
    `  curl ${first}/api/v1/status`,
    `  curl ${first}/health`,
    `  curl ${first}/metrics`,
    `  HEARTH_API_TOKEN=$(cat ${tokenFile}) hearth chat --agent ${first}`,
    `  HEARTH_API_TOKEN=$(cat ${tokenFile}) hearth chat --agent ${first} -m "hello, who are you?"`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { nodes: { type: 'string', default: '3' } }, strict: true });
  const count = Number(values.nodes);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw invalidInput('--nodes', 'a whole number from 1 to 9', values.nodes, 'the command line');

  const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-'));
  const logFile = join(dir, 'agents.log');
  const log = createLogger({ level: 'info', destination: (await import('pino')).pino.destination({ dest: logFile, sync: false }) });
  const { sim, nomadAddr, consulAddr } = await startSimulator(count);
  const agents: { node: DemoNode; url: string; daemon: Daemon }[] = [];
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'api-token');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  let expert: DemoExpert | undefined;
  try {
    for (const node of sim.control.nodes()) {
      // Each simulated node answers on its own address too, as that node's local Nomad and Consul agents.
      const demoNode: DemoNode = { name: node.name, address: node.address, nomadAddr: onHost(nomadAddr, node.address), consulAddr: onHost(consulAddr, node.address) };
      const started = await startAgent(demoNode, dir, token, log);
      agents.push({ node: demoNode, ...started });
    }
    const first = agents[0]?.node;
    expert = await startDemoExpert({ host: first?.address ?? '127.0.0.1', dir, env: io.env });
    if (first !== undefined) await registerDemoExpert(first, expert.port, log);
    io.stdout.write(usage(nomadAddr, consulAddr, agents, logFile, expert, tokenFile));
    await io.interrupted;
    io.stdout.write('\nStopping the agents and the simulator...\n');
  } finally {
    for (const agent of agents.reverse()) await agent.daemon.stop();
    await expert?.stop();
    await sim.stop();
    log.flush();
    rmSync(dir, { recursive: true, force: true });
  }
  io.stdout.write('Stopped.\n');
  return EXIT_OK;
}
