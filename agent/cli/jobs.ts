// hearth jobs list | render | run | status | stop: typed Nomad jobs from the
// templates in jobs/. Bad input exits 1 before anything is submitted.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { invalidInput } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { createSilentLogger } from '../log.js';
import { parseDuration } from '../util/duration.js';
import { TEMPLATES } from '../../jobs/index.js';
import { describeVars, renderJob, requireTemplate } from '../../jobs/render.js';
import { buildContextFor } from '../jobs-runner/catalog-context.js';
import { readCliVars } from '../jobs-runner/cli-vars.js';
import { EXIT_OK, type CliIo, type CommandModule } from './command.js';

const POLL_MS = 500;

// The Nomad and Consul clients (the consul package among them) load only for the
// commands that talk to the cluster, so `jobs list` and `jobs render` start fast.
const loadConnect = () => import('../jobs-runner/connect.js');

const varOptions = {
  var: { type: 'string' as const, multiple: true as const, default: [] as string[] },
  'var-file': { type: 'string' as const, multiple: true as const, default: [] as string[] },
  config: { type: 'string' as const },
};

function requirePositional(positionals: readonly string[], what: string, usage: string): string {
  const value = positionals[0];
  if (value === undefined || positionals.length > 1) throw invalidInput(what, `exactly one ${what} (${usage})`, positionals.length > 1 ? positionals.join(' ') : undefined, 'the command line');
  return value;
}

function readTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw invalidInput('--timeout', 'a duration such as "90s" or "10m"', text, 'the command line');
  return ms;
}

export const list: CommandModule = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const docs = TEMPLATES.map((t) => ({ name: t.name, summary: t.summary, vars: describeVars(t) }));
    if (values.json) {
      io.stdout.write(JSON.stringify({ templates: docs }, null, 2) + '\n');
      return EXIT_OK;
    }
    for (const doc of docs) {
      io.stdout.write(`${doc.name}: ${doc.summary}\n`);
      for (const v of doc.vars) {
        const dflt = v.required ? 'required' : v.default === undefined ? 'optional' : `default ${JSON.stringify(v.default)}`;
        io.stdout.write(`  ${v.name.padEnd(24)} ${dflt.padEnd(40)} ${v.description}\n`);
      }
      io.stdout.write('\n');
    }
    return EXIT_OK;
  },
};

export const render: CommandModule = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, options: { ...varOptions, output: { type: 'string', short: 'o' } }, allowPositionals: true, strict: true });
    const name = requirePositional(positionals, 'template', 'hearth jobs render <template>');
    const template = requireTemplate(name, 'the command line');
    const raw = readCliVars(values.var, values['var-file']);
    const loaded = loadConfig({ configPath: values.config, env: io.env });
    const job = renderJob(template.name, raw.values, buildContextFor([template], loaded), raw.source);
    const text = JSON.stringify({ Job: job }, null, 2) + '\n';
    if (values.output === undefined || values.output === '-') io.stdout.write(text);
    else writeFileSync(values.output, text);
    return EXIT_OK;
  },
};

export const run: CommandModule = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { ...varOptions, detach: { type: 'boolean', default: false }, timeout: { type: 'string', default: '10m' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const name = requirePositional(positionals, 'template', 'hearth jobs run <template>');
    const template = requireTemplate(name, 'the command line');
    const deadlineMs = readTimeout(values.timeout);
    const raw = readCliVars(values.var, values['var-file']);
    const loaded = loadConfig({ configPath: values.config, env: io.env });
    const ctx = buildContextFor([template], loaded);
    // Validate everything before touching Nomad.
    const job = renderJob(template.name, raw.values, ctx, raw.source);
    const log = createSilentLogger();
    const [{ connectCluster }, { runExpertWithFallback }, { createProgressDisplay }, { submitJob }, { formatBenchmark }] = await Promise.all([
      loadConnect(),
      import('../jobs-runner/fallback.js'),
      import('../jobs-runner/progress.js'),
      import('../jobs-runner/submit.js'),
      import('../jobs-runner/benchmark-result.js'),
    ]);
    const cluster = connectCluster(loaded, log);
    // With --json the progress goes to stderr and stdout carries one JSON document.
    const out = values.json ? io.stderr : io.stdout;
    const tty = (out as NodeJS.WriteStream).isTTY === true;
    const display = createProgressDisplay(out, tty);
    const abort = new AbortController();
    void io.interrupted.then(() => abort.abort());
    const options = { detach: values.detach, deadlineMs, pollMs: POLL_MS, onState: display.show, signal: abort.signal };
    try {
      if (template.name === 'prima-expert') {
        const vars = template.vars.parse(raw.values) as Record<string, unknown>;
        const result = await runExpertWithFallback({ jobs: cluster.jobs, health: cluster.health, log }, vars, ctx, raw.source, { ...options, say: display.say });
        display.say(values.detach ? `submitted ${result.jobId} (evaluation ${result.evalId}) with model ${result.model}` : `${result.jobId} is healthy with model ${result.model}`);
        if (values.json) io.stdout.write(JSON.stringify({ status: values.detach ? 'submitted' : 'healthy', ...result }, null, 2) + '\n');
      } else {
        const result = await submitJob({ jobs: cluster.jobs, health: cluster.health, log }, job, options);
        const status = values.detach ? 'submitted' : job.Type === 'batch' ? 'complete' : 'healthy';
        display.say(values.detach ? `submitted ${result.jobId} (evaluation ${result.evalId})` : `${result.jobId} is ${status}`);
        if (result.benchmark !== undefined) display.say(formatBenchmark(result.benchmark));
        if (values.json) io.stdout.write(JSON.stringify({ status, ...result }, null, 2) + '\n');
      }
    } finally {
      display.close();
      await cluster.close();
    }
    return EXIT_OK;
  },
};

export const status: CommandModule = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, config: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length > 1) throw invalidInput('JOB', 'at most one job ID', positionals.join(' '), 'the command line');
    const loaded = loadConfig({ configPath: values.config, env: io.env });
    const [{ connectCluster }, { formatJobList, formatJobStatus, readJobStatus }] = await Promise.all([loadConnect(), import('../jobs-runner/status.js')]);
    const cluster = connectCluster(loaded, createSilentLogger());
    try {
      const id = positionals[0];
      if (id === undefined) {
        const stubs = await cluster.jobs.list();
        io.stdout.write(values.json ? JSON.stringify({ jobs: stubs }, null, 2) + '\n' : formatJobList(stubs));
        return EXIT_OK;
      }
      const report = await readJobStatus(cluster.jobs, cluster.health, id);
      io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatJobStatus(report));
      return EXIT_OK;
    } finally {
      await cluster.close();
    }
  },
};

export const stop: CommandModule = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, options: { purge: { type: 'boolean', default: false }, config: { type: 'string' } }, allowPositionals: true, strict: true });
    const id = requirePositional(positionals, 'JOB', 'hearth jobs stop <JOB>');
    const loaded = loadConfig({ configPath: values.config, env: io.env });
    const { connectCluster } = await loadConnect();
    const cluster = connectCluster(loaded, createSilentLogger());
    try {
      const result = await cluster.jobs.deregister(id, values.purge);
      io.stdout.write(`${values.purge ? 'purged' : 'stopped'} ${id} (evaluation ${result.evalId})\n`);
      return EXIT_OK;
    } finally {
      await cluster.close();
    }
  },
};

