// The real-Nomad harness itself: it finds a binary or says in one line why
// not, starts a dev agent synced with its Consul, and survives an outage.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from './wait-for.js';
import { findNomadBinary, isConsulProblem, parseNomadLogLine, realNomadSkipReason, startRealNomad } from './real-nomad.js';
import { testUnless } from './skip.js';

test('the binary lookup prefers HEARTH_NOMAD_BIN and says why when it is unusable', (t) => {
  const bad = findNomadBinary({ HEARTH_NOMAD_BIN: '/nonexistent/nomad', PATH: '' });
  t.is(bad.path, undefined);
  t.regex(realNomadSkipReason({ HEARTH_NOMAD_BIN: '/nonexistent/nomad', PATH: '' }) ?? '', /^HEARTH_NOMAD_BIN=\/nonexistent\/nomad is not an executable file$/);
});

test('Consul warnings are told apart from other log lines', (t) => {
  const warn = parseNomadLogLine(JSON.stringify({ '@level': 'warn', '@module': 'consul.sync', '@message': 'failed to update services in Consul' }));
  t.true(isConsulProblem(warn));
  t.false(isConsulProblem(parseNomadLogLine(JSON.stringify({ '@level': 'info', '@module': 'consul.sync', '@message': 'synced' }))));
  t.false(isConsulProblem(parseNomadLogLine(JSON.stringify({ '@level': 'warn', '@module': 'client.driver_mgr', '@message': 'docker unhealthy' }))));
  t.true(isConsulProblem(parseNomadLogLine('2026-01-01T00:00:00Z [ERROR] agent: (view) health.service(x|passing): Unexpected response code: 500')));
  t.true(isConsulProblem(parseNomadLogLine(JSON.stringify({ '@level': 'warn', '@module': 'client.alloc_runner.task_runner.task_hook.script_checks', '@message': 'updating check failed', error: 'Unexpected response code: 500 (boom)' }))));
  // Nomad's own shutdown race (the check was just deregistered) is not a simulator defect.
  t.false(isConsulProblem(parseNomadLogLine(JSON.stringify({ '@level': 'warn', '@module': 'client.alloc_runner.task_runner.task_hook.script_checks', '@message': 'updating check failed', error: 'Unexpected response code: 404 (Unknown check ID "_nomad-check-1")' }))));
});

testUnless(realNomadSkipReason()).serial('a dev agent starts, syncs with its Consul without warnings and comes back after an outage', async (t) => {
  const real = await startRealNomad();
  t.teardown(() => real.stop());
  const leader = await fetch(`${real.nomadAddr}/v1/status/leader`);
  t.is(leader.status, 200);
  // Nomad registers its own agent services in Consul.
  const deadline = Date.now() + 30_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = Object.keys((await (await fetch(`${real.consulAddr}/v1/catalog/services`)).json()) as Record<string, unknown>);
    if (names.includes('nomad') && names.includes('nomad-client')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  t.true(names.includes('nomad') && names.includes('nomad-client'), `catalog: ${names.join(', ')}`);
  await real.stopNomad();
  await t.throwsAsync(fetch(`${real.nomadAddr}/v1/status/leader`));
  await real.startNomad();
  t.is((await fetch(`${real.nomadAddr}/v1/status/leader`)).status, 200);
  await new Promise((r) => setTimeout(r, 3000));
  t.deepEqual(real.consulProblems(), []);
});

/** Pids of Nomad's logmon plugin processes running now. */
function logmonPids(): Set<number> {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('logmon')) pids.add(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

testUnless(realNomadSkipReason()).serial('stop() leaves no process behind: a task and the logmon plugin Nomad started for it are gone', async (t) => {
  const before = logmonPids();
  const real = await startRealNomad();
  let stopped = false;
  t.teardown(() => (stopped ? undefined : real.stop()));
  const job = {
    ID: 'harness-leftovers', Name: 'harness-leftovers', Type: 'service', Datacenters: ['*'],
    TaskGroups: [{ Name: 'g', Count: 1, Tasks: [{ Name: 'main', Driver: 'raw_exec', Config: { command: '/bin/sleep', args: ['3600'] }, Resources: { CPU: 50, MemoryMB: 32 } }] }],
  };
  const registered = await fetch(`${real.nomadAddr}/v1/jobs`, { method: 'PUT', body: JSON.stringify({ Job: job }) });
  t.is(registered.status, 200, await registered.text());
  const started = await waitFor('a logmon for the task', () => {
    const fresh = [...logmonPids()].filter((pid) => !before.has(pid));
    return fresh.length > 0 ? fresh : undefined;
  }, { timeoutMs: 60_000 });
  await real.stop();
  stopped = true;
  // A killed process is gone once its (new) parent has reaped it; until then it shows as a zombie.
  const running = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };
  const alive = await waitFor('the logmon processes to end', () => {
    const left = started.filter(running);
    return left.length === 0 ? left : undefined;
  }, { timeoutMs: 10_000 }).catch(() => started.filter(running));
  t.deepEqual(alive, [], 'logmon processes of this harness still running');
});
