// Nomad's HTTP routes. Reads carry X-Nomad-Index/LastContact/KnownLeader and
// block on `?index=&wait=`; writes carry X-Nomad-Index; errors are plain text.
import { blockUntilChanged, parseBlocking } from '../blocking.js';
import { queryFlag, readToken, SimHttpError, type Reply, type Route, type SimRequest } from '../http.js';
import { createClientFsRoutes } from './client-fs.js';
import { createEventStreamHandler } from './event-stream.js';
import type { JobWrites } from './jobs.js';
import type { SimNode } from './model.js';
import type { NomadServiceRegistry } from './service-registry.js';
import { allocWire, jobKey, type NomadStore } from './store.js';
import { allocStub, jobListStub, jobSummary, nodeFull, nodeStub, scaleStatus } from './views.js';

const LIMITS = { defaultMs: 300_000, maxMs: 300_000 };

export interface NomadRouterOptions {
  readonly store: NomadStore;
  readonly jobs: JobWrites;
  readonly nomadServices: NomadServiceRegistry;
  readonly region: string;
  readonly heartbeatMs: number;
  readonly nodeForAddress: (address: string) => SimNode;
  readonly aclEnabled: boolean;
  /** The directory holding every allocation's directory (client filesystem reads). */
  readonly workDir: () => string;
}

function readMeta(index: number): Record<string, string> {
  return { 'X-Nomad-Index': String(Math.max(1, index)), 'X-Nomad-LastContact': '0', 'X-Nomad-KnownLeader': 'true' };
}

function namespaceOf(req: SimRequest): string {
  const ns = req.query.get('namespace');
  return ns === null || ns === '' ? 'default' : ns;
}

function inNamespace(req: SimRequest, ns: string): boolean {
  const want = namespaceOf(req);
  return want === '*' || want === ns;
}

