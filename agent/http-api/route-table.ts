// Matches a request path against the routes' patterns (`/a/:b/c`).
import { HearthError } from '../errors.js';
import type { HttpMethod, Route } from './route.js';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const given = actual[index] ?? '';
    if (part.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(given);
      } catch {
        return undefined;
      }
      params[part.slice(1)] = decoded;
    } else if (part !== given) {
      return undefined;
    }
  }
  return params;
}

export function createRouteTable(routes: readonly Route[]): (method: string, path: string) => RouteMatch {
  const compiled: CompiledRoute[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    const segments = splitPath(route.path);
    const key = `${route.method} /${segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/')}`;
    if (seen.has(key)) throw new HearthError('HEARTH_ERR_INTERNAL', `Two routes claim ${route.method} ${route.path}.`);
    seen.add(key);
    compiled.push({ route, segments });
  }
  // A literal segment beats a parameter: `/x/tokens` is tried before `/x/:id`.
  const paramCount = (entry: CompiledRoute) => entry.segments.filter((s) => s.startsWith(':')).length;
  compiled.sort((a, b) => paramCount(a) - paramCount(b));
  return (method, path) => {
    const actual = splitPath(path);
    const allowed: HttpMethod[] = [];
    for (const entry of compiled) {
      const params = matchSegments(entry.segments, actual);
      if (params === undefined) continue;
      if (entry.route.method === method) return { kind: 'found', route: entry.route, params };
      allowed.push(entry.route.method);
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' };
  };
}
