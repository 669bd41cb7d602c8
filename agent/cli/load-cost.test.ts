// Which packages a command loads decides how fast it starts. These run the
// command in a fresh process and list the CommonJS packages it required.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { repoPath } from '../util/paths.js';

/** Runs a command from the registry in a fresh node and returns the packages in require.cache. */
function packagesLoadedBy(command: string, args: readonly string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { Writable } from 'node:stream';
    const { COMMANDS } = await import(${JSON.stringify(repoPath('dist', 'agent', 'cli', 'registry.js'))});
    const entry = COMMANDS.find((c) => c.name === ${JSON.stringify(command)});
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const io = { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), interrupted: new Promise(() => {}) };
    const code = await (await entry.load()).run(${JSON.stringify(args)}, io);
    const names = Object.keys(createRequire(import.meta.url).cache)
      .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1])
      .filter((name) => name !== undefined);
    process.stdout.write(JSON.stringify({ code, packages: [...new Set(names)].sort() }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoPath(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the command process failed: ${result.stderr}`);
  const { code, packages } = JSON.parse(result.stdout) as { code: number; packages: string[] };
  if (code !== 0) throw new Error(`hearth ${command} exited ${code}`);
  return packages;
}

test('jobs render loads no logger, HTTP client, Consul client or yaml package', (t) => {
  const packages = packagesLoadedBy('jobs render', ['prima-expert', '--var', 'job_name=coding-expert', '--var', 'service_name=prima-api-coding', '--var', 'model_list=qwen2-5-coder-7b-q4', '-o', '-']);
  for (const name of ['pino', 'consul', 'prom-client', 'yaml']) t.false(packages.includes(name), `${name} was loaded: ${packages.join(', ')}`);
});

test('jobs list and config check load no logger, HTTP client or Consul client', (t) => {
  for (const [command, args] of [['jobs list', []], ['config check', ['--json']]] as const) {
    const packages = packagesLoadedBy(command, args);
    for (const name of ['pino', 'consul', 'prom-client']) t.false(packages.includes(name), `${command} loaded ${name}`);
  }
});
