// Fills the simulator: expert services registered through the nodes' Consul
// agents, and mock_driver jobs whose allocations register service instances.

export interface SeedNode {
  readonly consulAddr: string;
}

async function call(url: string, method: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** Registers `count` services named `${prefix}NNN`, spread over the nodes, each with a passing TTL check. */
export async function registerServices(nodes: readonly SeedNode[], prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const node = nodes[i % nodes.length];
    if (node === undefined) throw new Error('no nodes to register on');
    const name = `${prefix}${String(i).padStart(3, '0')}`;
    await call(`${node.consulAddr}/v1/agent/service/register`, 'PUT', {
      ID: `${name}-1`,
      Name: name,
      Port: 20_000 + i,
      Checks: [{ CheckID: `${name}-1-ttl`, TTL: '1h', Status: 'passing' }],
    });
  }
}

/** Submits `jobs` service jobs of `count` mock_driver allocations, each registering one instance of `${prefix}NNN`. */
export async function submitMockJobs(nomadAddr: string, prefix: string, jobs: number, count: number): Promise<void> {
  for (let i = 0; i < jobs; i += 1) {
    const name = `${prefix}${String(i).padStart(3, '0')}`;
    await call(`${nomadAddr}/v1/jobs`, 'PUT', {
      Job: {
        ID: name,
        Datacenters: ['dc1'],
        TaskGroups: [{
          Name: 'app',
          Count: count,
          Networks: [{ DynamicPorts: [{ Label: 'http' }] }],
          Services: [{ Name: name, PortLabel: 'http', Provider: 'consul' }],
          Tasks: [{ Name: 'main', Driver: 'mock_driver', Config: {}, Resources: { CPU: 10, MemoryMB: 10 } }],
        }],
      },
    });
  }
}

/** How many passing instances Consul has of every service starting with `prefix`. */
export async function countInstances(consulAddr: string, prefix: string): Promise<number> {
  const services = (await (await fetch(`${consulAddr}/v1/catalog/services`)).json()) as Record<string, string[]>;
  const names = Object.keys(services).filter((n) => n.startsWith(prefix));
  let total = 0;
  for (const name of names) total += ((await (await fetch(`${consulAddr}/v1/health/service/${name}?passing`)).json()) as unknown[]).length;
  return total;
}
