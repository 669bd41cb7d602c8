// The join service's HTTP endpoints (see agent/http-api/route.ts for the contract).
import { isHearthError } from '../errors.js';
import type { Route, RouteRequest, RouteResponse } from '../http-api/route.js';
import type { JoinService } from './service.js';

function errorResponse(err: unknown): RouteResponse {
  if (isHearthError(err, 'HEARTH_ERR_JOIN')) {
    const status = typeof err.details['status'] === 'number' ? err.details['status'] : 401;
    return { status, json: { error: { code: err.code, message: err.message } } };
  }
  if (isHearthError(err, 'HEARTH_ERR_INVALID_INPUT')) {
    return { status: 400, json: { error: { code: err.code, message: err.message } } };
  }
  throw err;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/** The join credential may come in the body or as `X-Hearth-Join-Token`. */
function credential(req: RouteRequest, name: string): unknown {
  const header = req.raw.headers['x-hearth-join-token'];
  return field(req.body, name) ?? (typeof header === 'string' ? header : undefined);
}

async function answer(run: () => Promise<RouteResponse>): Promise<RouteResponse> {
  try {
    return await run();
  } catch (err) {
    return errorResponse(err);
  }
}

export function createJoinRoutes(service: JoinService): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/join/tokens',
      auth: 'token',
      handler: (req) =>
        answer(async () => {
          const body = req.body;
          const issued = await service.issueToken(
            { hostname: field(body, 'hostname'), mac: field(body, 'mac'), ttl: field(body, 'ttl'), reinstall: field(body, 'reinstall') },
            'POST /api/v1/join/tokens',
          );
          return { status: 201, json: issued };
        }),
    },
    {
      method: 'POST',
      path: '/api/v1/join',
      auth: 'none',
      handler: (req) =>
        answer(async () => {
          const enrolled = await service.enroll({
            token: credential(req, 'token'),
            hostname: field(req.body, 'hostname'),
            mac: field(req.body, 'mac'),
            client: req.remoteAddress,
          });
          return { status: 200, json: enrolled };
        }),
    },
    {
      method: 'POST',
      path: '/api/v1/join/complete',
      auth: 'none',
      handler: (req) =>
        answer(async () => {
          const joined = await service.complete({
            enrollKey: credential(req, 'enrollKey'),
            hostname: field(req.body, 'hostname'),
            mac: field(req.body, 'mac'),
            client: req.remoteAddress,
          });
          return { status: 200, json: { ...joined, status: 'joined' } };
        }),
    },
    {
      // Asked by a node's boot script: 200 only while the node holds a usable token, so an unreachable
      // agent, an unknown MAC or a finished install all mean "boot the local disk".
      method: 'GET',
      path: '/api/v1/join/install/:mac',
      auth: 'none',
      handler: (req) =>
        service.mayInstall(req.params['mac'])
          ? { status: 200, text: 'install\n', contentType: 'text/plain' }
          : { status: 404, text: 'local\n', contentType: 'text/plain' },
    },
    {
      method: 'GET',
      path: '/api/v1/nodes',
      auth: 'token',
      handler: () => ({ status: 200, json: { nodes: service.listNodes() } }),
    },
  ];
}
