// `GET /v1/event/stream`: NDJSON frames, `{}` heartbeats, topic filters and
// replay from `index`. Everything is released when the client goes away.
import { SimHttpError, type Handler } from '../http.js';
import type { EventBroker, TopicFilter } from './events.js';

export function parseTopics(values: readonly string[]): Map<string, Set<string>> {
  const topics = new Map<string, Set<string>>();
  if (values.length === 0) topics.set('*', new Set(['*']));
  for (const v of values) {
    const at = v.indexOf(':');
    const topic = at === -1 ? v : v.slice(0, at);
    const key = at === -1 ? '*' : v.slice(at + 1);
    if (topic === '') throw new SimHttpError(400, `Invalid topic query: ${v}`);
    let set = topics.get(topic);
    if (set === undefined) {
      set = new Set();
      topics.set(topic, set);
    }
    set.add(key === '' ? '*' : key);
  }
  return topics;
}

export function createEventStreamHandler(deps: { broker: EventBroker; heartbeatMs: number }): Handler {
  return (req) => {
    const indexText = req.query.get('index') ?? '0';
    if (!/^\d+$/.test(indexText)) throw new SimHttpError(400, 'Unable to parse index');
    const ns = req.query.get('namespace');
    const filter: TopicFilter = { topics: parseTopics(req.query.getAll('topic')), namespace: ns === null || ns === '' ? 'default' : ns };
    const res = req.res;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    const writeLine = (obj: unknown): void => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(obj)}\n`);
    };
    writeLine({});
    const unsubscribe = deps.broker.subscribe({
      filter,
      deliver: (index: number, events: readonly string[]) => {
        if (!res.writableEnded && !res.destroyed) res.write(`{"Index":${index},"Events":[${events.join(',')}]}\n`);
      },
    }, Number(indexText));
    const heartbeat = setInterval(() => writeLine({}), deps.heartbeatMs);
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    res.on('close', close);
    req.signal.addEventListener('abort', close, { once: true });
    return { kind: 'handled' };
  };
}
