// Authenticated node join. An operator (or the pxe_server role) asks for a
// one-time join token bound to a hostname and MAC; the token goes into that
// node's preseed. The installer trades it, early in the install, for an
// enrolment key only it knows (the token is burnt at once, so a copy read from
// the preseed later is useless); at the end of the install it presents the key
// and the node joins: it is written to the inventory and provisioned.
import { randomUUID } from 'node:crypto';
import { HearthError } from '../errors.js';
import type { Logger } from '../log.js';
import { generateSecret, hashSecret, matchesHash } from './secret.js';
import type { FailureLimiter } from './rate-limit.js';
import type { JoinStateStore, NodeRecord, TokenRecord } from './state.js';
import type { InventoryWriter } from './inventory.js';
import type { Provisioner } from './provisioner.js';
import { parseHostname, parseMac, parseToken, parseTtl } from './validate.js';
import { compareNames } from '../util/compare-names.js';

/** How long the installer has, after trading its token, to finish the install and complete the join. */
export const ENROLL_KEY_TTL_MS = 6 * 3_600_000;

export type NodeStatus = 'pending' | 'expired' | 'installing' | 'joined';

export interface NodeView {
  readonly hostname: string;
  readonly mac: string;
  readonly status: NodeStatus;
  readonly since: string;
  readonly expiresAt?: string;
  readonly provision?: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly hostname: string;
  readonly mac: string;
  readonly expiresAt: string;
}

export interface TokenRequest {
  readonly hostname: unknown;
  readonly mac: unknown;
  readonly ttl?: unknown;
  readonly reinstall?: unknown;
}

export interface JoinAttempt {
  readonly token: unknown;
  readonly hostname: unknown;
  readonly mac: unknown;
  readonly client: string;
}

export interface CompleteAttempt {
  readonly enrollKey: unknown;
  readonly hostname: unknown;
  readonly mac: unknown;
  readonly client: string;
}

export interface JoinService {
  issueToken(request: TokenRequest, source: string): Promise<IssuedToken>;
  enroll(attempt: JoinAttempt): Promise<{ hostname: string; mac: string; enrollKey: string }>;
  complete(attempt: CompleteAttempt): Promise<{ hostname: string; mac: string }>;
  /** True when the MAC holds an unused, unexpired token: the only case in which its boot script installs. */
  mayInstall(mac: unknown): boolean;
  listNodes(): NodeView[];
}

export interface JoinServiceDeps {
  readonly store: JoinStateStore;
  readonly inventory: InventoryWriter;
  readonly provisioner: Pick<Provisioner, 'enqueue'>;
  readonly limiter: FailureLimiter;
  readonly defaultTtlMs: number;
  readonly now: () => number;
  readonly log: Logger;
}

/** A refusal: 401 for a token that does not authenticate, 403 for one bound to another node, 429 when rate-limited. */
export function joinRefused(status: 401 | 403 | 409 | 429, message: string, reason: string): HearthError {
  return new HearthError('HEARTH_ERR_JOIN', message, { details: { status, reason } });
}

function findToken(tokens: readonly TokenRecord[], secret: string): TokenRecord | undefined {
  let found: TokenRecord | undefined;
  // Every record is compared so the time taken does not say where (or whether) a match was.
  for (const record of tokens) {
    if (matchesHash(secret, record.hash)) found = record;
  }
  return found;
}

