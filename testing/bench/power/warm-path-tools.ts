// Helpers of the warm-path benchmark: nginx as a child process (the HTTP
// service, and the reverse proxy other scale-to-zero tools put in front of
// it), wrk runs parsed into throughput and p99.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitForPort } from '../../../agent/join/wait-for-port.js';
import { freePort } from '../../support/free-port.js';

const run = promisify(execFile);
const SERVER_CPU = '1';
const LOAD_CPU = '0';


export interface Nginx {
  readonly port: number;
  stop(): Promise<void>;
}

async function waitForListening(port: number, child: ChildProcess): Promise<void> {
  if (await waitForPort({ host: '127.0.0.1', port, timeoutMs: 5000, intervalMs: 50 })) return;
  throw new Error(child.exitCode !== null ? `nginx exited (${child.exitCode}) before listening on ${port}` : `nginx did not listen on ${port}`);
}

/** Starts nginx with one worker: a fixed 200 answer, or a keep-alive reverse proxy to `upstreamPort`. */
export async function startNginx(role: { kind: 'service' } | { kind: 'proxy'; upstreamPort: number }): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'hbpf-nginx-'));
  const port = await freePort();
  const location = role.kind === 'service'
    ? 'location / { return 200 "ok\\n"; }'
    : `location / { proxy_pass http://upstream_service; proxy_http_version 1.1; proxy_set_header Connection ""; }`;
  const upstream = role.kind === 'proxy'
    ? `upstream upstream_service { server 127.0.0.1:${role.upstreamPort}; keepalive 64; }`
    : '';
  const conf = `
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  ${upstream}
  server { listen 127.0.0.1:${port}; ${location} }
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  // Server side on CPU 1, wrk on CPU 0: the two compete less, so latency shows the path, not the scheduler.
  const child = spawn('taskset', ['-c', SERVER_CPU, 'nginx', '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForListening(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface WrkResult {
  requestsPerSec: number;
  p99Ms: number;
  requests: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  return n;
}

/** One wrk run against 127.0.0.1:port: 1 thread, `connections` keep-alive connections. */
export async function runWrk(port: number, seconds: number, connections: number): Promise<WrkResult> {
  const { stdout } = await run('taskset', ['-c', LOAD_CPU, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const total = /(\d+) requests in/.exec(stdout);
  if (rps?.[1] === undefined || p99?.[1] === undefined || p99[2] === undefined || total?.[1] === undefined) {
    throw new Error(`cannot parse wrk output:\n${stdout}`);
  }
  return { requestsPerSec: Number(rps[1]), p99Ms: toMs(p99[1], p99[2]), requests: Number(total[1]) };
}
