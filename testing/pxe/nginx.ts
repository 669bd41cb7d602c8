// Runs nginx in the foreground with the site the pxe_server role rendered,
// wrapped in a minimal main configuration that keeps every path in the test's
// directory; its access log (the role's hearth_pxe format) traces the boot.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for.js';
import type { Teardown } from './join-agent.js';
import type { RenderedTree } from './render-tree.js';

export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
}

export interface RunningNginx {
  readAccessLog(): Promise<AccessLogEntry[]>;
}

const ENTRY = /"(GET|HEAD|POST) (\S+)" (\d{3}) (\d+)$/;

export function parseAccessLog(text: string): AccessLogEntry[] {
  return text
    .split('\n')
    .map((line) => ENTRY.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ method: m[1] ?? '', path: m[2] ?? '', status: Number(m[3]), bytes: Number(m[4]) }));
}


/** Starts nginx, inside the network namespace `netns` when given. */
export async function startNginx(teardown: Teardown, tree: RenderedTree, netns?: string): Promise<RunningNginx> {
  const temp = join(tree.dir, 'nginx-temp');
  await mkdir(temp, { recursive: true });
  const conf = join(tree.dir, 'nginx.conf');
  await writeFile(
    conf,
    [
      'daemon off;',
      'master_process off;',
      `pid ${join(tree.dir, 'nginx.pid')};`,
      `error_log ${join(tree.dir, 'nginx-error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  default_type application/octet-stream;',
      '  sendfile on;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(temp, kind)};`),
      `  include ${tree.nginxSite};`,
      '}',
      '',
    ].join('\n'),
  );
  const argv = ['nginx', '-p', tree.dir, '-c', conf, '-e', join(tree.dir, 'nginx-error.log')];
  const [file, ...args] = netns === undefined ? argv : ['ip', 'netns', 'exec', netns, ...argv];
  const child = spawn(file ?? 'nginx', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  // nginx writes its pid file after it has bound its listening sockets.
  const pidFile = join(tree.dir, 'nginx.pid');
  await waitFor(`nginx to start (a pid in ${pidFile})`, async () => (await readFile(pidFile, 'utf8')).trim() !== '', { timeoutMs: 10_000, intervalMs: 100 });
  return {
    readAccessLog: async () => parseAccessLog(await readFile(tree.accessLog, 'utf8').catch(() => '')),
  };
}
