// hearth mcp: serves the agent's tools to an MCP client over stdio, relayed
// to the agent's /mcp. The agent's address comes from --agent, else from
// api.listen; the token from api.token (HEARTH_API_TOKEN).
import { parseArgs } from 'node:util';
import { describeSource, loadConfig } from '../config/load.js';
import { HearthError, invalidInput } from '../errors.js';
import { formatReachableUrl, parseListenAddress } from '../http-api/listen-address.js';
import { EXIT_OK, type CliIo } from './command.js';

const OPTIONS = { agent: { type: 'string' }, config: { type: 'string' } } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const token = loaded.config.api.token;
  if (token === undefined) {
    throw new HearthError('HEARTH_ERR_UNAUTHORIZED', 'hearth mcp needs the agent\'s API token: set api.token or HEARTH_API_TOKEN.');
  }
  let agentUrl: string;
  if (values.agent !== undefined) {
    if (!isHttpUrl(values.agent)) throw invalidInput('--agent', 'an http(s) URL such as http://127.0.0.1:8000', values.agent, 'the command line');
    agentUrl = values.agent;
  } else {
    agentUrl = formatReachableUrl(parseListenAddress(loaded.config.api.listen, `api.listen from ${describeSource(loaded, 'api.listen')}`));
  }
  const { startStdioBridge } = await import('../mcp/stdio-bridge.js');
  const bridge = await startStdioBridge({
    agentUrl,
    token,
    stdin: process.stdin,
    stdout: io.stdout,
    report: (message) => io.stderr.write(`hearth mcp: ${message}\n`),
  });
  await Promise.race([bridge.closed, io.interrupted]);
  await bridge.stop();
  return EXIT_OK;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
