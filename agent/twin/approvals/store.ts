// The approvals store behind the ApprovalGate: every request is persisted
// (atomically, under state.dir) before it is shown, waits for a person's
// decision until its deadline (no decision = denied), and every request,
// decision and outcome is appended to the audit log. A pending request
// survives a restart: it can still be decided, or it expires.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HearthError, describeValue } from '../../errors.js';
import type { Logger } from '../../log.js';
import { openJsonStore, type JsonStore } from '../../state/json-store.js';
import type { ApprovalDecision, ApprovalGate, ApprovalRecord, ApprovalStatus } from '../../tools/approval-gate.js';
import { createAuditLog, type AuditLog } from './audit-log.js';

export type DecisionInput = { decision: 'approve' } | { decision: 'deny'; reason?: string } | { decision: 'edit'; args: unknown; reason?: string };

export interface ApprovalStore extends ApprovalGate {
  list(filter?: 'pending' | 'decided'): ApprovalRecord[];
  get(id: string): ApprovalRecord | undefined;
  /** Decides a pending request; an unknown id, or one already decided or expired, is refused and changes nothing. */
  decide(id: string, input: DecisionInput, by: string): Promise<ApprovalRecord>;
  readonly audit: AuditLog;
  stop(): void;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ApprovalStoreDeps {
  readonly dir: string;
  readonly deadlineMs: number;
  readonly log: Logger;
  /** Sees every record when it is filed and when it changes (the event bus). */
  readonly onChange?: (record: ApprovalRecord) => void;
  readonly timers?: Timers;
}

const recordSchema = z
  .object({
    id: z.string(),
    tool: z.string(),
    args: z.unknown(),
    preview: z.string().optional(),
    caller: z.record(z.unknown()),
    requestedAt: z.string(),
    expiresAt: z.string(),
    status: z.enum(['pending', 'approved', 'edited', 'denied', 'expired']),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
    reason: z.string().optional(),
    editedArgs: z.unknown().optional(),
    outcome: z.object({ ok: z.boolean(), summary: z.string() }).strict().optional(),
  })
  .strict();
const documentSchema = z.object({ requests: z.array(recordSchema) }).strict();

/** Decided requests kept in the store (the audit log keeps all of them). */
const KEEP_DECIDED = 500;

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export async function openApprovalStore(deps: ApprovalStoreDeps): Promise<ApprovalStore> {
  const timers = deps.timers ?? realTimers;
  const store: JsonStore<z.infer<typeof documentSchema>> = await openJsonStore({
    dir: deps.dir,
    file: 'twin-approvals.json',
    version: 1,
    schema: documentSchema,
    empty: () => ({ requests: [] }),
  });
  const audit = createAuditLog(`${deps.dir}/twin-approvals-audit.jsonl`);
  const waiters = new Map<string, (decision: ApprovalDecision) => void>();
  const expiryTimers = new Map<string, unknown>();
  let stopped = false;

  const records = (): ApprovalRecord[] => store.read().requests as ApprovalRecord[];
  const find = (id: string) => records().find((r) => r.id === id);
  const iso = () => new Date(timers.now()).toISOString();

  const toDecision = (record: ApprovalRecord): ApprovalDecision => {
    const at = record.decidedAt ?? iso();
    const by = record.decidedBy ?? 'unknown';
    switch (record.status) {
      case 'approved':
        return { kind: 'approved', by, at, requestId: record.id };
      case 'edited':
        return { kind: 'edited', by, at, requestId: record.id, args: record.editedArgs };
      case 'denied':
        return { kind: 'denied', by, at, requestId: record.id, reason: record.reason ?? '' };
      default:
        return { kind: 'expired', at, requestId: record.id };
    }
  };

  async function settle(id: string, status: Exclude<ApprovalStatus, 'pending'>, fields: { by?: string; reason?: string; editedArgs?: unknown }): Promise<ApprovalRecord> {
    const at = iso();
    const updated = await store.update((draft) => {
      const record = draft.requests.find((r) => r.id === id);
      if (record === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `No approval request ${JSON.stringify(id)}.`, { details: { id } });
      if (record.status !== 'pending') {
        throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Approval request ${id} was already ${record.status}${record.decidedAt === undefined ? '' : ` at ${record.decidedAt}`}; nothing changed.`, {
          details: { id, status: record.status, conflict: true },
        });
      }
      if (status !== 'expired' && Date.parse(record.expiresAt) <= timers.now()) {
        record.status = 'expired';
        record.decidedAt = at;
        return { expiredInstead: true, record: { ...record } };
      }
      record.status = status;
      record.decidedAt = at;
      if (fields.by !== undefined) record.decidedBy = fields.by;
      if (fields.reason !== undefined) record.reason = fields.reason;
      if (fields.editedArgs !== undefined) record.editedArgs = fields.editedArgs;
      const decided = draft.requests.filter((r) => r.status !== 'pending');
      if (decided.length > KEEP_DECIDED) {
        const drop = new Set(decided.slice(0, decided.length - KEEP_DECIDED).map((r) => r.id));
        draft.requests = draft.requests.filter((r) => !drop.has(r.id));
      }
      return { expiredInstead: false, record: { ...record } };
    });
    const record = updated.record as ApprovalRecord;
    const timer = expiryTimers.get(id);
    if (timer !== undefined) timers.clearTimeout(timer);
    expiryTimers.delete(id);
    await audit.append({
      kind: 'decided',
      at,
      id,
      status: record.status,
      ...(record.decidedBy === undefined ? {} : { by: record.decidedBy }),
      ...(record.reason === undefined ? {} : { reason: record.reason }),
      ...(record.editedArgs === undefined ? {} : { editedArgs: record.editedArgs }),
    });
    deps.log.info({ approvalId: id, status: record.status, by: record.decidedBy }, 'approval decided');
    deps.onChange?.(record);
    waiters.get(id)?.(toDecision(record));
    waiters.delete(id);
    if (updated.expiredInstead) {
      throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Approval request ${id} expired at ${record.expiresAt} before the decision arrived; it counts as denied and nothing ran.`, {
        details: { id, status: 'expired', conflict: true },
      });
    }
    return record;
  }

  const expire = (id: string) => {
    expiryTimers.delete(id);
    if (stopped) return;
    settle(id, 'expired', {}).catch((err: unknown) => {
      if (!(err instanceof HearthError && err.details['conflict'] === true)) deps.log.error({ err, approvalId: id }, 'approval expiry not recorded');
    });
  };
  const arm = (record: ApprovalRecord) => {
    const ms = Math.max(0, Date.parse(record.expiresAt) - timers.now());
    expiryTimers.set(record.id, timers.setTimeout(() => expire(record.id), ms));
  };

  // Requests still pending from before a restart: expired ones now, the rest keep their deadline.
  for (const record of records()) if (record.status === 'pending') arm(record);

  return {
    audit,
    list(filter) {
      const all = records();
      const picked = filter === undefined ? all : all.filter((r) => (filter === 'pending' ? r.status === 'pending' : r.status !== 'pending'));
      return picked.reverse();
    },
    get: (id) => find(id),
    async request(input, options) {
      const now = timers.now();
      const record: ApprovalRecord = {
        id: randomUUID(),
        tool: input.tool,
        args: input.args,
        ...(input.preview === undefined ? {} : { preview: input.preview }),
        caller: input.caller,
        requestedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + deps.deadlineMs).toISOString(),
        status: 'pending',
      };
      await store.update((draft) => {
        draft.requests.push(record as z.infer<typeof recordSchema>);
      });
      await audit.append({ kind: 'requested', at: record.requestedAt, id: record.id, tool: record.tool, args: record.args, caller: record.caller, expiresAt: record.expiresAt });
      deps.log.info({ approvalId: record.id, tool: record.tool }, 'approval requested');
      const decided = new Promise<ApprovalDecision>((resolve) => waiters.set(record.id, resolve));
      arm(record);
      deps.onChange?.(record);
      options.onPending?.({ id: record.id, expiresAt: record.expiresAt });
      const onAbort = () => {
        // The asker went away (barge-in, client gone): the request is denied so it cannot run later.
        settle(record.id, 'denied', { by: 'hearth', reason: 'the conversation turn that asked was cancelled' }).catch(() => undefined);
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await decided;
      } finally {
        options.signal.removeEventListener('abort', onAbort);
      }
    },
    async recordOutcome(requestId, outcome) {
      await store.update((draft) => {
        const record = draft.requests.find((r) => r.id === requestId);
        if (record !== undefined) record.outcome = { ok: outcome.ok, summary: outcome.summary.slice(0, 2000) };
      });
      await audit.append({ kind: 'outcome', at: iso(), id: requestId, ok: outcome.ok, summary: outcome.summary.slice(0, 2000) });
      const record = find(requestId);
      if (record !== undefined) deps.onChange?.(record);
    },
    decide(id, input, by) {
      switch (input.decision) {
        case 'approve':
          return settle(id, 'approved', { by });
        case 'deny':
          return settle(id, 'denied', { by, reason: input.reason ?? '' });
        case 'edit':
          return settle(id, 'edited', { by, editedArgs: input.args, ...(input.reason === undefined ? {} : { reason: input.reason }) });
        default:
          throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a decision of approve, deny or edit, got ${describeValue((input as { decision: unknown }).decision)}.`);
      }
    },
    stop() {
      stopped = true;
      for (const handle of expiryTimers.values()) timers.clearTimeout(handle);
      expiryTimers.clear();
    },
  };
}
