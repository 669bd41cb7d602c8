import { spawnSync } from 'node:child_process';
import test from 'ava';
import { repoPath } from '../../agent/util/paths.js';
import { allocsOf, httpServerScript, mockJob, startSim } from './test-support.js';
import { waitFor } from '../support/wait-for.js';

test('pausing Nomad closes its port and resuming reopens the same port with the state kept', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('kept') });
  await h.sim.control.pauseNomad();
  await t.throwsAsync(() => h.nomad('/v1/jobs'));
  await h.sim.control.resumeNomad();
  t.is((await h.nomad('/v1/job/kept')).status, 200);
});

test('a wiped Consul restart loses agent registrations while Nomad registers its services again', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'manual' } });
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('svc', { group: { Services: [{ Name: 'from-nomad' }] } }) });
  await waitFor('nomad service registered', async () => (((await h.consul('/v1/health/service/from-nomad')).json as unknown[]).length === 1 ? true : undefined));
  await h.sim.control.pauseConsul();
  await t.throwsAsync(() => h.consul('/v1/agent/services'));
  await h.sim.control.resumeConsul({ wipe: true });
  const services = (await h.consul('/v1/agent/services')).json as Record<string, { Service: string }>;
  t.deepEqual(Object.values(services).map((s) => s.Service), ['from-nomad']);
});

test('Nomad services land in Consul with Nomad\'s IDs, their checks really run, and the alloc turns healthy', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'web', TaskGroups: [{ Name: 'app', Networks: [{ DynamicPorts: [{ Label: 'http' }] }],
    Services: [{ Name: 'web', PortLabel: 'http', Tags: ['v1'], Meta: { m: '1' }, Checks: [{ Type: 'http', Path: '/health', Interval: 10e9, Timeout: 1e9 }] }],
    Tasks: [{ Name: 'srv', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', httpServerScript()] } }] }] } } });
  const entries = await waitFor('passing instance', async () => {
    const list = (await h.consul('/v1/health/service/web?passing')).json as Array<{ Service: { ID: string; Port: number; Address: string; Tags: string[] }; Checks: Array<{ Status: string; Output: string }> }>;
    return list.length === 1 ? list : undefined;
  });
  const [alloc] = await allocsOf(h, 'web');
  const node = h.sim.control.nodes().find((n) => n.id === alloc?.NodeID);
  t.is(entries[0]?.Service.ID, `_nomad-task-${alloc?.ID ?? ''}-group-app-web-http`);
  t.is(entries[0]?.Service.Address, node?.address);
  t.deepEqual(entries[0]?.Service.Tags, ['v1']);
  t.regex(entries[0]?.Checks[1]?.Output ?? '', /200 OK/);
  await waitFor('healthy alloc', async () => ((await allocsOf(h, 'web'))[0]?.DeploymentStatus?.Healthy === true ? true : undefined));
  await h.nomad('/v1/job/web', { method: 'DELETE' });
  await waitFor('deregistered', async () => (((await h.consul('/v1/health/service/web')).json as unknown[]).length === 0 ? true : undefined));
  t.pass();
});

test('a closed event stream or blocking query frees its waiters', async (t) => {
  const h = await startSim(t);
  const controller = new AbortController();
  const stream = await fetch(`${h.nomadAddr}/v1/event/stream`, { signal: controller.signal });
  t.is(stream.status, 200);
  const index = (await h.consul('/v1/health/service/x')).headers.get('x-consul-index') ?? '';
  const blocking = fetch(`${h.consulAddr}/v1/health/service/x?index=${index}&wait=60s`, { signal: controller.signal }).catch(() => undefined);
  await waitFor('subscribed', () => (h.sim.control.stats().eventSubscribers === 1 && h.sim.control.stats().consulWaiters === 1 ? true : undefined));
  controller.abort();
  await blocking;
  await waitFor('freed', () => {
    const s = h.sim.control.stats();
    return s.eventSubscribers === 0 && s.consulWaiters === 0 ? true : undefined;
  });
  t.pass();
});

test('the sim command rejects bad flags with exit code 1 and a clear message', (t) => {
  const r = spawnSync(process.execPath, [repoPath('dist', 'testing', 'sim', 'main.js'), '--nodes', 'many'], { encoding: 'utf8', timeout: 20_000 });
  t.is(r.status, 1);
  t.regex(r.stderr, /Expected an integer from 1 to 250 for `--nodes` \(from the command line\), got "many"\./);
  const unknown = spawnSync(process.execPath, [repoPath('dist', 'testing', 'sim', 'main.js'), '--bogus'], { encoding: 'utf8', timeout: 20_000 });
  t.is(unknown.status, 1);
});

test('the sim command prints both addresses and stops cleanly on SIGTERM', async (t) => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [repoPath('dist', 'testing', 'sim', 'main.js'), '--nodes', '2', '--nomad-port', '0', '--consul-port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const line = await waitFor('export line', () => /export NOMAD_ADDR=(\S+) CONSUL_HTTP_ADDR=(\S+)/.exec(out) ?? undefined);
  const res = await fetch(`${line[1] ?? ''}/v1/status/leader`);
  t.is(await res.json(), '127.0.0.1:4647');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.is(await exited, 0);
});

test('check_restart restarts a task whose check stays unhealthy past the grace period', async (t) => {
  const h = await startSim(t, { maxCheckIntervalMs: 50 });
  const sick = `require('http').createServer((q,s)=>{s.statusCode=500;s.end('no')}).listen(+process.env.NOMAD_PORT_http, process.env.NOMAD_IP_http)`;
  await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'sick', TaskGroups: [{ Name: 'app', Networks: [{ DynamicPorts: [{ Label: 'http' }] }],
    Tasks: [{ Name: 'srv', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', sick] },
      Services: [{ Name: 'sick', PortLabel: 'http', Checks: [{ Name: 'api-health', Type: 'http', Path: '/health', Interval: 1e9, Timeout: 1e9, CheckRestart: { Limit: 2, Grace: 100e6 } }] }] }] }] } } });
  const alloc = await waitFor('restart signaled', async () => (await allocsOf(h, 'sick')).find((a) => a.TaskStates?.srv?.Events.some((e) => e.Type === 'Restart Signaled')));
  const event = alloc.TaskStates?.srv?.Events.find((e) => e.Type === 'Restart Signaled');
  t.is(event?.DisplayMessage, 'healthcheck: check "api-health" unhealthy');
});
