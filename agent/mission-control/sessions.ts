// Signed-in pages: the API token is exchanged once for a random session id
// kept in an HttpOnly, SameSite=Strict cookie. Each session carries its own
// CSRF value, which the page reads from GET /api/v1/session (same-origin only)
// and sends back in `x-hearth-csrf` on every request that changes anything.
// Sessions are kept by the SHA-256 of their id, so the file they are saved
// to (to survive a restart) holds no cookie value.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal, RequestAuthenticator } from '../http-api/route.js';

export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'x-hearth-csrf';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Session {
  /** SHA-256 of the cookie value (hex); the value itself is only in the cookie. */
  readonly key: string;
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
  /** Sessions saved before (a restart); expired ones are dropped. */
  readonly initial?: readonly Session[];
  /** Called after a session is created or removed, with every live session (to save them). */
  readonly onChange?: (sessions: readonly Session[]) => void;
}

export interface SessionStore {
  /** A new session and the cookie value naming it. */
  create(): { session: Session; cookie: string };
  /** The live session named by the request's cookie, renewed; undefined when none. */
  fromRequest(req: IncomingMessage): Session | undefined;
  remove(key: string): void;
  /** Principal for the API server: a session only when the cookie is valid and, for changes, the CSRF header matches. */
  readonly authenticate: RequestAuthenticator;
  size(): number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const keyOf = (cookie: string): string => digest(cookie).toString('hex');

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
  for (const session of options.initial ?? []) if (session.expiresAt > now()) sessions.set(session.key, { ...session });
  const changed = () => options.onChange?.([...sessions.values()]);

  function live(cookie: string | undefined): Session | undefined {
    if (cookie === undefined || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const key = keyOf(cookie);
    const session = sessions.get(key);
    if (session === undefined) return undefined;
    if (session.expiresAt <= now()) {
      sessions.delete(key);
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
      const cookie = randomBytes(32).toString('base64url');
      const session: Session = { key: keyOf(cookie), csrf: randomBytes(32).toString('base64url'), createdAt: now(), expiresAt: now() + options.ttlMs };
      sessions.set(session.key, session);
      changed();
      return { session, cookie };
    },
    fromRequest,
    remove(key) {
      if (sessions.delete(key)) changed();
    },
    authenticate(req): Principal {
      const session = fromRequest(req);
      if (session === undefined) return { kind: 'anonymous' };
      if (!SAFE_METHODS.has(req.method ?? 'GET')) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, session.csrf)) return { kind: 'anonymous' };
      }
      return { kind: 'session', sessionId: session.key };
    },
    size: () => sessions.size,
  };
}
