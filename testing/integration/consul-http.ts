// The few Consul HTTP calls the tests make themselves, spoken directly so
// they mean the same against the simulator and a real `consul agent -dev`.

export interface CatalogEntry {
  readonly ServiceID: string;
  readonly ServiceName: string;
  readonly ServiceAddress: string;
  readonly ServicePort: number;
  readonly ServiceMeta: Record<string, string>;
}

async function consulCall(consulAddr: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${consulAddr}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`consul ${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

export async function readCatalogService(consulAddr: string, name: string): Promise<CatalogEntry[]> {
  return (await (await consulCall(consulAddr, 'GET', `/v1/catalog/service/${name}`)).json()) as CatalogEntry[];
}

/** Registers an expert with a TTL check, critical until `passCheck`. */
export async function registerExpert(consulAddr: string, expert: { name: string; id: string; address: string; port: number; meta?: Record<string, string> }): Promise<string> {
  const checkId = `${expert.id}-ttl`;
  await consulCall(consulAddr, 'PUT', '/v1/agent/service/register', {
    ID: expert.id,
    Name: expert.name,
    Address: expert.address,
    Port: expert.port,
    Tags: ['expert'],
    Meta: { model: 'test', ...expert.meta },
    Checks: [{ CheckID: checkId, Name: 'ready', TTL: '10m', Status: 'critical' }],
  });
  return checkId;
}

export async function passCheck(consulAddr: string, checkId: string): Promise<void> {
  await consulCall(consulAddr, 'PUT', `/v1/agent/check/pass/${checkId}`);
}

export async function deregisterService(consulAddr: string, id: string): Promise<void> {
  await consulCall(consulAddr, 'PUT', `/v1/agent/service/deregister/${id}`);
}
