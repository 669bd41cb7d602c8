// Runs dnsmasq in the foreground inside a network namespace, logging to a file.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Teardown } from './join-agent.js';

export interface RunningDnsmasq {
  readLog(): Promise<string>;
}

export async function startDnsmasq(teardown: Teardown, options: { netns: string; conf: string; logFile: string; pidFile: string; extra?: readonly string[] }): Promise<RunningDnsmasq> {
  const args = [
    'netns', 'exec', options.netns,
    'dnsmasq', '--keep-in-foreground', '-C', options.conf,
    `--pid-file=${options.pidFile}`, `--log-facility=${options.logFile}`,
    // The test's files live in a private temporary directory: stay root to read them.
    '--user=root', '--group=root',
    ...(options.extra ?? []),
  ];
  const child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const readLog = async () => readFile(options.logFile, 'utf8').catch(() => '');
  const until = Date.now() + 10_000;
  while (!/started, version/.test(await readLog())) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`dnsmasq did not start: ${stderr}${await readLog()}`);
    await sleep(100);
  }
  return { readLog };
}
