// The `data:` payloads of a server-sent event stream, parsed per network read.
// This is the twin's streaming hot path: llama-server writes one event per
// token, and a generic SSE decoder (the `openai` package's: a line decoder,
// an event object and an async generator step per event) costs more per
// token than a small CPU model's own work; the benchmark showed the relay at
// 67% of direct tokens/s with it (testing/bench/RESULTS.md, 2026-12-06).
// The model client (model-client.ts) hands each read of the body here, and
// each read yields every complete payload it carried, synchronously.
export interface SseDataReader {
  /** Every complete `data:` payload in this piece of the body, in order ("[DONE]" included). */
  push(bytes: Uint8Array): string[];
  /** What a body that ended without a final blank line left over. */
  end(): string[];
}

export function createSseDataReader(): SseDataReader {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string | undefined;

  const take = (text: string, out: string[]) => {
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data !== undefined) out.push(data);
        data = undefined;
      } else if (line.startsWith('data:')) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
        // Several data lines of one event join with a newline (the SSE rule).
        data = data === undefined ? value : `${data}\n${value}`;
      }
      // `event:`, `id:`, `retry:` and comments carry nothing the twin reads.
    }
    pending = text.slice(start);
  };

  return {
    push(bytes) {
      const out: string[] = [];
      take(pending + decoder.decode(bytes, { stream: true }), out);
      return out;
    },
    end() {
      const out: string[] = [];
      take(`${pending}${decoder.decode()}\n\n`, out);
      return out;
    },
  };
}
