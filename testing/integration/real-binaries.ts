// Real `consul agent -dev` and `nomad agent -dev` on free loopback ports, for
// running the integration suite against the real thing when both are on PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for.js';
import { freePort } from '../support/free-port.js';

export function findRealBinaries(): { available: true } | { available: false; reason: string } {
  const missing = ['nomad', 'consul'].filter((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0);
  return missing.length === 0 ? { available: true } : { available: false, reason: `${missing.join(' and ')} not on PATH` };
}


async function answers(url: string): Promise<true | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  const text = await response.text();
  return response.ok && text.trim() !== '""' && text.trim() !== '' ? true : undefined;
}

export interface RealCluster {
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly nodeName: string;
  pauseConsul(): void;
  resumeConsul(wipe: boolean): Promise<void>;
  pauseNomad(): void;
  resumeNomad(): void;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGCONT');
    child.kill('SIGINT');
  });
}

export async function startRealCluster(): Promise<RealCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-it-real-'));
  const [http, serfLan, serfWan, server, nomadHttp, nomadRpc, nomadSerf] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const consulConfig = join(dir, 'consul.json');
  writeFileSync(consulConfig, JSON.stringify({ ports: { http, dns: -1, grpc: -1, grpc_tls: -1, serf_lan: serfLan, serf_wan: serfWan, server } }));
  const nomadConfig = join(dir, 'nomad.json');
  writeFileSync(nomadConfig, JSON.stringify({
    data_dir: join(dir, 'nomad-data'),
    ports: { http: nomadHttp, rpc: nomadRpc, serf: nomadSerf },
    consul: { address: `127.0.0.1:${http}` },
  }));
  const consulAddr = `http://127.0.0.1:${http}`;
  const nomadAddr = `http://127.0.0.1:${nomadHttp}`;
  const startConsul = () =>
    spawn('consul', ['agent', '-dev', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-config-file', consulConfig], { stdio: 'ignore' });
  let consul: ChildProcess | undefined = startConsul();
  const nomad = spawn('nomad', ['agent', '-dev', '-bind', '127.0.0.1', '-config', nomadConfig], { stdio: 'ignore' });
  const cluster: RealCluster = {
    nomadAddr,
    consulAddr,
    nodeName: hostname(),
    pauseConsul: () => consul?.kill('SIGSTOP'),
    async resumeConsul(wipe) {
      if (!wipe) {
        consul?.kill('SIGCONT');
        return;
      }
      // A dev agent keeps everything in memory: a restart is a wiped Consul.
      await stopChild(consul);
      consul = startConsul();
      await waitFor('consul to elect a leader', () => answers(`${consulAddr}/v1/status/leader`), { timeoutMs: 30_000 });
    },
    pauseNomad: () => nomad.kill('SIGSTOP'),
    resumeNomad: () => nomad.kill('SIGCONT'),
    async stop() {
      await Promise.all([stopChild(consul), stopChild(nomad)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor('consul to elect a leader', () => answers(`${consulAddr}/v1/status/leader`), { timeoutMs: 30_000 });
    await waitFor('nomad to elect a leader', () => answers(`${nomadAddr}/v1/status/leader`), { timeoutMs: 60_000 });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
