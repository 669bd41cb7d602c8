// hearth heal [--json]: keep the core jobs of heal.coreJobs registered; jobs
// that already match are left alone (no new version).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createSilentLogger } from '../log.js';
import { findTemplate } from '../../jobs/index.js';
import { buildContextFor } from '../jobs-runner/catalog-context.js';
import { connectCluster } from '../jobs-runner/connect.js';
import { healCoreJobs, renderCoreJobs } from '../jobs-runner/heal.js';
import { EXIT_OK, type CliIo } from './command.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, config: { type: 'string' } }, strict: true });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const entries = loaded.config.heal.coreJobs;
  const templates = entries.flatMap((e) => findTemplate(e.template) ?? []);
  const ctx = buildContextFor(templates, loaded);
  // Every entry is rendered (and so validated) before Nomad is contacted.
  renderCoreJobs(entries, ctx);
  const cluster = connectCluster(loaded, createSilentLogger());
  const outcomes = await healCoreJobs({ jobs: cluster.jobs, log: createSilentLogger() }, entries, ctx).finally(() => cluster.close());
  if (values.json) {
    io.stdout.write(JSON.stringify({ outcomes, registrations: outcomes.filter((o) => o.action !== 'unchanged').length }, null, 2) + '\n');
    return EXIT_OK;
  }
  if (outcomes.length === 0) io.stdout.write('No core jobs configured (heal.coreJobs).\n');
  for (const o of outcomes) io.stdout.write(`${o.jobId.padEnd(32)} ${o.action}${o.evalId === undefined ? '' : ` (evaluation ${o.evalId.slice(0, 8)})`}\n`);
  const changed = outcomes.filter((o) => o.action !== 'unchanged').length;
  if (outcomes.length > 0) io.stdout.write(`${changed} of ${outcomes.length} core jobs registered; ${outcomes.length - changed} unchanged.\n`);
  return EXIT_OK;
}
