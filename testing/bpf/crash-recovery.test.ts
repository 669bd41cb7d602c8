// A hearth agent killed with SIGKILL leaves its tc filters attached (netlink
// filters outlive the process). The next start() must remove exactly those,
// and leave every other filter alone.
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSilentLogger } from '../../agent/log.js';
import { createTrafficMonitor } from '../../agent/bpf/monitor.js';
import { createNetns } from '../netns/netns.js';
import { bpfSkipReason, hearthPrograms, OBJECT_PATH, tcFilters, TEST_TC_PRIORITY } from './helpers.js';
import { skipAll } from '../support/skip.js';
import { settle } from '../support/wait-for.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const skipReason = bpfSkipReason();

if (!skipAll('crash recovery', skipReason)) {
  test.serial('start() removes the tc filters of a killed hearth run and keeps a foreign filter', async (t) => {
    const ns = await createNetns('hbpc');
    t.teardown(() => ns.destroy());
    const dev = ns.vethHost;
    execFileSync('tc', ['qdisc', 'add', 'dev', dev, 'clsact']);
    // Foreign filters: a classic-BPF "never matches" filter and a u32 filter, at another priority.
    execFileSync('tc', ['filter', 'add', 'dev', dev, 'ingress', 'pref', '7', 'protocol', 'all', 'bpf', 'bytecode', '1,6 0 0 0,']);
    execFileSync('tc', ['filter', 'add', 'dev', dev, 'egress', 'pref', '7', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'classid', '1:1']);

    const child = spawn(process.execPath, [CHILD, String(TEST_TC_PRIORITY), dev], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    t.teardown(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('attached')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`crash child exited early (${String(code)})`)));
    });
    // The killed run's programs: those its filters run (other test files may load hearth programs meanwhile).
    const childPrograms = [tcFilters(dev, 'ingress'), tcFilters(dev, 'egress')]
      .flatMap((text) => [...text.matchAll(/hearth_tc_\w+:\[(\d+)\]/g)].map((m) => Number(m[1])));
    child.kill('SIGKILL');
    await exited;

    // The killed run's filters survived it.
    t.regex(tcFilters(dev, 'ingress'), /hearth_tc_ingre/);
    t.regex(tcFilters(dev, 'egress'), /hearth_tc_egres/);

    const monitor = createTrafficMonitor({ interfaces: [dev], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.teardown(() => monitor.stop());
    await monitor.start();
    await monitor.stop();

    for (const direction of ['ingress', 'egress'] as const) {
      const filters = tcFilters(dev, direction);
      t.notRegex(filters, /hearth_/, `${direction} still has a hearth filter`);
      t.regex(filters, direction === 'ingress' ? /pref 7 bpf .*bytecode/s : /pref 7 u32/, `the foreign ${direction} filter is gone`);
    }
    const remaining = await settle(
      () => new Set(hearthPrograms().map((p) => p.id)),
      (ids) => childPrograms.every((id) => !ids.has(id)),
      { timeoutMs: 10_000 },
    );
    t.is(childPrograms.length, 2);
    t.deepEqual(childPrograms.filter((id) => remaining.has(id)), []);
  });

  test.serial('start() leaves the filters of a live hearth run alone and fails naming its pid', async (t) => {
    const ns = await createNetns('hbpc');
    t.teardown(() => ns.destroy());
    const child = spawn(process.execPath, [CHILD, String(TEST_TC_PRIORITY), ns.vethHost], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    t.teardown(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('attached')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${String(code)})`)));
    });

    const monitor = createTrafficMonitor({ interfaces: [ns.vethHost], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.teardown(() => monitor.stop());
    await t.throwsAsync(monitor.start(), { code: 'HEARTH_ERR_BPF', message: new RegExp(`pid ${String(child.pid)}`) });
    t.regex(tcFilters(ns.vethHost, 'ingress'), /hearth_tc_ingre/);
    t.regex(tcFilters(ns.vethHost, 'egress'), /hearth_tc_egres/);
  });
}
