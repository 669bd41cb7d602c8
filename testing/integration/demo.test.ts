// `hearth demo` as a person runs it: it says the cluster is simulated, the
// commands it prints work, and Ctrl-C stops everything with exit 0.
import test from 'ava';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { HEARTH_BIN, runHearth } from './agent-process.js';
import { waitFor } from '../support/wait-for.js';

test('hearth demo serves three agents on a simulated cluster and stops cleanly on SIGINT', async (t) => {
  const child = spawn(process.execPath, [HEARTH_BIN(), 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  await waitFor('the demo to print its addresses', () => (out.includes('Press Ctrl-C to stop.') ? true : undefined), { timeoutMs: 30_000 });
  t.regex(out, /SIMULATED/);
  const nomadAddr = /^ {2}Nomad {3}(\S+)$/m.exec(out)?.[1] ?? '';
  const consulAddr = /^ {2}Consul {2}(\S+)$/m.exec(out)?.[1] ?? '';
  const agents = [...out.matchAll(/^ {2}agent {3}(\S+) {2}\(node (\S+)\)$/gm)].map((m) => ({ url: m[1] ?? '', node: m[2] ?? '' }));
  t.is(agents.length, 3);
  for (const agent of agents) {
    const status = (await (await fetch(`${agent.url}/api/v1/status`)).json()) as { node: { name: string } };
    t.is(status.node.name, agent.node);
  }
  const env = { NOMAD_ADDR: nomadAddr, CONSUL_HTTP_ADDR: consulAddr };
  const status = await runHearth(['status'], env);
  t.is(status.code, 0, status.stderr);
  const registered = await waitFor('three hearth-agent instances', async () => {
    const result = await runHearth(['status', '--json'], env);
    const doc = JSON.parse(result.stdout) as { consul: { services: { name: string; passing: number }[] } };
    return doc.consul.services.find((s) => s.name === 'hearth-agent' && s.passing === 3);
  }, { timeoutMs: 30_000 });
  t.truthy(registered);
  const experts = await runHearth(['experts'], env);
  t.regex(experts.stdout, /^prima-api-general +\S+ +passing/m);
  // The demo says which expert it serves, and hearth chat talks to it with the token the demo wrote.
  t.regex(out, /^ {2}expert {2}prima-api-general on \S+: (a real llama-server .* tiny random-weight model|a scripted expert)/m);
  const tokenFile = /in (\S+api-token)$/m.exec(out)?.[1] ?? '';
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const chat = await waitFor('the twin to see the expert and answer', async () => {
    const result = await runHearth(['chat', '--agent', agents[0]!.url, '-m', 'hello, who are you?'], { HEARTH_API_TOKEN: token });
    return result.code === 0 && /complete · prima-api-general/.test(result.stderr) ? result : undefined;
  }, { timeoutMs: 60_000 });
  t.regex(chat.stderr, /\[prima-api-general/);
  child.kill('SIGINT');
  t.is(await exited, 0);
  t.regex(out, /Stopped\.\n$/);
});