export function createJoinService(deps: JoinServiceDeps): JoinService {
  const log = deps.log.child({ module: 'join' });
  const iso = (ms: number) => new Date(ms).toISOString();

  function refuse(client: string, status: 401 | 403, reason: string, fields: Record<string, unknown> = {}): never {
    deps.limiter.recordFailure(client);
    log.warn({ client, reason, ...fields }, 'join refused');
    throw joinRefused(status, status === 401 ? 'The join credential is unknown, expired or already used.' : 'The join credential belongs to another node.', reason);
  }

  function guard(client: string): void {
    if (deps.limiter.isBlocked(client)) {
      log.warn({ client }, 'join refused: too many failed attempts');
      throw joinRefused(429, 'Too many failed join attempts from this address; try again later.', 'rate-limited');
    }
  }

  /** Shape checks; a malformed request counts as a failed attempt too. */
  function parseAttempt(client: string, run: () => { hostname: string; mac: string; secret: string }) {
    try {
      return run();
    } catch (err) {
      deps.limiter.recordFailure(client);
      throw err;
    }
  }

  return {
    async issueToken(request, source) {
      const hostname = parseHostname(request.hostname, source);
      const mac = parseMac(request.mac, source);
      const ttlMs = request.ttl === undefined ? deps.defaultTtlMs : parseTtl(request.ttl, source);
      if (request.reinstall !== undefined && typeof request.reinstall !== 'boolean') {
        throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected true or false for \`reinstall\` (from ${source}).`);
      }
      const token = generateSecret();
      const now = deps.now();
      const issued = await deps.store.update((state) => {
        const existing = state.nodes.find((n) => n.mac === mac || n.hostname === hostname);
        if (existing !== undefined && !(request.reinstall === true && existing.mac === mac && existing.hostname === hostname)) {
          throw joinRefused(409, `The node ${existing.hostname} (${existing.mac}) has already joined; ask with reinstall: true to install it again.`, 'already-joined');
        }
        state.nodes = state.nodes.filter((n) => n !== existing);
        // A new token supersedes any earlier unused one for the same node.
        state.tokens = state.tokens.filter((t) => t.usedAt !== undefined || (t.mac !== mac && t.hostname !== hostname));
        state.tokens.push({ id: randomUUID(), hash: hashSecret(token), hostname, mac, createdAt: iso(now), expiresAt: iso(now + ttlMs) });
        return { token, hostname, mac, expiresAt: iso(now + ttlMs) };
      });
      log.info({ hostname, mac, expiresAt: issued.expiresAt }, 'join token issued');
      return issued;
    },

    async enroll(attempt) {
      guard(attempt.client);
      const { hostname, mac, secret } = parseAttempt(attempt.client, () => ({
        secret: parseToken(attempt.token, 'token', 'the join request'),
        hostname: parseHostname(attempt.hostname, 'the join request'),
        mac: parseMac(attempt.mac, 'the join request'),
      }));
      const now = deps.now();
      const enrollKey = generateSecret();
      await deps.store.update((state) => {
        const record = findToken(state.tokens, secret);
        if (record === undefined) refuse(attempt.client, 401, 'unknown-token', { hostname, mac });
        if (record.usedAt !== undefined) refuse(attempt.client, 401, 'token-reused', { hostname, mac });
        if (Date.parse(record.expiresAt) <= now) refuse(attempt.client, 401, 'token-expired', { hostname, mac });
        if (record.mac !== mac || record.hostname !== hostname) refuse(attempt.client, 403, 'token-bound-elsewhere', { hostname, mac });
        record.usedAt = iso(now);
        const node: NodeRecord = {
          hostname,
          mac,
          status: 'installing',
          enrolledAt: iso(now),
          enrollKeyHash: hashSecret(enrollKey),
          enrollKeyExpiresAt: iso(now + ENROLL_KEY_TTL_MS),
        };
        state.nodes = [...state.nodes.filter((n) => n.mac !== mac), node];
      });
      log.info({ hostname, mac, client: attempt.client }, 'join token accepted');
      return { hostname, mac, enrollKey };
    },

    async complete(attempt) {
      guard(attempt.client);
      const { hostname, mac, secret } = parseAttempt(attempt.client, () => ({
        secret: parseToken(attempt.enrollKey, 'enrollKey', 'the join completion'),
        hostname: parseHostname(attempt.hostname, 'the join completion'),
        mac: parseMac(attempt.mac, 'the join completion'),
      }));
      const now = deps.now();
      const joined = await deps.store.update((state) => {
        const node = state.nodes.find((n) => n.status === 'installing' && n.enrollKeyHash !== undefined && matchesHash(secret, n.enrollKeyHash));
        if (node === undefined) refuse(attempt.client, 401, 'unknown-enroll-key', { hostname, mac });
        if (Date.parse(node.enrollKeyExpiresAt ?? '') <= now) refuse(attempt.client, 401, 'enroll-key-expired', { hostname, mac });
        if (node.mac !== mac || node.hostname !== hostname) refuse(attempt.client, 403, 'enroll-key-bound-elsewhere', { hostname, mac });
        node.status = 'joined';
        node.joinedAt = iso(now);
        node.provision = 'queued';
        delete node.enrollKeyHash;
        delete node.enrollKeyExpiresAt;
        const ipv4 = attempt.client.replace(/^::ffff:/, '');
        if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ipv4)) node.address = ipv4;
        return { ...node };
      });
      await deps.inventory.addWorker({ hostname, mac, address: joined.address });
      deps.provisioner.enqueue(hostname, joined.address);
      log.info({ hostname, mac }, 'node joined');
      return { hostname, mac };
    },

    mayInstall(value) {
      let mac: string;
      try {
        mac = parseMac(value, 'the boot request');
      } catch {
        return false;
      }
      const now = deps.now();
      return deps.store.read().tokens.some((t) => t.mac === mac && t.usedAt === undefined && Date.parse(t.expiresAt) > now);
    },

    listNodes() {
      const state = deps.store.read();
      const now = deps.now();
      const joinedMacs = new Set(state.nodes.map((n) => n.mac));
      const pending: NodeView[] = state.tokens
        .filter((t) => t.usedAt === undefined && !joinedMacs.has(t.mac))
        .map((t) => ({
          hostname: t.hostname,
          mac: t.mac,
          status: Date.parse(t.expiresAt) > now ? 'pending' : 'expired',
          since: t.createdAt,
          expiresAt: t.expiresAt,
        }));
      const nodes: NodeView[] = state.nodes.map((n) => ({
        hostname: n.hostname,
        mac: n.mac,
        status: n.status,
        since: n.joinedAt ?? n.enrolledAt,
        ...(n.provision === undefined ? {} : { provision: n.provision }),
      }));
      return [...pending, ...nodes].sort((a, b) => compareNames(a.hostname, b.hostname));
    },
  };
}
