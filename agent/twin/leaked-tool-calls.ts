// Local models often write a tool call into the answer text instead of the
// structured `tool_calls` field: `<tool_call>{...}</tool_call>` (Hermes,
// Qwen), `[TOOL_CALLS] [{...}]` (Mistral), `<|python_tag|>{...}` (Llama 3), or
// the whole answer as one `{"name": ..., "arguments": ...}` object. The guard
// holds back text that may be such a call while it streams, and recovers the
// calls at the end; text that turns out not to be a call is released.

export interface RecoveredCall {
  readonly name: string;
  readonly arguments: string;
}

const MARKERS = ['<tool_call>', '[TOOL_CALLS]', '<|python_tag|>'] as const;

export interface LeakGuard {
  /** Feeds a content delta; returns the text safe to show now. */
  push(text: string): string;
  /** At the end of the stream: the calls found, and the held text that was not a call. */
  end(): { calls: RecoveredCall[]; text: string };
}

export function createLeakGuard(knownTools: ReadonlySet<string>): LeakGuard {
  let shown = '';
  let held = '';
  let capturing = false;
  return {
    push(text) {
      if (capturing) {
        held += text;
        return '';
      }
      held += text;
      // Only a bare JSON object from the very first character may be a whole-answer call.
      if (shown === '' && held.trimStart().startsWith('{')) {
        capturing = true;
        return '';
      }
      for (const marker of MARKERS) {
        const at = held.indexOf(marker);
        if (at >= 0) {
          const before = held.slice(0, at);
          held = held.slice(at);
          capturing = true;
          shown += before;
          return before;
        }
      }
      // Keep back a tail that could be the start of a marker, or leading whitespace before a possible `{`.
      let keep = 0;
      for (const marker of MARKERS) {
        for (let n = Math.min(marker.length - 1, held.length); n > keep; n--) {
          if (held.endsWith(marker.slice(0, n))) {
            keep = n;
            break;
          }
        }
      }
      if (shown === '' && held.trim() === '') keep = held.length;
      const out = held.slice(0, held.length - keep);
      held = held.slice(held.length - keep);
      shown += out;
      return out;
    },
    end() {
      const text = held;
      held = '';
      if (!capturing) return { calls: [], text };
      const calls = recoverCalls(text, knownTools);
      return calls.length > 0 ? { calls, text: '' } : { calls: [], text };
    },
  };
}

/** Finds the tool calls in text written by a model; only names in `knownTools` count. */
export function recoverCalls(text: string, knownTools: ReadonlySet<string>): RecoveredCall[] {
  const objects: unknown[] = [];
  const tagged = [...text.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)];
  if (tagged.length > 0) {
    for (const m of tagged) objects.push(parseJson(m[1]!));
  } else if (text.includes('[TOOL_CALLS]')) {
    const parsed = parseJson(text.slice(text.indexOf('[TOOL_CALLS]') + '[TOOL_CALLS]'.length));
    if (Array.isArray(parsed)) objects.push(...parsed);
    else objects.push(parsed);
  } else if (text.includes('<|python_tag|>')) {
    objects.push(parseJson(text.slice(text.indexOf('<|python_tag|>') + '<|python_tag|>'.length)));
  } else {
    objects.push(parseJson(text));
  }
  const calls: RecoveredCall[] = [];
  for (const object of objects) {
    if (typeof object !== 'object' || object === null) continue;
    const o = object as Record<string, unknown>;
    const fn = (typeof o['function'] === 'object' && o['function'] !== null ? o['function'] : o) as Record<string, unknown>;
    const name = fn['name'];
    const args = fn['arguments'] ?? fn['parameters'] ?? {};
    if (typeof name !== 'string' || !knownTools.has(name)) continue;
    calls.push({ name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
  }
  return calls;
}

function parseJson(text: string): unknown {
  const trimmed = text.trim().replace(/^```(?:json)?\s*/, '').replace(/\s*```$/, '');
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
