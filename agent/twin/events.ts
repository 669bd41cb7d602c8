// A conversation turn is a stream of typed events. The HTTP stream (SSE), the
// WebSocket of Mission Control and `hearth chat` all render this one union;
// nothing else defines what a turn says.

export interface ColdStartPhase {
  /** e.g. 'scale-requested', 'allocation-running', 'healthy', 'first-byte'. */
  readonly name: string;
  readonly ms: number;
}

export type TurnEvent =
  | { readonly type: 'turn-started'; readonly conversationId: string; readonly turnId: string; readonly at: string }
  | { readonly type: 'routed'; readonly turnId: string; readonly expert: string; readonly stage: 'first-stage' | 'router-model' | 'direct'; readonly reason: string; readonly decisionMs: number }
  | { readonly type: 'wake'; readonly turnId: string; readonly expert: string; readonly state: 'waking' | 'awake' | 'failed'; readonly phases: readonly ColdStartPhase[] }
  | { readonly type: 'delta'; readonly turnId: string; readonly text: string }
  | { readonly type: 'tool-call'; readonly turnId: string; readonly callId: string; readonly tool: string; readonly args: unknown }
  | { readonly type: 'approval-requested'; readonly turnId: string; readonly callId: string; readonly approvalId: string; readonly tool: string; readonly args: unknown; readonly expiresAt: string }
  | { readonly type: 'approval-decided'; readonly turnId: string; readonly callId: string; readonly approvalId: string; readonly decision: 'approved' | 'edited' | 'denied' | 'expired'; readonly by?: string }
  | { readonly type: 'tool-progress'; readonly turnId: string; readonly callId: string; readonly message: string }
  | { readonly type: 'tool-result'; readonly turnId: string; readonly callId: string; readonly tool: string; readonly ok: boolean; readonly text: string }
  | { readonly type: 'fallback'; readonly turnId: string; readonly from: string; readonly to: string; readonly reason: string }
  | { readonly type: 'error'; readonly turnId: string; readonly code: string; readonly message: string }
  | {
      readonly type: 'done';
      readonly turnId: string;
      readonly expert: string;
      readonly text: string;
      /** 'complete', or 'interrupted' when a newer message (barge-in) or the client cut it short. */
      readonly finish: 'complete' | 'interrupted' | 'error';
      readonly timings: { readonly firstTokenMs?: number; readonly totalMs: number; readonly tokens?: number; readonly tokensPerSecond?: number };
    };

export type TurnEventType = TurnEvent['type'];
