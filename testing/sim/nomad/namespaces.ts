// Nomad's namespaces: "default" always exists; others are created with
// POST /v1/namespace/:name. A job in a namespace Nomad does not know is
// refused (register, plan and validate), with Nomad's text.
import { SimHttpError, type Route } from '../http.js';
import { isRecord } from '../keys.js';
import type { NomadStore } from './store.js';

interface SimNamespace {
  Name: string;
  Description: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface SimNamespaces {
  has(name: string): boolean;
  routes(): Route[];
}

const NAME = /^[a-zA-Z0-9-]{1,128}$/;

function view(ns: SimNamespace): Record<string, unknown> {
  return { ...ns, Capabilities: null, Meta: null, Quota: '', NodePoolConfiguration: null, VaultConfiguration: null, ConsulConfiguration: null };
}

export function createSimNamespaces(store: NomadStore): SimNamespaces {
  const all = new Map<string, SimNamespace>([['default', { Name: 'default', Description: 'Default shared namespace', CreateIndex: 1, ModifyIndex: 1 }]]);
  const find = (name: string): SimNamespace => {
    const ns = all.get(name);
    if (ns === undefined) throw new SimHttpError(404, 'Namespace not found');
    return ns;
  };
  return {
    has: (name) => all.has(name),
    routes: () => [
      { methods: ['GET'], pattern: '/v1/namespaces', handler: () => ({ kind: 'json', body: [...all.values()].sort((a, b) => (a.Name < b.Name ? -1 : 1)).map(view) }) },
      { methods: ['GET'], pattern: '/v1/namespace/:name', handler: (req) => ({ kind: 'json', body: view(find(req.params.name ?? '')) }) },
      { methods: ['PUT', 'POST'], pattern: '/v1/namespace/:name', handler: async (req) => {
        const name = req.params.name ?? '';
        const body = await req.readJson('Request body is empty');
        const rec = isRecord(body) ? body : {};
        const given = typeof rec.Name === 'string' && rec.Name !== '' ? rec.Name : name;
        if (given !== name) throw new SimHttpError(400, 'Namespace name does not match request path');
        if (!NAME.test(name)) throw new SimHttpError(500, `1 error occurred:\n\t* invalid name "${name}". Must match regex ${NAME.source}\n\n`);
        const index = store.nextIndex();
        const previous = all.get(name);
        all.set(name, { Name: name, Description: typeof rec.Description === 'string' ? rec.Description : '', CreateIndex: previous?.CreateIndex ?? index, ModifyIndex: index });
        return { kind: 'text', body: '', headers: { 'X-Nomad-Index': String(index) } };
      } },
      { methods: ['DELETE'], pattern: '/v1/namespace/:name', handler: (req) => {
        const name = req.params.name ?? '';
        if (name === 'default') throw new SimHttpError(500, 'default namespace can not be deleted');
        find(name);
        const live = [...store.jobs.values()].some((j) => (j.Namespace ?? 'default') === name && j.Status !== 'dead');
        if (live) throw new SimHttpError(500, `1 error occurred:\n\t* namespace "${name}" has non-terminal jobs in regions: [global]\n\n`);
        all.delete(name);
        return { kind: 'text', body: '', headers: { 'X-Nomad-Index': String(store.nextIndex()) } };
      } },
    ],
  };
}
