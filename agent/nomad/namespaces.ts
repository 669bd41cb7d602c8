// /v1/namespace/:name: read and create, and ensureNamespace(), which makes a
// job's namespace exist before the job is planned or registered (Nomad refuses
// a job in a namespace it does not know: `nonexistent namespace "creative"`).
import { HearthError, isHearthError } from '../errors.js';
import type { CallOptions, NomadConnection } from './connection.js';
import { pathSegment } from './connection.js';

export interface Namespace {
  Name: string;
  Description: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface NamespacesApi {
  /** The namespace, or undefined when Nomad does not know it. */
  read(name: string, options?: CallOptions): Promise<Namespace | undefined>;
  /** Creates (or updates the description of) a namespace. */
  apply(name: string, description: string, options?: CallOptions): Promise<void>;
}

export function createNamespacesApi(conn: NomadConnection): NamespacesApi {
  return {
    async read(name, options = {}) {
      try {
        return (await conn.read<Namespace>(`/v1/namespace/${pathSegment(name)}`, options)).data;
      } catch (err) {
        if (isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) return undefined;
        throw err;
      }
    },
    async apply(name, description, options = {}) {
      await conn.write('POST', `/v1/namespace/${pathSegment(name)}`, { Name: name, Description: description }, options);
    },
  };
}

/**
 * Makes sure `namespace` exists, creating it when missing; "default" and an
 * unset namespace always exist. Idempotent. A token that may not read or
 * create namespaces gets HEARTH_ERR_ACL_DENIED naming the namespace and the job.
 */
export async function ensureNamespace(api: NamespacesApi, namespace: string | undefined, jobId: string): Promise<'exists' | 'created'> {
  if (namespace === undefined || namespace === '' || namespace === 'default') return 'exists';
  const denied = (err: unknown, refused: string): HearthError =>
    new HearthError('HEARTH_ERR_ACL_DENIED', `Job ${jobId} is in Nomad namespace "${namespace}", but the Nomad token may not ${refused} (a management token may; or create it once with: nomad namespace apply ${namespace})`, {
      cause: err,
      details: { namespace, jobId },
    });
  try {
    if ((await api.read(namespace)) !== undefined) return 'exists';
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_ACL_DENIED')) throw denied(err, 'read that namespace');
    throw err;
  }
  try {
    await api.apply(namespace, 'Created by hearth for the jobs placed in it.');
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_ACL_DENIED')) throw denied(err, 'create it (it does not exist yet)');
    throw err;
  }
  return 'created';
}
