// The Nomad + Consul HTTP API simulator: one process serving both APIs over
// a set of simulated client nodes that run real raw_exec processes.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createSilentLogger } from '../../agent/log.js';
import { createConsulAgent } from './consul/agent.js';
import { createConsulGuard, createConsulRoutes } from './consul/router.js';
import { createConsulState, type CheckStatus } from './consul/state.js';
import { healthEntries } from './consul/views.js';
import { createDispatcher, createListener, type SimListener } from './http.js';
import type { ConsulBridge } from './nomad/alloc-runner.js';
import { createNomadClients } from './nomad/client.js';
import { createJobWrites } from './nomad/jobs.js';
import { createSimDeployments } from './nomad/deployments.js';
import { createSimNamespaces } from './nomad/namespaces.js';
import { createNomadGuard, createNomadRoutes } from './nomad/router.js';
import { createScheduler } from './nomad/scheduler.js';
import { createNomadServiceRegistry } from './nomad/service-registry.js';
import { createNomadStore } from './nomad/store.js';
import { nodeFull } from './nomad/views.js';
import { buildNodes, type SimNodeSpec } from './nodes.js';

export type { SimNodeSpec };

export interface SimulatorOptions {
  nodes: number | SimNodeSpec[];
  host?: string;
  nomadPort?: number;
  consulPort?: number;
  /** `nomadReadLogsToken` (only with `nomadToken`) may read task logs and nothing else. */
  acl?: { nomadToken?: string; nomadReadLogsToken?: string; consulToken?: string };
  eventHeartbeatMs?: number;
  maxCheckIntervalMs?: number;
  workDir?: string;
  log?: Logger;
  /** Also listen on every node's own address (same ports), answering as that node. Default true. */
  perNodeListeners?: boolean;
  /**
   * Model deployments as Nomad does (a new version that places allocations starts one, and a scale is
   * refused while it runs). Default false, because tests written before it scale straight after a
   * register; the contract suite turns it on.
   */
  deployments?: boolean;
}

export interface Simulator {
  start(): Promise<{ nomadAddr: string; consulAddr: string }>;
  stop(): Promise<void>;
  readonly control: {
    nodes(): Array<{ id: string; name: string; address: string; datacenter: string }>;
    pauseNomad(): Promise<void>;
    resumeNomad(): Promise<void>;
    pauseConsul(): Promise<void>;
    resumeConsul(opts?: { wipe?: boolean }): Promise<void>;
    lowerConsulIndex(): void;
    setCheckStatus(checkId: string, status: 'passing' | 'warning' | 'critical'): void;
    /** The work directory holding every allocation's directory. */
    workDir(): string;
    /** Open blocking queries and event-stream subscribers (to check that closed clients free everything). */
    stats(): { nomadWaiters: number; consulWaiters: number; eventSubscribers: number };
  };
}

const REGION = 'global';

