// Nomad's event broker: a bounded buffer of published events for `index=`
// replay, and subscribers that each get only what their topic filters match.
import type { StreamEvent } from '../../../agent/nomad/types.js';

export interface TopicFilter {
  /** Topic name or "*" → keys ("*" for all). */
  readonly topics: ReadonlyMap<string, ReadonlySet<string>>;
  /** Namespace to match, or "*" for all. */
  readonly namespace: string;
}

/** An event serialized once at publish time, so replays show the object as it was then. */
export interface PublishedEvent {
  readonly event: Pick<StreamEvent, 'Topic' | 'Key' | 'Namespace'> & { FilterKeys: string[] | null };
  readonly json: string;
}

export interface EventSubscriber {
  readonly filter: TopicFilter;
  /** `events` are JSON texts of StreamEvent objects. */
  deliver(index: number, events: readonly string[]): void;
}

export interface EventBroker {
  publish(index: number, events: StreamEvent[]): void;
  /** Replays buffered events from `fromIndex` (when > 0), then delivers live ones; returns the unsubscribe. */
  subscribe(subscriber: EventSubscriber, fromIndex: number): () => void;
  subscriberCount(): number;
}

export function matchesFilter(filter: TopicFilter, event: PublishedEvent['event']): boolean {
  if (filter.namespace !== '*' && event.Namespace !== '' && event.Namespace !== filter.namespace && event.Topic !== 'Node') return false;
  const keys = filter.topics.get(event.Topic) ?? filter.topics.get('*');
  if (keys === undefined) return false;
  if (keys.has('*')) return true;
  if (keys.has(event.Key)) return true;
  return (event.FilterKeys ?? []).some((k) => keys.has(k));
}

export function createEventBroker(capacity = 4096): EventBroker {
  const buffer: Array<{ index: number; events: PublishedEvent[] }> = [];
  const subscribers = new Set<EventSubscriber>();
  const send = (sub: EventSubscriber, index: number, events: readonly PublishedEvent[]): void => {
    const matched = events.filter((e) => matchesFilter(sub.filter, e.event)).map((e) => e.json);
    if (matched.length > 0) sub.deliver(index, matched);
  };
  return {
    publish(index, raw) {
      const events = raw.map((e) => ({ event: { Topic: e.Topic, Key: e.Key, Namespace: e.Namespace, FilterKeys: e.FilterKeys ?? null }, json: JSON.stringify(e) }));
      buffer.push({ index, events });
      if (buffer.length > capacity) buffer.splice(0, buffer.length - capacity);
      for (const sub of subscribers) send(sub, index, events);
    },
    subscribe(subscriber, fromIndex) {
      if (fromIndex > 0) for (const item of buffer) if (item.index >= fromIndex) send(subscriber, item.index, item.events);
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    subscriberCount: () => subscribers.size,
  };
}
