// The agent's in-process event bus: modules publish what changed (a turn's
// events, an approval, an expert list, a power state) and the WebSocket of
// Mission Control (or anything else) subscribes. Publishing never throws and
// never waits: a listener that fails is logged and kept.
import type { Logger } from '../log.js';
import type { TurnEvent } from '../twin/events.js';
import type { ApprovalRecord } from '../tools/approval-gate.js';

export type BusEvent =
  | { readonly topic: 'turn'; readonly conversationId: string; readonly event: TurnEvent }
  | { readonly topic: 'conversation'; readonly conversationId: string; readonly change: 'created' | 'deleted' }
  | { readonly topic: 'approval'; readonly approval: ApprovalRecord }
  | { readonly topic: 'memory'; readonly change: 'added' | 'cleared' | 'loaded' }
  /** The experts discovery lists now (the same rows as GET /api/v1/experts). */
  | { readonly topic: 'experts'; readonly experts: readonly unknown[] }
  /** A power-managed service changed (the same row as GET /api/v1/power/:service). */
  | { readonly topic: 'power'; readonly service: string; readonly status: unknown };

export type BusTopic = BusEvent['topic'];

export interface EventBus {
  publish(event: BusEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void;
  listenerCount(): number;
}

export function createEventBus(log: Logger): EventBus {
  const listeners = new Set<(event: BusEvent) => void>();
  return {
    publish(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          log.warn({ err, topic: event.topic }, 'event listener failed');
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listenerCount: () => listeners.size,
  };
}
