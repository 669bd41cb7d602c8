// GET /v1/event/stream: NDJSON frames, `{}` heartbeats skipped (but counted),
// and a dropped connection resumed from the last index seen, after a backoff with
// full jitter. Frames already seen are never yielded twice. An abort ends the
// iteration cleanly; a 4xx answer (bad topic, ACL) ends it with the error.
import type { Logger } from '../log.js';
import { HearthError, HttpApiError } from '../errors.js';
import { computeBackoffMs, sleep, type BackoffPolicy } from '../http/backoff.js';
import { isAbortError } from '../http/map-error.js';
import type { NomadConnection } from './connection.js';
import { parseNdjson } from './ndjson.js';
import type { EventFrame, EventTopic } from './types.js';

export interface EventStreamOptions {
  /** Topic -> filter keys (Job IDs, ...); an empty list or ["*"] means every key. Unset: every topic. */
  readonly topics?: Partial<Record<EventTopic, readonly string[]>>;
  /** Start from this index (events with a lower index are not sent). */
  readonly index?: number;
  readonly namespace?: string;
  readonly region?: string;
  readonly signal: AbortSignal;
  /** Called on every `{}` heartbeat frame (one on connect, then every 30 s): a stream without any is dead. */
  readonly onHeartbeat?: () => void;
  /** Called when a dropped connection is about to be retried. */
  readonly onReconnect?: (err: unknown, delayMs: number) => void;
  readonly backoff?: BackoffPolicy;
}

export interface EventsApi {
  stream(options: EventStreamOptions): AsyncIterable<EventFrame>;
}

/** `topic=Job:web` query values; a topic without keys means every key. */
export function buildTopicQuery(topics: EventStreamOptions['topics']): string[] | undefined {
  if (topics === undefined) return undefined;
  const values: string[] = [];
  for (const [topic, keys] of Object.entries(topics)) {
    if (keys === undefined || keys.length === 0) values.push(`${topic}:*`);
    else for (const key of keys) values.push(`${topic}:${key}`);
  }
  return values;
}

function isHeartbeat(frame: Partial<EventFrame>): boolean {
  return (frame.Index === undefined || frame.Index === 0) && (frame.Events === undefined || frame.Events.length === 0);
}

export function createEventsApi(conn: NomadConnection, log: Logger): EventsApi {
  return {
    stream(options: EventStreamOptions): AsyncIterable<EventFrame> {
      return { [Symbol.asyncIterator]: () => streamFrames(conn, log, options) };
    },
  };
}

async function* streamFrames(conn: NomadConnection, log: Logger, options: EventStreamOptions): AsyncGenerator<EventFrame> {
  const { signal } = options;
  const topic = buildTopicQuery(options.topics);
  const startIndex = options.index ?? 0;
  // The highest index yielded so far; a resumed stream asks from here and skips what it already gave.
  let lastIndex = startIndex;
  let yielded = false;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const res = await conn.stream(
        '/v1/event/stream',
        {
          signal,
          ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
          ...(options.region === undefined ? {} : { region: options.region }),
        },
        { index: lastIndex > 0 ? lastIndex : undefined, topic },
      );
      try {
        for await (const value of parseNdjson(res.body)) {
          const frame = value as Partial<EventFrame>;
          if (isHeartbeat(frame)) {
            options.onHeartbeat?.();
            continue;
          }
          const index = frame.Index ?? 0;
          if (index < lastIndex || (yielded && index === lastIndex)) continue;
          lastIndex = index;
          yielded = true;
          failures = 0;
          yield { Index: index, Events: frame.Events ?? [] };
        }
      } finally {
        res.close();
      }
      if (signal.aborted) return;
      throw new HearthError('HEARTH_ERR_UNREACHABLE', 'Nomad ended the event stream', { details: { lastIndex } });
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      if (err instanceof HttpApiError && err.status >= 400 && err.status < 500) throw err;
      const delayMs = computeBackoffMs(failures, options.backoff);
      failures += 1;
      if (failures === 1) log.warn({ err, lastIndex }, 'nomad event stream dropped; resuming');
      options.onReconnect?.(err, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

