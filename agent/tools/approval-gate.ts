// The contract between the tool pipeline and the approvals store: a sensitive
// call waits here until a person approves, denies or edits it, or its deadline
// passes (a denial). The store (agent/twin/approvals/) persists requests and
// keeps the audit log; the pipeline only asks and waits.
import type { ToolCaller } from './tool.js';

export interface ApprovalRequestInput {
  readonly tool: string;
  readonly args: unknown;
  readonly caller: ToolCaller;
  /** Text a person reads beside the arguments (a playbook's --check --diff), already capped. */
  readonly preview?: string;
}

export type ApprovalDecision =
  | { readonly kind: 'approved'; readonly by: string; readonly at: string; readonly requestId: string }
  /** Approved with arguments a person changed; the pipeline validates them again before running. */
  | { readonly kind: 'edited'; readonly by: string; readonly at: string; readonly requestId: string; readonly args: unknown }
  | { readonly kind: 'denied'; readonly by: string; readonly at: string; readonly requestId: string; readonly reason: string }
  | { readonly kind: 'expired'; readonly at: string; readonly requestId: string };

export interface ApprovalGate {
  /**
   * Files the request (persisted before this resolves `pending`), then resolves the decision.
   * `onPending` sees the request id and deadline as soon as it is filed, so callers can show it.
   */
  request(
    input: ApprovalRequestInput,
    options: { signal: AbortSignal; onPending?: (pending: { id: string; expiresAt: string }) => void },
  ): Promise<ApprovalDecision>;
  /** Appends the outcome of an approved call (its result or error) to the audit log. */
  recordOutcome(requestId: string, outcome: { ok: boolean; summary: string }): Promise<void>;
}

export type ApprovalStatus = 'pending' | 'approved' | 'edited' | 'denied' | 'expired';

/** One approval request as stored, listed by GET /api/v1/approvals and shown by Mission Control. */
export interface ApprovalRecord {
  readonly id: string;
  readonly tool: string;
  readonly args: unknown;
  readonly preview?: string;
  readonly caller: ToolCaller;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /** Why it was denied, or the edited arguments' note. */
  readonly reason?: string;
  /** Arguments a person edited before approving. */
  readonly editedArgs?: unknown;
  /** What the approved call did, once it ran. */
  readonly outcome?: { readonly ok: boolean; readonly summary: string };
}
