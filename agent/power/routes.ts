// /api/v1/power: read the managed services, sleep or wake one (with its power
// group), set its idle timeout. Every route that changes state needs the token.
import { isHearthError } from '../errors.js';
import type { Route, RouteResponse } from '../http-api/route.js';
import type { PowerManager } from './manager.js';

export function createPowerRoutes(manager: PowerManager): Route[] {
  return [
    { method: 'GET', path: '/api/v1/power', auth: 'none', handler: () => ({ status: 200, json: manager.overview() }) },
    {
      method: 'GET',
      path: '/api/v1/power/:service',
      auth: 'none',
      handler: (req) => answer(() => manager.status(req.params['service'] ?? '')),
    },
    {
      method: 'POST',
      path: '/api/v1/power/:service/sleep',
      auth: 'token',
      handler: (req) => answer(() => manager.sleep(req.params['service'] ?? '')),
    },
    {
      method: 'POST',
      path: '/api/v1/power/:service/wake',
      auth: 'token',
      handler: (req) => answer(() => manager.wake(req.params['service'] ?? '')),
    },
    {
      method: 'PUT',
      path: '/api/v1/power/:service/idle',
      auth: 'token',
      handler: (req) => {
        const body = req.body as { timeout?: unknown } | undefined;
        return answer(() => manager.setIdleTimeout(req.params['service'] ?? '', body?.timeout, 'the request body field `timeout`'));
      },
    },
  ];
}

async function answer(work: () => unknown): Promise<RouteResponse> {
  try {
    return { status: 200, json: await work() };
  } catch (err) {
    if (!isHearthError(err)) throw err;
    const status = err.code === 'HEARTH_ERR_NOT_FOUND' ? 404 : err.code === 'HEARTH_ERR_INVALID_INPUT' || err.code === 'HEARTH_ERR_POWER' ? 400 : err.code === 'HEARTH_ERR_TIMEOUT' ? 504 : 502;
    return { status, json: { error: { code: err.code, message: err.message } } };
  }
}
