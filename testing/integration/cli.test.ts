// `hearth status`, `hearth experts` and `hearth config check` as a user runs them.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { availableBackends, type BackendKind } from './backend.js';
import { useCluster } from './fixtures.js';
import { HEARTH_BIN, runHearth } from './agent-process.js';
import { passCheck, registerExpert } from './consul-http.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

/** A one-allocation mock_driver job (the simulator runs it without a process). */
/** A one-task job: the simulator's mock_driver, or a sleeping raw_exec task on real Nomad (which has no mock driver). */
async function submitDemoJob(nomadAddr: string, id: string, kind: BackendKind): Promise<void> {
  const task = kind === 'simulator'
    ? { Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 100, MemoryMB: 64 } }
    : { Name: 'main', Driver: 'raw_exec', Config: { command: '/bin/sh', args: ['-c', 'exec sleep 3600'] }, Resources: { CPU: 50, MemoryMB: 32 }, KillTimeout: 1_000_000_000 };
  const response = await fetch(`${nomadAddr}/v1/jobs`, {
    method: 'PUT',
    body: JSON.stringify({ Job: { ID: id, Datacenters: ['dc1'], TaskGroups: [{ Name: 'app', Count: 1, Tasks: [task] }] } }),
  });
  if (!response.ok) throw new Error(`job submit answered ${response.status}: ${await response.text()}`);
}

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-it-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Each real case starts its own Nomad agent: one at a time, so a small machine is not swamped.
const testFor = (kind: BackendKind) => (kind === 'real' ? test.serial : test);

for (const kind of availableBackends().kinds) {
  testFor(kind)(`[${kind}] hearth status prints the Nomad leader, nodes and jobs and the Consul services as tables`, async (t) => {
    const backend = await useCluster(t, kind);
    const env = { NOMAD_ADDR: backend.nomadAddr, CONSUL_HTTP_ADDR: backend.consulAddr };
    await submitDemoJob(backend.nomadAddr, 'status-demo', kind);
    const result = await runHearth(['status'], env);
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, /^JOB +TYPE +STATUS$/m);
    t.regex(result.stdout, /^status-demo +service +(pending|running)$/m);
    t.regex(result.stdout, new RegExp(`Nomad ${backend.nomadAddr} \\(leader \\S+\\)`));
    t.regex(result.stdout, /^NODE +ADDRESS +STATUS/m);
    t.regex(result.stdout, /^SERVICE +INSTANCES +PASSING +WARNING +CRITICAL/m);
    for (const node of backend.nodes) t.regex(result.stdout, new RegExp(`^${node.name} +`, 'm'));
  });

  testFor(kind)(`[${kind}] hearth status --json prints one document with nodes, jobs and services`, async (t) => {
    const backend = await useCluster(t, kind);
    const result = await runHearth(['status', '--json'], { NOMAD_ADDR: backend.nomadAddr, CONSUL_HTTP_ADDR: backend.consulAddr });
    t.is(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { nomad: { addr: string; leader: string; nodes: { name: string }[]; jobs: unknown[] }; consul: { services: { name: string }[] } };
    t.is(doc.nomad.addr, backend.nomadAddr);
    t.true(doc.nomad.leader.length > 0);
    t.deepEqual(doc.nomad.nodes.map((n) => n.name).sort(), backend.nodes.map((n) => n.name).sort());
    t.true(Array.isArray(doc.nomad.jobs));
    t.true(Array.isArray(doc.consul.services));
  });

  testFor(kind)(`[${kind}] hearth experts lists the expert services with their health, as a table and as JSON`, async (t) => {
    const backend = await useCluster(t, kind);
    const env = { NOMAD_ADDR: backend.nomadAddr, CONSUL_HTTP_ADDR: backend.consulAddr };
    const empty = await runHearth(['experts'], env);
    t.is(empty.code, 0, empty.stderr);
    t.regex(empty.stdout, /No expert services/);
    const checkId = await registerExpert(backend.consulAddr, { name: 'prima-api-math', id: 'prima-api-math-1', address: '127.0.0.1', port: 9200 });
    await passCheck(backend.consulAddr, checkId);
    const table = await waitFor('the expert in hearth experts', async () => {
      const result = await runHearth(['experts'], env);
      return result.code === 0 && result.stdout.includes('prima-api-math') ? result : undefined;
    });
    t.regex(table.stdout, /^NAME +ADDRESS +HEALTH/m);
    t.regex(table.stdout, /^prima-api-math +127\.0\.0\.1:9200 +passing/m);
    const json = await runHearth(['experts', '--json'], env);
    t.is(json.code, 0);
    const doc = JSON.parse(json.stdout) as { experts: { name: string; address: string; port: number; health: string }[] };
    t.like(doc.experts.find((e) => e.name === 'prima-api-math'), { address: '127.0.0.1', port: 9200, health: 'passing' });
  });
}

