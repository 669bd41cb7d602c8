// The shapes the page reads from the agent: the WebSocket's messages and the
// REST answers. They mirror agent/mission-control/cluster-view.ts,
// agent/daemon/event-bus.ts, agent/twin/events.ts and agent/tools/approval-gate.ts.

export interface NodeRow { id: string; name: string; address: string; status: string; eligibility: string; drain: boolean; datacenter: string }
export interface JobGroup { name: string; running: number; queued: number; starting: number; failed: number }
export interface JobRow { id: string; type: string; status: string; stop: boolean; groups: JobGroup[] }
export interface AgentRow { id: string; node: string; address: string; port: number; version: string; health: string }
export interface ExpertRow { name: string; id: string; node: string; address: string; port: number; health: string; tags: string[] }
export interface ClusterSnapshot { nodes: NodeRow[]; jobs: JobRow[]; agents: AgentRow[]; errors: Record<string, string> }

export interface ColdStart { startedAt: string; trigger: string; phasesMs: Partial<Record<string, number>>; error?: string }
export interface PowerService {
  service: string; jobId: string; group: string; powerGroup: string; address: string; port: number;
  state: 'awake' | 'sleeping' | 'waking'; idleForMs: number; idleTimeoutMs: number; idleTimeoutSource: string;
  wakeCount?: number; heldConnections: number; lastColdStart?: ColdStart;
}

export interface ColdStartPhase { name: string; ms: number }
export type TurnEvent =
  | { type: 'turn-started'; conversationId: string; turnId: string; at: string }
  | { type: 'routed'; turnId: string; expert: string; stage: string; reason: string; decisionMs: number }
  | { type: 'wake'; turnId: string; expert: string; state: 'waking' | 'awake' | 'failed'; phases: ColdStartPhase[] }
  | { type: 'delta'; turnId: string; text: string }
  | { type: 'tool-call'; turnId: string; callId: string; tool: string; args: unknown }
  | { type: 'approval-requested'; turnId: string; callId: string; approvalId: string; tool: string; args: unknown; expiresAt: string }
  | { type: 'approval-decided'; turnId: string; callId: string; approvalId: string; decision: string; by?: string }
  | { type: 'tool-progress'; turnId: string; callId: string; message: string }
  | { type: 'tool-result'; turnId: string; callId: string; tool: string; ok: boolean; text: string }
  | { type: 'fallback'; turnId: string; from: string; to: string; reason: string }
  | { type: 'error'; turnId: string; code: string; message: string }
  | { type: 'done'; turnId: string; expert: string; text: string; finish: string; timings: { firstTokenMs?: number; totalMs: number; tokens?: number } };

export type ApprovalStatus = 'pending' | 'approved' | 'edited' | 'denied' | 'expired';
export interface ApprovalRecord {
  id: string; tool: string; args: unknown; preview?: string;
  caller: unknown; requestedAt: string; expiresAt: string; status: ApprovalStatus;
  decidedBy?: string; decidedAt?: string; reason?: string; editedArgs?: unknown;
  outcome?: { ok: boolean; summary: string };
}

export type BusEvent =
  | { topic: 'turn'; conversationId: string; event: TurnEvent }
  | { topic: 'conversation'; conversationId: string; change: 'created' | 'deleted' }
  | { topic: 'approval'; approval: ApprovalRecord }
  | { topic: 'memory'; change: 'added' | 'cleared' | 'loaded' }
  | { topic: 'experts'; experts: ExpertRow[] }
  | { topic: 'power'; service: string; status: PowerService };

export type ClusterChange =
  | { part: 'nodes'; nodes: NodeRow[] }
  | { part: 'jobs'; jobs: JobRow[] }
  | { part: 'agents'; agents: AgentRow[] }
  | { part: 'errors'; errors: Record<string, string> };

export type ServerMessage =
  | { type: 'hello'; node: string; signedIn: boolean; cluster: ClusterSnapshot; experts: ExpertRow[] }
  | { type: 'cluster'; change: ClusterChange }
  | { type: 'bus'; event: BusEvent };

export interface SessionInfo { tokenConfigured: boolean; signedIn: boolean; csrf?: string }
export interface ConversationSummary { id: string; title?: string; createdAt?: string; updatedAt?: string }
export interface MemoryTurn { role: string; text: string; at?: string; conversationId?: string }
export interface LongTermMemory { id: string; text: string; score?: number; createdAt?: string }
