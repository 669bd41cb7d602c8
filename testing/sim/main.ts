// `npm run sim -- --nodes 3 [--nomad-port 4646] [--consul-port 8500]`: runs
// the simulator until Ctrl-C or SIGTERM.
import { parseArgs } from 'node:util';
import { createLogger } from '../../agent/log.js';
import { createSimulator } from './index.js';

const USAGE = 'usage: npm run sim -- [--nodes N] [--nomad-port PORT] [--consul-port PORT] [--host ADDR] [--heartbeat-ms MS] [--check-interval-max-ms MS]';

function parseCount(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`Expected an integer from ${min} to ${max} for \`--${name}\` (from the command line), got ${JSON.stringify(text)}.`);
  }
  return Number(text);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        nodes: { type: 'string' },
        'nomad-port': { type: 'string' },
        'consul-port': { type: 'string' },
        host: { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'check-interval-max-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options;
  try {
    const maxCheck = values['check-interval-max-ms'];
    options = {
      nodes: parseCount('nodes', values.nodes, 3, 1, 250),
      nomadPort: parseCount('nomad-port', values['nomad-port'], 4646, 0, 65535),
      consulPort: parseCount('consul-port', values['consul-port'], 8500, 0, 65535),
      eventHeartbeatMs: parseCount('heartbeat-ms', values['heartbeat-ms'], 30_000, 10, 3_600_000),
      ...(maxCheck !== undefined ? { maxCheckIntervalMs: parseCount('check-interval-max-ms', maxCheck, 0, 10, 3_600_000) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const log = createLogger({ level: 'info' });
  const sim = createSimulator({ ...options, log });
  let addrs;
  try {
    addrs = await sim.start();
  } catch (err) {
    process.stderr.write(`cannot start the simulator: ${(err as Error).message}\n`);
    await sim.stop();
    return 2;
  }
  process.stdout.write(`Nomad:  ${addrs.nomadAddr}\nConsul: ${addrs.consulAddr}\n`);
  process.stdout.write(`export NOMAD_ADDR=${addrs.nomadAddr} CONSUL_HTTP_ADDR=${addrs.consulAddr}\n`);
  for (const n of sim.control.nodes()) process.stdout.write(`node ${n.name} ${n.address} ${n.id}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
