// A stand-in for the twin behind the A2A gateway's TwinPort: answers with a
// scripted turn (routed, then the answer in deltas, then done), names the
// expert when one was picked, and for a question containing "slowly" waits
// between deltas until its signal aborts, so cancellation can be shown.
import type { AskOptions, TwinPort } from '../../agent/a2a/twin-port.js';
import type { TurnEvent } from '../../agent/twin/events.js';

export interface StandInTwin extends TwinPort {
  readonly asked: { text: string; conversationId: string; expert?: string }[];
  /** Resolves once a question's signal aborted. */
  readonly aborted: Promise<void>;
}

export function createStandInTwin(experts: string[] = ['code', 'ops']): StandInTwin {
  const asked: StandInTwin['asked'] = [];
  let markAborted: () => void = () => {};
  const aborted = new Promise<void>((resolve) => { markAborted = resolve; });
  return {
    asked,
    aborted,
    experts: () => experts.map((name) => ({ name, description: `The ${name} expert.` })),
    async *ask(text: string, options: AskOptions): AsyncIterable<TurnEvent> {
      asked.push({ text, conversationId: options.conversationId, ...(options.expert === undefined ? {} : { expert: options.expert }) });
      const turnId = `turn-${asked.length}`;
      const expert = options.expert ?? 'ops';
      yield { type: 'turn-started', conversationId: options.conversationId, turnId, at: new Date().toISOString() };
      yield { type: 'routed', turnId, expert, stage: options.expert === undefined ? 'first-stage' : 'direct', reason: 'stand-in', decisionMs: 1 };
      const words = ['The', ' answer', ' from', ` ${expert}.`];
      for (const word of words) {
        if (text.includes('slowly')) {
          await new Promise<void>((resolve) => {
            if (options.signal.aborted) return resolve();
            options.signal.addEventListener('abort', () => resolve(), { once: true });
          });
          if (options.signal.aborted) {
            markAborted();
            return;
          }
        }
        yield { type: 'delta', turnId, text: word };
      }
      yield { type: 'done', turnId, expert, text: words.join(''), finish: 'complete', timings: { totalMs: 5 } };
    },
  };
}
