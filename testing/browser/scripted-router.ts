// The models behind the twin in the browser tests: scripted OpenAI-compatible
// servers (testing/support/fake-openai.ts) registered in the simulator's
// Consul as experts (prima-api-router, prima-api-code). Answers depend on the
// question:
//   "threshold"  -> a sensitive power.set_idle_threshold call (15m), then "Done."
//   "wake"       -> marks this expert awake in the power stand-in and answers
//                   after a second and a half, as after a cold start
//   anything     -> "You said: <question>. Here is a streamed answer." word by word
import type { FakeOpenAi, FakeReply } from '../support/fake-openai.js';

interface ChatMessage { role: string; content?: string | null }

export function scriptRouter(router: FakeOpenAi, hooks: { onWake: () => void; wordMs: number }): void {
  router.fallback((body): FakeReply => {
    const messages = (body['messages'] as ChatMessage[] | undefined) ?? [];
    const last = messages.at(-1);
    if (last?.role === 'tool') return { kind: 'text', chunks: ['Done', ': ', 'the tool ', 'answered.'], delayMs: hooks.wordMs };
    const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    if (/threshold/i.test(question)) {
      return { kind: 'tool-calls', calls: [{ name: 'power.set_idle_threshold', arguments: JSON.stringify({ service: 'prima-api-code', duration: '15m' }) }] };
    }
    const waking = /wake/i.test(question);
    if (waking) hooks.onWake();
    const words = `You said: ${question}. Here is a streamed answer from the expert.`.split(/(?<= )/);
    return { kind: 'text', chunks: words, delayMs: hooks.wordMs, firstDelayMs: waking ? 1500 : hooks.wordMs };
  });
}
