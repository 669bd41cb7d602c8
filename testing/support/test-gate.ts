// An ApprovalGate a test decides: it files each request, tells waiters, and
// resolves when the test approves or denies it, or when its deadline passes.
import type { ApprovalDecision, ApprovalGate, ApprovalRequestInput } from '../../agent/tools/approval-gate.js';

export interface FiledRequest {
  readonly id: string;
  readonly input: ApprovalRequestInput;
  readonly expiresAt: string;
}

export interface TestGate {
  readonly gate: ApprovalGate;
  readonly requests: FiledRequest[];
  readonly outcomes: { id: string; ok: boolean; summary: string }[];
  nextRequest(): Promise<FiledRequest>;
  approve(id: string): void;
  deny(id: string, reason: string): void;
}

export function createTestGate(options: { ttlMs: number }): TestGate {
  const requests: FiledRequest[] = [];
  const outcomes: TestGate['outcomes'] = [];
  const deciders = new Map<string, (d: ApprovalDecision) => void>();
  const waiters: ((r: FiledRequest) => void)[] = [];
  let seq = 0;
  const at = () => new Date().toISOString();
  return {
    requests,
    outcomes,
    gate: {
      request(input, { signal, onPending }) {
        seq += 1;
        const id = `apr-${seq}`;
        const filed = { id, input, expiresAt: new Date(Date.now() + options.ttlMs).toISOString() };
        requests.push(filed);
        return new Promise<ApprovalDecision>((resolve, reject) => {
          const timer = setTimeout(() => decide({ kind: 'expired', at: at(), requestId: id }), options.ttlMs);
          const decide = (d: ApprovalDecision) => {
            clearTimeout(timer);
            deciders.delete(id);
            resolve(d);
          };
          deciders.set(id, decide);
          signal.addEventListener('abort', () => { clearTimeout(timer); deciders.delete(id); reject(new Error('aborted')); }, { once: true });
          onPending?.({ id, expiresAt: filed.expiresAt });
          waiters.shift()?.(filed);
        });
      },
      async recordOutcome(id, outcome) {
        outcomes.push({ id, ...outcome });
      },
    },
    nextRequest() {
      const open = requests.find((r) => deciders.has(r.id));
      if (open !== undefined) return Promise.resolve(open);
      return new Promise((resolve) => waiters.push(resolve));
    },
    approve(id) {
      deciders.get(id)?.({ kind: 'approved', by: 'tester', at: at(), requestId: id });
    },
    deny(id, reason) {
      deciders.get(id)?.({ kind: 'denied', by: 'tester', at: at(), requestId: id, reason });
    },
  };
}
