// What the A2A gateway needs of the twin, injected when the agent is wired:
// ask a question and read the turn as it happens (agent/twin/events.ts), and
// the experts discovery lists, each offered as a skill.
import type { TurnEvent } from '../twin/events.js';

export interface AskOptions {
  readonly signal: AbortSignal;
  /** The A2A context: one conversation per context id. */
  readonly conversationId: string;
  /** Set when the peer picked an expert's skill: route straight to it. */
  readonly expert?: string;
}

export interface TwinPort {
  ask(text: string, options: AskOptions): AsyncIterable<TurnEvent>;
  experts(): readonly { readonly name: string; readonly description?: string }[];
}