test('hearth status exits 2 naming the address and the variable that set it when Nomad cannot be reached', async (t) => {
  const port = await freePort();
  const addr = `http://127.0.0.1:${port}`;
  const result = await runHearth(['status'], { NOMAD_ADDR: addr, CONSUL_HTTP_ADDR: addr });
  t.is(result.code, 2);
  t.true(result.stderr.includes(addr), result.stderr);
  t.regex(result.stderr, /environment NOMAD_ADDR/);
});

test('hearth experts exits 2 naming the address and the config file that set it when Consul cannot be reached', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const file = join(dir, 'hearth.yaml');
  writeFileSync(file, `consul:\n  addr: http://127.0.0.1:${port}\n`);
  const result = await runHearth(['experts', '--config', file]);
  t.is(result.code, 2);
  t.true(result.stderr.includes(`http://127.0.0.1:${port}`), result.stderr);
  t.true(result.stderr.includes(`file ${file}`), result.stderr);
});

test('a bad config exits 1 listing every problem with where it came from', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'hearth.yaml');
  writeFileSync(file, 'api:\n  listen: nowhere\nnomad:\n  adress: http://x\n');
  for (const command of [['status'], ['experts'], ['agent']]) {
    const result = await runHearth([...command, '--config', file], { HEARTH_LOG_LEVEL: 'loud' });
    t.is(result.code, 1, `${command.join(' ')}: ${result.stderr}`);
    t.regex(result.stderr, /api\.listen: expected HOST:PORT/);
    t.regex(result.stderr, /nomad\.adress: unknown key/);
    t.regex(result.stderr, /log\.level: .*\(from environment HEARTH_LOG_LEVEL\)/);
    t.true(result.stderr.includes(`(from file ${file})`));
  }
});

test('hearth config check prints the config with every secret redacted', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'hearth.yaml');
  writeFileSync(file, 'api:\n  token: it-secret-api-0001\nconsul:\n  token: it-secret-consul-0002\n');
  const env = { NOMAD_TOKEN: 'it-secret-nomad-0003' };
  const human = await runHearth(['config', 'check', '--config', file], env);
  t.is(human.code, 0, human.stderr);
  const json = await runHearth(['config', 'check', '--config', file, '--json'], env);
  t.is(json.code, 0, json.stderr);
  for (const output of [human.stdout, json.stdout]) {
    t.regex(output, /\[redacted\]/);
    for (const secret of ['it-secret-api-0001', 'it-secret-consul-0002', 'it-secret-nomad-0003']) t.false(output.includes(secret));
  }
  const doc = JSON.parse(json.stdout) as { config: { api: { token: string }; nomad: { token: string } } };
  t.is(doc.config.api.token, '[redacted]');
  t.is(doc.config.nomad.token, '[redacted]');
});

test('hearth agent refuses a malformed --listen with exit 1 naming the flag', async (t) => {
  const result = await runHearth(['agent', '--listen', 'localhost'], { HEARTH_STATE_DIR: tmpdir() });
  t.is(result.code, 1);
  t.regex(result.stderr, /Expected HOST:PORT such as 127\.0\.0\.1:8000 for `api\.listen` \(from --listen\), got "localhost"/);
});

test('a reader that closes the pipe early ends the command quietly with exit 0', async (t) => {
  const child = spawn(process.execPath, [HEARTH_BIN(), 'jobs', 'list'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Like `| head -0`: the reader is gone before the first line is written.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, stderr);
  t.notRegex(stderr, /EPIPE|Unhandled/);
});
