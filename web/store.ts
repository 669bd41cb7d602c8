// The page's one store: every change arrives as an action (a WebSocket
// message, an HTTP answer, a click) and the reducer makes the next state.
// Views are functions of the state and never keep data of their own.
import type {
  AgentRow, ApprovalRecord, BusEvent, ClusterChange, ConversationSummary, ExpertRow, JobRow, LongTermMemory,
  MemoryTurn, NodeRow, PowerService, ServerMessage, SessionInfo, TurnEvent,
} from './types.js';

export type Connection = { state: 'connecting' } | { state: 'open' } | { state: 'closed'; retryInMs: number; reason: string };

export interface ToolCall { callId: string; tool: string; args: unknown; approvalId?: string; approval?: string; progress?: string; result?: { ok: boolean; text: string } }
export interface TurnView {
  kind: 'turn'; turnId: string; expert?: string; text: string; done: boolean; finish?: string; error?: string;
  wake?: { expert: string; state: string; phases: { name: string; ms: number }[] }; tools: ToolCall[];
}
export type TranscriptEntry = { kind: 'user'; text: string } | TurnView;

export interface LogEntry { seq: number; at: string; conversationId?: string; kind: string; text: string }

export interface ImportSummary { summary: unknown; fileName: string; body: unknown }

export interface State {
  connection: Connection;
  session: SessionInfo | undefined;
  node: string;
  nodes: NodeRow[];
  jobs: JobRow[];
  agents: AgentRow[];
  clusterErrors: Record<string, string>;
  experts: ExpertRow[];
  power: PowerService[];
  powerError?: string;
  conversations: ConversationSummary[];
  currentConversation?: string;
  transcripts: Record<string, TranscriptEntry[]>;
  log: LogEntry[];
  approvals: Record<string, ApprovalRecord>;
  shortTerm: MemoryTurn[];
  longTerm: LongTermMemory[];
  memoryImport?: ImportSummary;
  notice?: { text: string; tone: 'info' | 'error' };
  /** Ticks once a second while something counts down. */
  now: number;
  /**
   * True until the page is live and that frame is painted (or a second after its first rows): long tables
   * then show only their first FIRST_ROWS rows, more than a screen, so a cold load lays out a screenful.
   */
  firstRowsOnly: boolean;
}

/** How many rows of a long table the first paint holds. */
export const FIRST_ROWS = 60;

export type Action =
  | { type: 'socket'; message: ServerMessage }
  | { type: 'connection'; connection: Connection }
  | { type: 'session'; session: SessionInfo }
  | { type: 'power'; services: PowerService[] }
  | { type: 'power-error'; message: string }
  | { type: 'power-service'; status: PowerService }
  | { type: 'conversations'; conversations: ConversationSummary[] }
  | { type: 'open-conversation'; id: string | undefined; transcript?: TranscriptEntry[] }
  | { type: 'user-message'; conversationId: string; text: string }
  | { type: 'approvals'; approvals: ApprovalRecord[] }
  | { type: 'approval'; approval: ApprovalRecord }
  | { type: 'memory'; shortTerm?: MemoryTurn[]; longTerm?: LongTermMemory[] }
  | { type: 'memory-import'; pending: ImportSummary | undefined }
  | { type: 'notice'; notice: State['notice'] }
  | { type: 'tick'; now: number }
  | { type: 'all-rows' };

const LOG_LIMIT = 1000;

export function initialState(now: number): State {
  return {
    connection: { state: 'connecting' }, session: undefined, node: '', nodes: [], jobs: [], agents: [], clusterErrors: {},
    experts: [], power: [], conversations: [], transcripts: {}, log: [], approvals: {}, shortTerm: [], longTerm: [], now, firstRowsOnly: true,
  };
}

let logSeq = 0;
function addLog(state: State, entry: Omit<LogEntry, 'seq' | 'at'> & { at?: string }): LogEntry[] {
  const next = [{ seq: ++logSeq, at: entry.at ?? new Date().toISOString(), ...entry }, ...state.log];
  return next.length > LOG_LIMIT ? next.slice(0, LOG_LIMIT) : next;
}

