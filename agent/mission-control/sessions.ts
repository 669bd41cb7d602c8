// Signed-in pages: the API token is exchanged once for a random session id
// kept in an HttpOnly, SameSite=Strict cookie. Each session carries its own
// CSRF value, which the page reads from GET /api/v1/session (same-origin only)
// and sends back in `x-hearth-csrf` on every request that changes anything.
// Sessions live in memory: an agent restart signs every page out.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal, RequestAuthenticator } from '../http-api/route.js';

export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'x-hearth-csrf';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly createdAt: number;
  expiresAt: number;
}

export interface SessionStoreOptions {
  /** How long a session lasts without use. */
  readonly ttlMs: number;
  readonly now?: () => number;
  /** Most sessions kept at once; the oldest goes first. */
  readonly maxSessions?: number;
}

export interface SessionStore {
  create(): Session;
  /** The live session named by the request's cookie, renewed; undefined when none. */
  fromRequest(req: IncomingMessage): Session | undefined;
  remove(id: string): void;
  /** Principal for the API server: a session only when the cookie is valid and, for changes, the CSRF header matches. */
  readonly authenticate: RequestAuthenticator;
  size(): number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The value of one cookie from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  const max = options.maxSessions ?? 1000;
  const sessions = new Map<string, Session>();

  function live(id: string | undefined): Session | undefined {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const session = sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= now()) {
      sessions.delete(id);
      return undefined;
    }
    session.expiresAt = now() + options.ttlMs;
    return session;
  }

  function fromRequest(req: IncomingMessage): Session | undefined {
    return live(readCookie(req.headers.cookie, SESSION_COOKIE));
  }

  return {
    create() {
      while (sessions.size >= max) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      const session: Session = {
        id: randomBytes(32).toString('base64url'),
        csrf: randomBytes(32).toString('base64url'),
        createdAt: now(),
        expiresAt: now() + options.ttlMs,
      };
      sessions.set(session.id, session);
      return session;
    },
    fromRequest,
    remove: (id) => void sessions.delete(id),
    authenticate(req): Principal {
      const session = fromRequest(req);
      if (session === undefined) return { kind: 'anonymous' };
      if (!SAFE_METHODS.has(req.method ?? 'GET')) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, session.csrf)) return { kind: 'anonymous' };
      }
      return { kind: 'session', sessionId: session.id };
    },
    size: () => sessions.size,
  };
}