export function createSimulator(options: SimulatorOptions): Simulator {
  const log = (options.log ?? createSilentLogger()).child({ module: 'sim' });
  const host = options.host ?? '127.0.0.1';
  const ownWorkDir = options.workDir === undefined;
  // Created by start(), so a simulator that never starts leaves nothing behind.
  let workDir = options.workDir ?? '';
  const nodes = buildNodes(options.nodes, 1);
  if (nodes.length === 0) throw new Error('the simulator needs at least one node');
  const firstNode = nodes[0] ?? (undefined as never);

  const consulState = createConsulState({ nodes: nodes.map((n) => ({ id: n.ID, name: n.Name, address: n.Address, datacenter: n.Datacenter, meta: n.Meta })) });
  const consulAgent = createConsulAgent({ state: consulState, log, ...(options.maxCheckIntervalMs !== undefined ? { maxCheckIntervalMs: options.maxCheckIntervalMs } : {}) });
  const store = createNomadStore(nodes, nodes.length + 1);
  for (const n of nodes) {
    store.broker.publish(n.CreateIndex, [{ Topic: 'Node', Type: 'NodeRegistration', Key: n.ID, Namespace: '', FilterKeys: null, Index: n.CreateIndex, Payload: { Node: nodeFull(n) } }]);
  }

  const bridge: ConsulBridge = {
    registerService: (node, body) => consulAgent.registerService(node, body, true),
    deregisterService: (node, id) => consulAgent.deregisterService(node, id),
    checkStatuses: (node, ids) => ids.map((id) => consulState.agents.get(node)?.checks.get(id)?.Status),
    healthyInstances: (name) => healthEntries(consulState, name, { passing: true, tags: [] }).map((e) => {
      const svc = e.Service as { ID: string; Service: string; Address: string; Port: number; Tags: string[] };
      const node = e.Node as { Node: string; Address: string };
      return { ID: svc.ID, Name: svc.Service, Address: svc.Address === '' ? node.Address : svc.Address, Port: svc.Port, Tags: svc.Tags, Node: node.Node };
    }),
    kvGet: (key) => consulState.kv.get(key)?.Value?.toString('utf8'),
    watch: (key, listener) => consulState.hub.subscribe(key, listener),
  };

  let scheduler: ReturnType<typeof createScheduler> | undefined;
  const nomadServices = createNomadServiceRegistry(store);
  const clients = createNomadClients({ store, consul: bridge, nomadServices, workDir: () => workDir, region: REGION, checkIntervalCapMs: options.maxCheckIntervalMs, onCapacityChange: () => scheduler?.capacityChanged(), log });
  scheduler = createScheduler({ store, client: clients, log });
  const namespaces = createSimNamespaces(store);
  const deployments = createSimDeployments(store, { enabled: options.deployments === true });
  const jobs = createJobWrites({ store, scheduler, region: REGION, namespaceExists: namespaces.has, deployments });

  const nodeByAddress = new Map(nodes.map((n) => [n.Address, n]));
  const nomadDispatch = createDispatcher({
    routes: [...namespaces.routes(), ...deployments.routes(), ...createNomadRoutes({
      store, jobs, nomadServices, region: REGION, heartbeatMs: options.eventHeartbeatMs ?? 30_000,
      nodeForAddress: (a) => nodeByAddress.get(a) ?? firstNode, aclEnabled: options.acl?.nomadToken !== undefined,
      workDir: () => workDir,
    })],
    guard: createNomadGuard(options.acl?.nomadToken, options.acl?.nomadReadLogsToken),
    badMethodText: 'Invalid method',
    notFoundText: 'Not Found',
    onError: (err) => log.error({ err }, 'nomad handler failed'),
  });
  const consulDispatch = createDispatcher({
    routes: createConsulRoutes({ state: consulState, agent: consulAgent, nodeForAddress: (a) => (nodeByAddress.get(a) ?? firstNode).Name, leaderAddress: '127.0.0.1:8300' }),
    guard: createConsulGuard(options.acl?.consulToken),
    commonHeaders: () => ({ 'X-Consul-Default-ACL-Policy': options.acl?.consulToken === undefined ? 'allow' : 'deny' }),
    badMethodText: 'Method Not Allowed',
    notFoundText: 'Not Found',
    onError: (err) => log.error({ err }, 'consul handler failed'),
  });

  const perNode = options.perNodeListeners ?? true;
  const addresses = [host, ...(perNode ? nodes.map((n) => n.Address).filter((a) => a !== host) : [])];
  const nomadListeners: SimListener[] = addresses.map((a) => createListener(a, nomadDispatch));
  const consulListeners: SimListener[] = addresses.map((a) => createListener(a, consulDispatch));
  let nomadPort = options.nomadPort ?? 0;
  let consulPort = options.consulPort ?? 0;
  let started = false;

  const openAll = async (listeners: SimListener[], port: number): Promise<number> => {
    const [main, ...rest] = listeners;
    if (main === undefined) return port;
    const bound = await main.listen(port);
    for (const l of rest) {
      try {
        await l.listen(bound);
      } catch (err) {
        log.warn({ err, port: bound }, 'per-node listener unavailable');
      }
    }
    return bound;
  };
  const closeAll = (listeners: SimListener[]): Promise<void> => Promise.all(listeners.map((l) => l.close())).then(() => undefined);

  return {
    async start() {
      if (started) throw new Error('simulator already started');
      started = true;
      if (ownWorkDir) workDir = mkdtempSync(join(tmpdir(), 'hearth-sim-'));
      nomadPort = await openAll(nomadListeners, nomadPort);
      consulPort = await openAll(consulListeners, consulPort);
      log.info({ nomadPort, consulPort, nodes: nodes.length }, 'simulator started');
      return { nomadAddr: `http://${host}:${nomadPort}`, consulAddr: `http://${host}:${consulPort}` };
    },
    async stop() {
      scheduler?.stop();
      deployments.stop();
      await clients.shutdown();
      consulAgent.stop();
      await Promise.all([closeAll(nomadListeners), closeAll(consulListeners)]);
      if (ownWorkDir && workDir !== '') await rm(workDir, { recursive: true, force: true });
    },
    control: {
      nodes: () => nodes.map((n) => ({ id: n.ID, name: n.Name, address: n.Address, datacenter: n.Datacenter })),
      pauseNomad: () => closeAll(nomadListeners),
      resumeNomad: async () => {
        await openAll(nomadListeners, nomadPort);
      },
      pauseConsul: () => closeAll(consulListeners),
      resumeConsul: async (opts) => {
        if (opts?.wipe === true) {
          consulAgent.wipe();
          clients.resyncServices();
        }
        await openAll(consulListeners, consulPort);
      },
      lowerConsulIndex: () => consulState.lowerIndex(),
      setCheckStatus: (checkId, status: CheckStatus) => consulAgent.setCheckStatus(checkId, status),
      workDir: () => workDir,
      stats: () => ({ nomadWaiters: store.hub.size(), consulWaiters: consulState.hub.size(), eventSubscribers: store.broker.subscriberCount() }),
    },
  };
}