const short = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function describeTurnEvent(event: TurnEvent): string | undefined {
  switch (event.type) {
    case 'turn-started': return 'turn started';
    case 'routed': return `routed to ${event.expert} (${event.stage}: ${event.reason}, ${event.decisionMs} ms)`;
    case 'wake': return `${event.expert} ${event.state}${event.phases.length > 0 ? `: ${event.phases.map((p) => `${p.name} ${p.ms} ms`).join(', ')}` : ''}`;
    case 'delta': return undefined;
    case 'tool-call': return `tool call ${event.tool} ${short(event.args)}`;
    case 'approval-requested': return `approval requested for ${event.tool}`;
    case 'approval-decided': return `approval ${event.decision}${event.by === undefined ? '' : ` by ${event.by}`}`;
    case 'tool-progress': return `tool progress: ${event.message}`;
    case 'tool-result': return `tool ${event.tool} ${event.ok ? 'succeeded' : 'failed'}: ${short(event.text)}`;
    case 'fallback': return `fell back from ${event.from} to ${event.to}: ${event.reason}`;
    case 'error': return `error ${event.code}: ${event.message}`;
    case 'done': return `answered by ${event.expert} (${event.finish}, ${event.timings.totalMs} ms)`;
  }
}

function updateTurn(entries: TranscriptEntry[], turnId: string, change: (turn: TurnView) => TurnView): TranscriptEntry[] {
  let found = false;
  const next = entries.map((e) => {
    if (e.kind !== 'turn' || e.turnId !== turnId) return e;
    found = true;
    return change(e);
  });
  if (found) return next;
  return [...entries, change({ kind: 'turn', turnId, text: '', done: false, tools: [] })];
}

function updateTool(turn: TurnView, callId: string, change: (call: ToolCall) => ToolCall, seed?: Omit<ToolCall, 'callId'>): TurnView {
  const exists = turn.tools.some((c) => c.callId === callId);
  const tools = exists ? turn.tools.map((c) => (c.callId === callId ? change(c) : c)) : [...turn.tools, change({ callId, tool: '', args: undefined, ...seed })];
  return { ...turn, tools };
}

export function applyTurnEvent(entries: TranscriptEntry[], event: TurnEvent): TranscriptEntry[] {
  switch (event.type) {
    case 'turn-started': return updateTurn(entries, event.turnId, (t) => t);
    case 'routed': return updateTurn(entries, event.turnId, (t) => ({ ...t, expert: event.expert }));
    case 'wake': return updateTurn(entries, event.turnId, (t) => ({ ...t, wake: { expert: event.expert, state: event.state, phases: event.phases } }));
    case 'delta': return updateTurn(entries, event.turnId, (t) => ({ ...t, text: t.text + event.text }));
    case 'tool-call': return updateTurn(entries, event.turnId, (t) => updateTool(t, event.callId, (c) => ({ ...c, tool: event.tool, args: event.args })));
    case 'approval-requested': return updateTurn(entries, event.turnId, (t) => updateTool(t, event.callId, (c) => ({ ...c, tool: event.tool, args: c.args ?? event.args, approvalId: event.approvalId, approval: 'pending' })));
    case 'approval-decided': return updateTurn(entries, event.turnId, (t) => updateTool(t, event.callId, (c) => ({ ...c, approval: event.decision })));
    case 'tool-progress': return updateTurn(entries, event.turnId, (t) => updateTool(t, event.callId, (c) => ({ ...c, progress: event.message })));
    case 'tool-result': return updateTurn(entries, event.turnId, (t) => updateTool(t, event.callId, (c) => ({ ...c, tool: event.tool, result: { ok: event.ok, text: event.text } })));
    case 'fallback': return updateTurn(entries, event.turnId, (t) => ({ ...t, expert: event.to }));
    case 'error': return updateTurn(entries, event.turnId, (t) => ({ ...t, error: event.message }));
    case 'done': return updateTurn(entries, event.turnId, (t) => ({ ...t, done: true, finish: event.finish, expert: event.expert, text: event.text === '' ? t.text : event.text }));
  }
}

