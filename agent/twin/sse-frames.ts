// Reads the twin's server-sent events (`event: type` / `data: {json}` frames)
// back into TurnEvents: the CLI, the A2A gateway and the tests all read a turn
// this one way.
import type { TurnEvent } from './events.js';

/** Yields one TurnEvent per complete frame; a frame without data is skipped. */
export async function* readTurnEvents(stream: AsyncIterable<string | Uint8Array>): AsyncIterable<TurnEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const frame = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (data !== undefined) yield JSON.parse(data.slice(6)) as TurnEvent;
    }
  }
}
