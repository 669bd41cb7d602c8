// The power manager on the real kernel and the simulator, over loopback:
// real fixture processes go idle, sleep (scaled to 0, still discoverable),
// and a client's connection is held while they wake, then answered.
// One traffic monitor per host: these tests run one after another.
import test from 'ava';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { fixtureJob, httpGet, randomServicePort, startPowerAgent, startPowerCluster, type PowerAgent, type PowerCluster } from './harness.js';
import { waitFor } from '../support/wait-for.js';
import { skipAll } from '../support/skip.js';

const skip = bpfSkipReason();

async function setup(t: { teardown(fn: () => Promise<void>): void }): Promise<{ cluster: PowerCluster; start: () => Promise<PowerAgent> }> {
  const cluster = await startPowerCluster({ address: uniqueLoopback() });
  const agents: PowerAgent[] = [];
  t.teardown(async () => {
    for (const agent of agents) await agent.stop();
    await cluster.stop();
  });
  return {
    cluster,
    start: async () => {
      const agent = await startPowerAgent(cluster, { interfaces: ['lo'] });
      agents.push(agent);
      return agent;
    },
  };
}

async function desiredCount(cluster: PowerCluster, jobId: string): Promise<number | undefined> {
  return (await cluster.nomad.jobs.scaleStatus(jobId)).data.TaskGroups['app']?.Desired;
}