function applyBus(state: State, event: BusEvent): State {
  switch (event.topic) {
    case 'turn': {
      const entries = state.transcripts[event.conversationId] ?? [];
      const text = describeTurnEvent(event.event);
      return {
        ...state,
        transcripts: { ...state.transcripts, [event.conversationId]: applyTurnEvent(entries, event.event) },
        log: text === undefined ? state.log : addLog(state, { conversationId: event.conversationId, kind: event.event.type, text }),
      };
    }
    case 'conversation': {
      const conversations = event.change === 'deleted'
        ? state.conversations.filter((c) => c.id !== event.conversationId)
        : state.conversations.some((c) => c.id === event.conversationId) ? state.conversations : [{ id: event.conversationId, createdAt: new Date().toISOString() }, ...state.conversations];
      return { ...state, conversations, log: addLog(state, { conversationId: event.conversationId, kind: `conversation-${event.change}`, text: `conversation ${event.change}` }) };
    }
    case 'approval': {
      const a = event.approval;
      const text = a.status === 'pending' ? `approval requested for ${a.tool}` : `approval for ${a.tool} ${a.status}${a.decidedBy === undefined ? '' : ` by ${a.decidedBy}`}`;
      return { ...state, approvals: { ...state.approvals, [a.id]: a }, log: addLog(state, { kind: `approval-${a.status}`, text }) };
    }
    case 'memory': return { ...state, log: addLog(state, { kind: `memory-${event.change}`, text: `memory ${event.change}` }) };
    case 'experts': return { ...state, experts: event.experts };
    case 'power': return applyPower(state, event.status);
  }
}

function applyPower(state: State, status: PowerService): State {
  const exists = state.power.some((s) => s.service === status.service);
  const power = exists ? state.power.map((s) => (s.service === status.service ? status : s)) : [...state.power, status];
  return { ...state, power };
}

function applyCluster(state: State, change: ClusterChange): State {
  switch (change.part) {
    case 'nodes': return { ...state, nodes: change.nodes };
    case 'jobs': return { ...state, jobs: change.jobs };
    case 'agents': return { ...state, agents: change.agents };
    case 'errors': return { ...state, clusterErrors: change.errors };
  }
}

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'socket': {
      const m = action.message;
      if (m.type === 'hello') return { ...state, node: m.node, nodes: m.cluster.nodes, jobs: m.cluster.jobs, agents: m.cluster.agents, clusterErrors: m.cluster.errors, experts: m.experts };
      if (m.type === 'cluster') return applyCluster(state, m.change);
      return applyBus(state, m.event);
    }
    case 'connection': return { ...state, connection: action.connection };
    case 'session': return { ...state, session: action.session };
    case 'power': {
      const { powerError: _gone, ...rest } = state;
      return { ...rest, power: action.services };
    }
    case 'power-error': return { ...state, powerError: action.message };
    case 'power-service': return applyPower(state, action.status);
    case 'conversations': return { ...state, conversations: action.conversations };
    case 'open-conversation': {
      if (action.id === undefined) {
        const { currentConversation: _gone, ...rest } = state;
        return rest;
      }
      const transcripts = action.transcript === undefined ? state.transcripts : { ...state.transcripts, [action.id]: action.transcript };
      return { ...state, currentConversation: action.id, transcripts };
    }
    case 'user-message': {
      const entries = state.transcripts[action.conversationId] ?? [];
      // A new conversation is named by its first question, as the twin names it.
      const known = state.conversations.some((c) => c.id === action.conversationId);
      const conversations = known
        ? state.conversations.map((c) => (c.id === action.conversationId && (c.title ?? '') === '' ? { ...c, title: action.text.slice(0, 60) } : c))
        : [{ id: action.conversationId, title: action.text.slice(0, 60) }, ...state.conversations];
      return { ...state, conversations, transcripts: { ...state.transcripts, [action.conversationId]: [...entries, { kind: 'user', text: action.text }] } };
    }
    case 'approvals': return { ...state, approvals: Object.fromEntries(action.approvals.map((a) => [a.id, a])) };
    case 'approval': return { ...state, approvals: { ...state.approvals, [action.approval.id]: action.approval } };
    case 'memory': return { ...state, ...(action.shortTerm === undefined ? {} : { shortTerm: action.shortTerm }), ...(action.longTerm === undefined ? {} : { longTerm: action.longTerm }) };
    case 'memory-import': {
      if (action.pending === undefined) {
        const { memoryImport: _gone, ...rest } = state;
        return rest;
      }
      return { ...state, memoryImport: action.pending };
    }
    case 'notice': {
      if (action.notice === undefined) {
        const { notice: _gone, ...rest } = state;
        return rest;
      }
      return { ...state, notice: action.notice };
    }
    case 'tick': return { ...state, now: action.now };
    case 'all-rows': return state.firstRowsOnly ? { ...state, firstRowsOnly: false } : state;
  }
}

export interface Store {
  get(): State;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(initial: State): Store {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      state = reduce(state, action);
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
