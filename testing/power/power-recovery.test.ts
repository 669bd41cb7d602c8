// The power agent survives kill -9 (a sleeping service stays known as asleep
// and still wakes on traffic, nothing leaks in the kernel), and a client in
// another network namespace, reaching the node over a veth, is held and
// answered like a local one. One traffic monitor per host: serial.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoPath } from '../../agent/util/paths.js';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { createNetns } from '../netns/netns.js';
import { bpfCreatedSince, snapshotBpf } from './bpf-objects.js';
import { fixtureJob, randomServicePort, startPowerAgent, startPowerCluster, testTcPriority, httpGet, type PowerCluster } from './harness.js';
import { waitFor } from '../support/wait-for.js';
import { skipAll } from '../support/skip.js';

const skip = bpfSkipReason();

interface Child {
  readonly process: ChildProcess;
  readonly api: string;
}

async function startChild(cluster: PowerCluster, stateDir: string): Promise<Child> {
  // Both runs use the same tc slot: the second must find and remove what the killed one left attached.
  const options = { nomadAddr: cluster.nomadAddr, consulAddr: cluster.consulAddr, node: cluster.node, stateDir, interfaces: ['lo'], tcPriority: testTcPriority() };
  const child = spawn(process.execPath, [repoPath('dist', 'testing', 'power', 'agent-child.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const api = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the agent exited early (${code})`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { api: string }).api));
  });
  child.removeAllListeners('exit');
  return { process: child, api };
}

async function serviceState(child: Child, service: string): Promise<string | undefined> {
  const response = await fetch(`${child.api}/api/v1/power/${service}`).catch(() => undefined);
  if (response === undefined || !response.ok) return undefined;
  return ((await response.json()) as { state: string }).state;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

if (!skipAll('power recovery and veth tests', skip)) {
  test.serial('after kill -9 a sleeping service is still asleep, still wakes on traffic, and no BPF program, map or link leaks', async (t) => {
    const baseline = await snapshotBpf();
    const cluster = await startPowerCluster({ address: uniqueLoopback() });
    const stateDir = await mkdtemp(join(tmpdir(), 'hearth-power-recovery-'));
    const children: ChildProcess[] = [];
    t.teardown(async () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited(child);
      }
      await cluster.stop();
      await rm(stateDir, { recursive: true, force: true });
    });
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-crash', { port, idle: '2s', startDelayMs: 300 }));
    const url = `http://${cluster.node.address}:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });

    const first = await startChild(cluster, stateDir);
    children.push(first.process);
    await waitFor('sleep', async () => (await serviceState(first, 'pw-crash')) === 'sleeping', { timeoutMs: 30_000 });
    // 'sleeping' is reported once the hold is armed; the kill comes after the scale-down it is followed by
    // (killed before it, the job still runs, and the restarted agent rightly takes the service as awake).
    await waitFor('the scale-down to 0', async () => (await cluster.nomad.jobs.scaleStatus('pw-crash')).data.TaskGroups['app']?.Desired === 0, { timeoutMs: 10_000 });
    first.process.kill('SIGKILL');
    await exited(first.process);
    const onDisk = JSON.parse(await readFile(join(stateDir, 'power-state.json'), 'utf8')) as { data: { services: Record<string, { state: string; wakeCount: number }> } };
    t.like(onDisk.data.services['pw-crash'], { state: 'asleep', wakeCount: 1 });

    const second = await startChild(cluster, stateDir);
    children.push(second.process);
    t.is(await serviceState(second, 'pw-crash'), 'sleeping', 'known as sleeping after the restart');
    const reply = await httpGet(url);
    t.is(reply.body, 'hello from pw-crash\n', 'a client is held and answered by the re-armed agent');
    t.is(await serviceState(second, 'pw-crash'), 'awake');

    second.process.kill('SIGTERM');
    await exited(second.process);
    t.is(second.process.exitCode, 0);
    const leaked = await waitFor('the kernel objects to go', async () => {
      const left = await bpfCreatedSince(baseline);
      return left.progs + left.maps + left.links === 0 ? left : undefined;
    }, { timeoutMs: 20_000 }).catch(async () => bpfCreatedSince(baseline));
    t.deepEqual(leaked, { progs: 0, maps: 0, links: 0 });
  });

  test.serial('a client in another network namespace reaching the node over a veth is held and answered', async (t) => {
    const netns = await createNetns('hpow');
    t.teardown(() => netns.destroy());
    const cluster = await startPowerCluster({ address: netns.hostAddr });
    t.teardown(() => cluster.stop());
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-veth', { port, idle: '2s', startDelayMs: 300 }));
    const url = `http://${netns.hostAddr}:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });
    const agent = await startPowerAgent(cluster, { interfaces: ['lo', netns.vethHost] });
    t.teardown(() => agent.stop());
    await waitFor('sleep', () => agent.manager.status('pw-veth').state === 'sleeping', { timeoutMs: 30_000 });

    const result = await netns.exec('curl', ['-sS', '--max-time', '60', url]);
    t.is(result.code, 0, result.stderr);
    t.is(result.stdout, 'hello from pw-veth\n');
    const status = agent.manager.status('pw-veth');
    t.is(status.state, 'awake');
    t.is(status.lastColdStart?.trigger, 'packet');
  });
}
