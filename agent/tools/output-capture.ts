// A bounded text buffer for what a tool's process or page produces: keeps
// the first `limit` characters and counts the rest, so a chatty command can
// never grow the agent's memory.

export interface OutputCapture {
  push(chunk: string | Buffer): void;
  /** The kept text, with a note saying how much was cut when anything was. */
  text(): string;
  readonly truncated: boolean;
  readonly dropped: number;
}

export function createOutputCapture(limit: number): OutputCapture {
  let kept = '';
  let dropped = 0;
  return {
    push(chunk) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const room = limit - kept.length;
      if (room >= text.length) kept += text;
      else {
        if (room > 0) kept += text.slice(0, room);
        dropped += text.length - Math.max(room, 0);
      }
    },
    text() {
      return dropped === 0 ? kept : `${kept}\n[output cut: ${dropped} more characters]`;
    },
    get truncated() { return dropped > 0; },
    get dropped() { return dropped; },
  };
}
