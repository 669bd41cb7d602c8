import { readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { allocsOf, isPidAlive, startSim, type SimHarness } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

/** An HTTP server on NOMAD_IP_http:NOMAD_PORT_http that writes its pid to the alloc dir. */
const SERVER = [
  "const fs=require('fs');",
  "fs.writeFileSync(process.env.NOMAD_ALLOC_DIR+'/pid', String(process.pid));",
  "fs.writeFileSync(process.env.NOMAD_TASK_DIR+'/env.json', JSON.stringify(process.env));",
  "require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.NOMAD_PORT_http, process.env.NOMAD_IP_http);",
  "console.log('listening', process.argv[1]);",
].join('');

function serverJob(id: string, count: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Job: {
      ID: id,
      Meta: { owner: 'tests' },
      TaskGroups: [{
        Name: 'app',
        Count: count,
        Networks: [{ DynamicPorts: [{ Label: 'http' }] }],
        Tasks: [{
          Name: 'server',
          Driver: 'raw_exec',
          Config: { command: process.execPath, args: ['-e', SERVER, '${node.unique.name}'] },
          Env: { GREETING: 'hello ${NOMAD_ALLOC_INDEX}' },
          KillTimeout: 2_000_000_000,
          ...extra,
        }],
      }],
    },
  };
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

interface Running {
  readonly allocId: string;
  readonly address: string;
  readonly port: number;
  readonly pid: number;
}

async function runningServers(h: SimHarness, jobId: string, count: number): Promise<Running[]> {
  const allocs = await waitFor(`${count} running allocs`, async () => {
    const list = (await allocsOf(h, jobId)).filter((a) => a.ClientStatus === 'running');
    return list.length === count ? list : undefined;
  });
  const nodes = h.sim.control.nodes();
  const out: Running[] = [];
  for (const a of allocs) {
    const full = (await h.nomad(`/v1/allocation/${a.ID}`)).json as { AllocatedResources: { Shared: { Ports: Array<{ Label: string; Value: number; HostIP: string }> } } };
    const port = full.AllocatedResources.Shared.Ports[0];
    const address = nodes.find((n) => n.id === a.NodeID)?.address ?? '';
    t_assertEqual(port?.HostIP, address);
    const pidFile = join(h.sim.control.workDir(), a.ID, 'alloc', 'pid');
    const pid = await waitFor('pid file', () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    await waitFor('port open', async () => ((await portOpen(address, port?.Value ?? 0)) ? true : undefined));
    out.push({ allocId: a.ID, address, port: port?.Value ?? 0, pid });
  }
  return out;
}

function t_assertEqual(a: unknown, b: unknown): void {
  if (a !== b) throw new Error(`expected ${String(b)}, got ${String(a)}`);
}

async function assertGone(r: Running): Promise<void> {
  await waitFor('pid gone', () => (isPidAlive(r.pid) ? undefined : true));
  await waitFor('port closed', async () => ((await portOpen(r.address, r.port)) ? undefined : true));
}

test('a raw_exec task is a real process listening on its node address, killed when scaled to 0', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: serverJob('rx', 2) });
  const servers = await runningServers(h, 'rx', 2);
  t.is(servers.length, 2);
  for (const s of servers) {
    t.regex(s.address, /^127\.0\.0\.\d+$/);
    t.true(isPidAlive(s.pid));
  }
  const env = JSON.parse(readFileSync(join(h.sim.control.workDir(), servers[0]?.allocId ?? '', 'server', 'local', 'env.json'), 'utf8')) as Record<string, string>;
  t.is(env.NOMAD_JOB_ID, 'rx');
  t.is(env.NOMAD_GROUP_NAME, 'app');
  t.is(env.NOMAD_TASK_NAME, 'server');
  t.is(env.NOMAD_META_owner, 'tests');
  t.is(env.NOMAD_IP_http, servers[0]?.address);
  t.is(env.NOMAD_HOST_PORT_http, String(servers[0]?.port));
  t.is(env.NOMAD_ADDR_http, `${servers[0]?.address}:${servers[0]?.port}`);
  t.regex(env.GREETING ?? '', /^hello [01]$/);
  t.is(env.NOMAD_DC, 'dc1');
  const log = readFileSync(join(h.sim.control.workDir(), servers[0]?.allocId ?? '', 'alloc', 'logs', 'server.stdout.0'), 'utf8');
  t.regex(log, /^listening node-\d/);
  const res = await h.nomad('/v1/job/rx/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } });
  t.is(res.status, 200);
  for (const s of servers) await assertGone(s);
  const states = (await allocsOf(h, 'rx')).map((a) => a.TaskStates?.server?.Events.map((e) => e.Type) ?? []);
  for (const types of states) {
    t.deepEqual(types.slice(0, 3), ['Received', 'Task Setup', 'Started']);
    t.true(types.includes('Killing'));
    t.is(types.at(-1), 'Killed');
  }
});

test('stopping and purging a job kill its raw_exec processes', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: serverJob('st', 1) });
  const [first] = await runningServers(h, 'st', 1);
  if (first === undefined) return t.fail('no server');
  await h.nomad('/v1/job/st', { method: 'DELETE' });
  await assertGone(first);
  await h.nomad('/v1/jobs', { method: 'PUT', body: serverJob('pg', 1) });
  const [second] = await runningServers(h, 'pg', 1);
  if (second === undefined) return t.fail('no server');
  await h.nomad('/v1/job/pg?purge=true', { method: 'DELETE' });
  await assertGone(second);
  t.pass();
  return undefined;
});

test('a failing task restarts within its policy and then fails the allocation', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'crash', TaskGroups: [{ Name: 'app', RestartPolicy: { Attempts: 1, Interval: 60e9, Delay: 50e6, Mode: 'fail' },
    Tasks: [{ Name: 'boom', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', 'process.exit(3)'] } }] }] } } });
  const alloc = await waitFor('failed alloc', async () => (await allocsOf(h, 'crash')).find((a) => a.ClientStatus === 'failed'));
  const events = alloc.TaskStates?.boom?.Events ?? [];
  t.true(events.some((e) => e.Type === 'Terminated' && e.DisplayMessage === 'Exit Code: 3'));
  t.true(events.some((e) => e.Type === 'Restarting'));
  t.is(events.at(-1)?.DisplayMessage, 'Exceeded allowed attempts 1 in interval 1m0s and mode is "fail"');
});

test('a batch task that exits 0 completes its allocation', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: { Job: { ID: 'once', Type: 'batch', TaskGroups: [{ Name: 'app', Tasks: [{ Name: 'ok', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', 'console.log(1)'] } }] }] } } });
  const alloc = await waitFor('complete alloc', async () => (await allocsOf(h, 'once')).find((a) => a.ClientStatus === 'complete'));
  t.is(alloc.TaskStates?.ok?.Events.at(-1)?.DisplayMessage, 'Restart unnecessary as task terminated successfully');
});
