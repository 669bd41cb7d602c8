// Routes whose real handlers are built at their first request. The declared
// routes (method, path, auth) are served from the start; the first request to
// any of them runs `build` once (which imports the heavy parts, a protocol
// SDK for one) and every request is handed to the built route with the same
// method and path. An agent nobody calls on these routes never loads them.
import { HearthError } from '../errors.js';
import type { Route } from './route.js';

export type DeclaredRoute = Pick<Route, 'method' | 'path' | 'auth'>;

export function deferredRoutes(declared: readonly DeclaredRoute[], build: () => Promise<readonly Route[]>): Route[] {
  let built: Promise<readonly Route[]> | undefined;
  return declared.map((route) => ({
    ...route,
    handler: async (req) => {
      // A build that failed is tried again at the next request.
      built ??= build().catch((err: unknown) => {
        built = undefined;
        throw err;
      });
      const real = (await built).find((r) => r.method === route.method && r.path === route.path);
      if (real === undefined) throw new HearthError('HEARTH_ERR_INTERNAL', `The deferred route ${route.method} ${route.path} was not built.`, { details: { method: route.method, path: route.path } });
      return await real.handler(req);
    },
  }));
}
