// /api/v1/session: sign in with the API token (answered with the session
// cookie and the CSRF value), read what the page may do, sign out.
import type { IncomingMessage } from 'node:http';
import type { Route } from '../http-api/route.js';
import { createTokenCheck } from '../http-api/token-check.js';
import { clearedSessionCookie, sessionCookie, type SessionStore } from './sessions.js';

export interface SessionRouteDeps {
  readonly sessions: SessionStore;
  readonly token: string | undefined;
  readonly ttlMs: number;
}

const unauthorized = (message: string, status = 401) => ({ status, json: { error: { code: 'HEARTH_ERR_UNAUTHORIZED', message } } });

/** The page's view of its session: whether a token exists, whether it is signed in, and its CSRF value. */
export function describeSession(deps: Pick<SessionRouteDeps, 'sessions' | 'token'>, req: IncomingMessage): { tokenConfigured: boolean; signedIn: boolean; csrf?: string } {
  const session = deps.sessions.fromRequest(req);
  return { tokenConfigured: deps.token !== undefined, signedIn: session !== undefined, ...(session === undefined ? {} : { csrf: session.csrf }) };
}

export function createSessionRoutes(deps: SessionRouteDeps): Route[] {
  const checkToken = createTokenCheck(deps.token);
  return [
    {
      method: 'GET',
      path: '/api/v1/session',
      auth: 'none',
      handler: (req) => ({ status: 200, json: describeSession(deps, req.raw) }),
    },
    {
      method: 'POST',
      path: '/api/v1/session',
      auth: 'none',
      handler: (req) => {
        const token = (req.body as { token?: unknown } | undefined)?.token;
        if (typeof token !== 'string' || token === '' || token.length > 4096 || /\s/.test(token)) {
          const got = typeof token === 'string' ? `a string of ${token.length} characters` : typeof token;
          return { status: 400, json: { error: { code: 'HEARTH_ERR_INVALID_INPUT', message: `Expected the request body field \`token\` to be the agent's API token (a non-empty string without spaces), got ${got}.` } } };
        }
        const verdict = checkToken(`Bearer ${token}`);
        if (verdict === 'not-configured') return unauthorized('This agent has no API token configured (api.token or HEARTH_API_TOKEN), so nobody can sign in: the page is read-only.', 403);
        if (verdict !== 'ok') return unauthorized('That is not the agent\'s API token.');
        const { session, cookie } = deps.sessions.create();
        return {
          status: 200,
          json: { tokenConfigured: true, signedIn: true, csrf: session.csrf },
          headers: { 'set-cookie': sessionCookie(cookie, Math.floor(deps.ttlMs / 1000)) },
        };
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/session',
      auth: 'token',
      handler: (req) => {
        if (req.principal.kind === 'session') deps.sessions.remove(req.principal.sessionId);
        return { status: 200, json: { tokenConfigured: deps.token !== undefined, signedIn: false }, headers: { 'set-cookie': clearedSessionCookie() } };
      },
    },
  ];
}