export function createNomadRoutes(opts: NomadRouterOptions): Route[] {
  const { store, jobs, nomadServices } = opts;

  const blockingRead = async (req: SimRequest, keys: string[], readIndex: () => number, body: () => unknown): Promise<Reply> => {
    const params = parseBlocking(req.query, LIMITS);
    await blockUntilChanged({ hub: store.hub, keys, readIndex, params, signal: req.signal });
    return { kind: 'json', body: body(), headers: readMeta(readIndex()) };
  };
  const write = (result: { Index: number }): Reply => ({ kind: 'json', body: result, headers: { 'X-Nomad-Index': String(result.Index) } });
  const scope = (req: SimRequest): { namespace?: string; region?: string } => {
    const ns = req.query.get('namespace');
    const region = req.query.get('region');
    return { ...(ns !== null && ns !== '' ? { namespace: ns } : {}), ...(region !== null && region !== '' ? { region } : {}) };
  };
  const requireJob = (req: SimRequest) => {
    const job = store.jobs.get(jobKey(namespaceOf(req), req.params.id ?? ''));
    if (job === undefined) throw new SimHttpError(404, 'job not found');
    return job;
  };
  const register = (pathId: boolean) => async (req: SimRequest): Promise<Reply> =>
    write(jobs.register(await req.readJson(), pathId ? req.params.id : undefined, scope(req)));

  return [
    { methods: ['GET'], pattern: '/v1/jobs', handler: (req) => blockingRead(req, ['jobs'], () => store.tableIndex('jobs'), () => {
      const prefix = req.query.get('prefix') ?? '';
      return [...store.jobs.values()]
        .filter((j) => inNamespace(req, j.Namespace ?? 'default') && j.ID.startsWith(prefix))
        .sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0))
        .map((j) => jobListStub(store, j));
    }) },
    { methods: ['PUT', 'POST'], pattern: '/v1/jobs', handler: register(false) },
    { methods: ['PUT', 'POST'], pattern: '/v1/jobs/parse', handler: async (req) => {
      const body = (await req.readJson()) as Record<string, unknown> | null;
      const hcl = body?.JobHCL ?? body?.jobhcl;
      if (typeof hcl !== 'string' || hcl.trim() === '') throw new SimHttpError(400, 'Job spec is empty');
      throw new SimHttpError(400, 'Failed to parse job: the simulator does not parse HCL; submit JSON jobs');
    } },
    { methods: ['PUT', 'POST'], pattern: '/v1/validate/job', handler: async (req) => ({ kind: 'json', body: jobs.validate(await req.readJson(), scope(req)) }) },
    { methods: ['GET'], pattern: '/v1/job/:id', handler: (req) => {
      const key = jobKey(namespaceOf(req), req.params.id ?? '');
      requireJob(req);
      return blockingRead(req, [`job:${key}`], () => store.jobIndex(key, 'job'), () => requireJob(req));
    } },
    { methods: ['PUT', 'POST'], pattern: '/v1/job/:id', handler: register(true) },
    { methods: ['DELETE'], pattern: '/v1/job/:id', handler: (req) => write(jobs.deregister(namespaceOf(req), req.params.id ?? '', queryFlag(req.query, 'purge'))) },
    { methods: ['PUT', 'POST'], pattern: '/v1/job/:id/plan', handler: async (req) => {
      const result = jobs.plan(await req.readJson(), req.params.id ?? '', scope(req));
      return { kind: 'json', body: result, headers: { 'X-Nomad-Index': String(result.Index) } };
    } },
    { methods: ['GET'], pattern: '/v1/job/:id/scale', handler: (req) => {
      const key = jobKey(namespaceOf(req), req.params.id ?? '');
      requireJob(req);
      return blockingRead(req, [`job:${key}`, `allocs:${key}`], () => store.jobIndex(key, 'summary'), () => scaleStatus(store, requireJob(req)));
    } },
    { methods: ['PUT', 'POST'], pattern: '/v1/job/:id/scale', handler: async (req) => {
      const body = await req.readBody();
      let parsed: unknown = {};
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (err) {
          throw new SimHttpError(400, `Failed to decode request body: ${(err as Error).message}`);
        }
      } else throw new SimHttpError(400, 'Request body is empty');
      return write(jobs.scale(namespaceOf(req), req.params.id ?? '', parsed));
    } },
    { methods: ['GET'], pattern: '/v1/job/:id/allocations', handler: (req) => {
      const key = jobKey(namespaceOf(req), req.params.id ?? '');
      const all = queryFlag(req.query, 'all');
      return blockingRead(req, [`allocs:${key}`, `job:${key}`], () => store.jobIndex(key, 'allocs'), () => {
        const job = store.jobs.get(key);
        return store.allocsOfJob(key)
          .filter((a) => all || job === undefined || a.Job.CreateIndex === job.CreateIndex)
          .sort((a, b) => b.CreateIndex - a.CreateIndex)
          .map(allocStub);
      });
    } },
    { methods: ['GET'], pattern: '/v1/job/:id/evaluations', handler: (req) => {
      const key = jobKey(namespaceOf(req), req.params.id ?? '');
      return blockingRead(req, [`evals:${key}`, `job:${key}`], () => store.jobIndex(key, 'evals'), () => store.evalsOfJob(key).sort((a, b) => b.CreateIndex - a.CreateIndex));
    } },
    { methods: ['GET'], pattern: '/v1/job/:id/summary', handler: (req) => {
      const key = jobKey(namespaceOf(req), req.params.id ?? '');
      requireJob(req);
      return blockingRead(req, [`allocs:${key}`, `job:${key}`, `evals:${key}`], () => store.jobIndex(key, 'summary'), () => jobSummary(store, requireJob(req)));
    } },
    { methods: ['GET'], pattern: '/v1/allocations', handler: (req) => blockingRead(req, ['allocs'], () => store.tableIndex('allocs'), () => {
      const prefix = req.query.get('prefix') ?? '';
      return [...store.allocs.values()].filter((a) => inNamespace(req, a.Namespace) && a.ID.startsWith(prefix)).sort((a, b) => b.CreateIndex - a.CreateIndex).map(allocStub);
    }) },
    { methods: ['GET'], pattern: '/v1/allocation/:id', handler: (req) => {
      const id = req.params.id ?? '';
      const get = () => {
        const a = store.allocs.get(id);
        if (a === undefined) throw new SimHttpError(404, 'alloc not found');
        return a;
      };
      get();
      return blockingRead(req, [`alloc:${id}`], () => get().ModifyIndex, () => ({ ...allocWire(get()), JobVersion: get().Job.Version ?? 0 }));
    } },
    { methods: ['GET'], pattern: '/v1/evaluations', handler: (req) => blockingRead(req, ['evals'], () => store.tableIndex('evals'), () => {
      const job = req.query.get('job');
      const status = req.query.get('status');
      const prefix = req.query.get('prefix') ?? '';
      return [...store.evals.values()]
        .filter((e) => inNamespace(req, e.Namespace) && (job === null || e.JobID === job) && (status === null || e.Status === status) && e.ID.startsWith(prefix))
        .sort((a, b) => b.CreateIndex - a.CreateIndex);
    }) },
    { methods: ['GET'], pattern: '/v1/evaluation/:id', handler: (req) => {
      const id = req.params.id ?? '';
      const get = () => {
        const e = store.evals.get(id);
        if (e === undefined) throw new SimHttpError(404, 'eval not found');
        return e;
      };
      get();
      return blockingRead(req, [`eval:${id}`], () => get().ModifyIndex, get);
    } },
    { methods: ['GET'], pattern: '/v1/evaluation/:id/allocations', handler: (req) => {
      const id = req.params.id ?? '';
      return blockingRead(req, ['allocs'], () => store.tableIndex('allocs'), () => [...store.allocs.values()].filter((a) => a.EvalID === id).map(allocStub));
    } },
    { methods: ['GET'], pattern: '/v1/nodes', handler: (req) => blockingRead(req, ['nodes'], () => store.tableIndex('nodes'), () => {
      const prefix = req.query.get('prefix') ?? '';
      return store.nodes.filter((n) => n.ID.startsWith(prefix)).map((n) => nodeStub(n, queryFlag(req.query, 'resources'), queryFlag(req.query, 'os')));
    }) },
    { methods: ['GET'], pattern: '/v1/node/:id', handler: (req) => {
      const node = store.nodes.find((n) => n.ID === req.params.id);
      if (node === undefined) throw new SimHttpError(404, 'node not found');
      return blockingRead(req, ['nodes'], () => store.tableIndex('nodes'), () => nodeFull(node));
    } },
    { methods: ['GET'], pattern: '/v1/node/:id/allocations', handler: (req) => blockingRead(req, ['allocs'], () => store.tableIndex('allocs'), () => [...store.allocs.values()].filter((a) => a.NodeID === req.params.id).map((a) => allocWire(a))) },
    { methods: ['GET'], pattern: '/v1/status/leader', handler: () => ({ kind: 'json', body: '127.0.0.1:4647', headers: readMeta(store.currentIndex()) }) },
    { methods: ['GET'], pattern: '/v1/status/peers', handler: () => ({ kind: 'json', body: ['127.0.0.1:4647'], headers: readMeta(store.currentIndex()) }) },
    { methods: ['GET'], pattern: '/v1/agent/self', handler: (req) => {
      const n = opts.nodeForAddress(req.localAddress);
      return { kind: 'json', body: {
        config: { Region: opts.region, Datacenter: n.Datacenter, NodeName: n.Name, Version: { Version: '1.9.0', VersionPrerelease: '', Revision: 'sim' }, ACL: { Enabled: opts.aclEnabled }, Client: { Enabled: true, NodeClass: n.NodeClass, Meta: n.Meta }, Server: { Enabled: n === store.nodes[0] } },
        member: { Name: `${n.Name}.${opts.region}`, Addr: n.Address, Port: 4648, Tags: { region: opts.region, dc: n.Datacenter, role: 'nomad', build: '1.9.0' }, Status: 'alive' },
        stats: { client: { node_id: n.ID, known_servers: '127.0.0.1:4647', num_allocations: String([...store.allocs.values()].filter((a) => a.NodeID === n.ID && a.DesiredStatus === 'run').length) }, nomad: { leader: 'true', server: 'true', known_regions: '1' } },
      } };
    } },
    { methods: ['GET'], pattern: '/v1/services', handler: (req) => blockingRead(req, ['services'], () => nomadServices.index(), () => {
      const byNs = new Map<string, Map<string, Set<string>>>();
      for (const r of nomadServices.all()) {
        if (!inNamespace(req, r.Namespace)) continue;
        const names = byNs.get(r.Namespace) ?? new Map<string, Set<string>>();
        byNs.set(r.Namespace, names);
        const tags = names.get(r.ServiceName) ?? new Set<string>();
        names.set(r.ServiceName, tags);
        for (const t of r.Tags) tags.add(t);
      }
      return [...byNs].map(([ns, names]) => ({ Namespace: ns, Services: [...names].map(([name, tags]) => ({ ServiceName: name, Tags: [...tags] })) }));
    }) },
    { methods: ['GET'], pattern: '/v1/service/:name', handler: (req) => {
      const name = req.params.name ?? '';
      return blockingRead(req, [`service:${name}`], () => nomadServices.index(name), () => nomadServices.all().filter((r) => r.ServiceName === name && inNamespace(req, r.Namespace)));
    } },
    { methods: ['DELETE'], pattern: '/v1/service/:name/:id', handler: (req) => {
      const found = nomadServices.all().find((r) => r.ServiceName === req.params.name && r.ID === req.params.id);
      if (found === undefined) throw new SimHttpError(404, 'Service registration not found');
      nomadServices.deregister([found.ID]);
      return { kind: 'json', body: null, headers: { 'X-Nomad-Index': String(store.currentIndex()) } };
    } },
    { methods: ['GET'], pattern: '/v1/job/:id/services', handler: (req) => blockingRead(req, ['services'], () => nomadServices.index(), () => nomadServices.all().filter((r) => r.JobID === req.params.id && inNamespace(req, r.Namespace))) },
    { methods: ['GET'], pattern: '/v1/event/stream', handler: createEventStreamHandler({ broker: store.broker, heartbeatMs: opts.heartbeatMs }) },
    ...createClientFsRoutes({ store, workDir: opts.workDir }),
  ];
}

/**
 * With ACLs on, every call but status needs the management token, except that
 * a token whose policy grants only `read-logs` may read task logs
 * (/v1/client/fs/logs; /v1/client/fs/cat needs `read-fs`, which it lacks).
 */
export function createNomadGuard(token: string | undefined, readLogsToken?: string) {
  return (req: SimRequest): void => {
    if (token === undefined || req.path.startsWith('/v1/status/')) return;
    const given = readToken(req.headers, 'x-nomad-token');
    if (given === token) return;
    if (readLogsToken !== undefined && given === readLogsToken && req.method === 'GET' && req.path.startsWith('/v1/client/fs/logs/')) return;
    throw new SimHttpError(403, 'Permission denied');
  };
}