if (!skipAll('power manager system tests', skip)) {
  test.serial('an idle service sleeps despite its health checks, stays discoverable, and its first client is held until it answers', async (t) => {
    const { cluster, start } = await setup(t);
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-chat', { port, idle: '2s', startDelayMs: 500 }));
    const url = `http://${cluster.node.address}:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    const agent = await start();

    await waitFor('sleep', () => agent.manager.status('pw-chat').state === 'sleeping', { timeoutMs: 30_000 });
    const counters = agent.manager.status('pw-chat').counters;
    t.true((counters?.checkConnections ?? 0) > 0, 'health checks kept running and were classified as checks');
    // The state turns 'sleeping' once the hold is armed; the scale-down follows it.
    await waitFor('the scale-down to 0', async () => (await desiredCount(cluster, 'pw-chat')) === 0, { timeoutMs: 10_000 });
    t.is((await cluster.nomad.jobs.read('pw-chat')).data.ID, 'pw-chat', 'the job stays registered');
    const entries = (await cluster.consul.healthService('pw-chat', { passing: true })).data;
    t.deepEqual(
      entries.map((entry) => [entry.Service.Address, entry.Service.Port, entry.Service.Meta?.['hearth-power']]),
      [[cluster.node.address, port, 'asleep']],
      'a router asking ?passing still finds it, marked asleep',
    );

    const reply = await httpGet(url);
    t.deepEqual(reply, { status: 200, body: 'hello from pw-chat\n' });
    const status = agent.manager.status('pw-chat');
    t.is(status.state, 'awake');
    t.is(await desiredCount(cluster, 'pw-chat'), 1, 'woken to the remembered count');
    t.deepEqual(Object.keys(status.lastColdStart?.phasesMs ?? {}).sort(), ['allocation_running', 'first_byte', 'healthy', 'scale_requested']);
    t.true((status.lastColdStart?.phasesMs.healthy ?? 0) >= 500, 'the fixture start delay is inside the cold start');
    await waitFor('the placeholder to go', async () => (await cluster.consul.healthService('pw-chat', { passing: true })).data.every((e) => e.Service.Meta?.['hearth-power'] !== 'asleep'), { timeoutMs: 30_000 });
  });

  test.serial('a long streaming response keeps a service awake past its idle timeout', async (t) => {
    const { cluster, start } = await setup(t);
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-stream', { port, idle: '2s' }));
    const base = `http://${cluster.node.address}:${port}`;
    await waitFor('the service to answer', () => httpGet(`${base}/`, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    const agent = await start();
    const states: string[] = [];
    const stream = httpGet(`${base}/stream?seconds=6`);
    const sampler = (async () => {
      for (let i = 0; i < 20; i += 1) {
        states.push(agent.manager.status('pw-stream').state);
        await sleep(250);
      }
    })();
    const [response] = await Promise.all([stream, sampler]);
    t.regex(response.body, /done\n$/);
    t.deepEqual([...new Set(states)], ['awake']);
    await waitFor('sleep once the stream ended', () => agent.manager.status('pw-stream').state === 'sleeping', { timeoutMs: 30_000 });
  });

  test.serial('a power group sleeps only when all members are idle and wakes together; an open RPC session keeps it awake', async (t) => {
    const { cluster, start } = await setup(t);
    const serverPort = randomServicePort();
    const rpcPort = serverPort + 1;
    await cluster.register(fixtureJob('pw-llama', { port: serverPort, idle: '2s', powerGroup: 'pw-llama-group', startDelayMs: 300 }));
    await cluster.register(fixtureJob('pw-llama-rpc', { port: rpcPort, mode: 'tcp', idle: '2s', powerGroup: 'pw-llama-group' }));
    const address = cluster.node.address;
    await waitFor('the server to answer', () => httpGet(`http://${address}:${serverPort}/`, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    await waitFor('the worker to listen', () => new Promise<boolean>((resolve) => {
      const socket = connect(rpcPort, address, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    }), { timeoutMs: 30_000 });
    const agent = await start();

    // An idle but open RPC session (as llama.cpp's server keeps to its workers).
    const session = connect(rpcPort, address);
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    session.write('hello');
    await new Promise((resolve) => session.once('data', resolve));
    await sleep(4000);
    t.is(agent.manager.status('pw-llama').state, 'awake', 'the open session on the worker keeps the whole group awake');
    t.is(agent.manager.status('pw-llama-rpc').state, 'awake');
    session.end();

    await waitFor('the group to sleep', () => agent.manager.status('pw-llama').state === 'sleeping' && agent.manager.status('pw-llama-rpc').state === 'sleeping', { timeoutMs: 30_000 });
    await waitFor('the worker group scaled to 0', async () => (await desiredCount(cluster, 'pw-llama-rpc')) === 0, { timeoutMs: 10_000 });

    const reply = await httpGet(`http://${address}:${serverPort}/`);
    t.is(reply.body, 'hello from pw-llama\n');
    t.is(agent.manager.status('pw-llama-rpc').state, 'awake', 'the worker woke with the server');
    t.is(await desiredCount(cluster, 'pw-llama-rpc'), 1);
  });

  test.serial('a job asking for power management without a static port is refused with the rule and never scaled', async (t) => {
    const { cluster, start } = await setup(t);
    await cluster.register(fixtureJob('pw-dynamic', { port: 0, dynamicPort: true }));
    const agent = await start();
    const refusal = agent.manager.overview().refused.find((entry) => entry.service === 'pw-dynamic');
    t.regex(refusal?.reason ?? '', /no static port/);
    await t.throwsAsync(agent.manager.sleep('pw-dynamic'), { message: /refuses to manage pw-dynamic: .*no static port/ });
    t.is(await desiredCount(cluster, 'pw-dynamic'), 1);
  });

  test.serial('ten concurrent clients of a sleeping service are all answered, none refused or reset', async (t) => {
    const { cluster, start } = await setup(t);
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-burst', { port, idle: '2s', startDelayMs: 300 }));
    const url = `http://${cluster.node.address}:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    const agent = await start();
    await waitFor('sleep', () => agent.manager.status('pw-burst').state === 'sleeping', { timeoutMs: 30_000 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => httpGet(url)));
    const answered = results.filter((r) => r.status === 'fulfilled' && r.value.body === 'hello from pw-burst\n').length;
    t.is(answered, 10, JSON.stringify(results.filter((r) => r.status === 'rejected')));
  });
}
