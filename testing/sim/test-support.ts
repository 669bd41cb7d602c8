// Helpers for the simulator's own tests: a simulator torn down with the test
// (testing/support/sim-harness.ts) with small HTTP wrappers, and job stubs.
import type { ExecutionContext } from 'ava';
import { startSimFor } from '../support/sim-harness.js';
import type { Simulator, SimulatorOptions } from './index.js';

export interface SimHarness {
  readonly sim: Simulator;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  nomad(path: string, init?: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  consul(path: string, init?: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<HttpResult>;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

async function call(base: string, path: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const res = await fetch(base + path, { method: init.method ?? 'GET', ...(body !== undefined ? { body } : {}), headers: init.headers ?? {} });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function startSim(t: ExecutionContext, options: Partial<SimulatorOptions> = {}): Promise<SimHarness> {
  const { sim, nomadAddr, consulAddr } = await startSimFor(t, { maxCheckIntervalMs: 200, ...options });
  return {
    sim,
    nomadAddr,
    consulAddr,
    nomad: (path, init) => call(nomadAddr, path, init),
    consul: (path, init) => call(consulAddr, path, init),
  };
}


export interface AllocStubLike {
  ID: string;
  Name: string;
  NodeID: string;
  NodeName: string;
  ClientStatus: string;
  DesiredStatus: string;
  TaskStates: Record<string, { State: string; Events: Array<{ Type: string; DisplayMessage: string }> }> | null;
  DeploymentStatus: { Healthy: boolean | null } | null;
}

export async function allocsOf(h: SimHarness, jobId: string): Promise<AllocStubLike[]> {
  return (await h.nomad(`/v1/job/${jobId}/allocations`)).json as AllocStubLike[];
}

/** A one-group job running a mock_driver task. */
export function mockJob(id: string, extra: { count?: number; group?: Record<string, unknown>; task?: Record<string, unknown>; job?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    Job: {
      ID: id,
      Datacenters: ['dc1'],
      ...extra.job,
      TaskGroups: [{
        Name: 'app',
        Count: extra.count ?? 1,
        ...extra.group,
        Tasks: [{ Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 100, MemoryMB: 64 }, ...extra.task }],
      }],
    },
  };
}

/** Node.js code for a raw_exec task: an HTTP server on NOMAD_IP_<label>:NOMAD_PORT_<label> answering `ok`. */
export function httpServerScript(label = 'http'): string {
  return `require('http').createServer((q,s)=>s.end('ok '+process.env.NOMAD_ALLOC_INDEX)).listen(+process.env.NOMAD_PORT_${label}, process.env.NOMAD_IP_${label}); process.on('SIGINT',()=>process.exit(0));`;
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
