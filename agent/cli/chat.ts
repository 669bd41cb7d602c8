// hearth chat: talk to the cluster through the local agent's twin. Without -m
// it is an interactive prompt: answers stream as they are written, and a new
// line typed while an answer streams interrupts it (barge-in). -m "question"
// asks once; --json prints every TurnEvent as one JSON line for scripts.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { invalidInput } from '../errors.js';
import type { TurnEvent } from '../twin/events.js';
import { EXIT_OK, EXIT_UNREACHABLE, type CliIo, type CommandModule } from './command.js';
import { callTwin, resolveAgentTarget, streamTurn, type AgentTarget } from './twin-client.js';

const OPTIONS = {
  message: { type: 'string', short: 'm' },
  conversation: { type: 'string', short: 'c' },
  json: { type: 'boolean', default: false },
  agent: { type: 'string' },
  config: { type: 'string' },
} as const;

/** How a turn's events read in a terminal: the answer on stdout, what happened around it on stderr. */
export function renderEvent(event: TurnEvent, out: (text: string) => void, note: (text: string) => void): void {
  switch (event.type) {
    case 'routed':
      note(`[${event.expert} · ${event.stage === 'first-stage' ? 'keywords' : event.stage} · ${event.reason} · ${event.decisionMs.toFixed(1)} ms]\n`);
      break;
    case 'wake':
      note(
        event.state === 'waking'
          ? `[${event.expert} is asleep; waking it…]\n`
          : `[${event.expert} ${event.state === 'awake' ? 'awake' : 'failed to wake'}${event.phases.length === 0 ? '' : `: ${event.phases.map((p) => `${p.name} ${Math.round(p.ms)} ms`).join(', ')}`}]\n`,
      );
      break;
    case 'delta':
      out(event.text);
      break;
    case 'tool-call':
      note(`\n[tool ${event.tool} ${JSON.stringify(event.args)}]\n`);
      break;
    case 'approval-requested':
      note(`[${event.tool} needs approval: hearth approvals approve ${event.approvalId} (or deny), before ${event.expiresAt}]\n`);
      break;
    case 'approval-decided':
      note(`[approval ${event.decision}${event.by === undefined ? '' : ` by ${event.by}`}]\n`);
      break;
    case 'tool-progress':
      note(`[… ${event.message}]\n`);
      break;
    case 'tool-result':
      note(`[${event.tool} ${event.ok ? 'ok' : 'failed'}: ${event.text.split('\n')[0]?.slice(0, 160) ?? ''}]\n`);
      break;
    case 'fallback':
      note(`[${event.from} could not answer (${event.reason}); ${event.to} answers instead]\n`);
      break;
    case 'error':
      note(`[error ${event.code}: ${event.message}]\n`);
      break;
    case 'done': {
      const t = event.timings;
      out('\n');
      note(`[${event.finish} · ${event.expert}${t.firstTokenMs === undefined ? '' : ` · first token ${Math.round(t.firstTokenMs)} ms`} · ${Math.round(t.totalMs)} ms${t.tokensPerSecond === undefined ? '' : ` · ${t.tokensPerSecond.toFixed(1)} tok/s`}]\n`);
      break;
    }
    case 'turn-started':
      break;
  }
}

async function ask(target: AgentTarget, conversation: string, text: string, json: boolean, io: CliIo, signal: AbortSignal): Promise<TurnEvent | undefined> {
  let done: TurnEvent | undefined;
  for await (const event of streamTurn(target, conversation, text, signal)) {
    if (json) io.stdout.write(JSON.stringify(event) + '\n');
    else renderEvent(event, (s) => io.stdout.write(s), (s) => io.stderr.write(s));
    if (event.type === 'done') done = event;
  }
  return done;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw invalidInput('arguments', 'no positional arguments (use -m "question")', positionals.join(' '), 'the command line');
  if (values.message !== undefined && values.message.trim() === '') throw invalidInput('-m', 'a non-empty question', values.message, 'the command line');
  const target = resolveAgentTarget(values, io);
  const conversation = values.conversation ?? ((await callTwin(target, 'POST', '/api/v1/conversations')) as { id: string }).id;

  if (values.message !== undefined) {
    const controller = new AbortController();
    void io.interrupted.then(() => controller.abort());
    const done = await ask(target, conversation, values.message, values.json, io, controller.signal);
    return done !== undefined && done.type === 'done' && done.finish === 'error' ? EXIT_UNREACHABLE : EXIT_OK;
  }

  if (!values.json) io.stderr.write(`conversation ${conversation} — type a question; a new line while an answer streams interrupts it; Ctrl-D to leave\n`);
  const lines = createInterface({ input: process.stdin, terminal: false });
  let current: { controller: AbortController; finished: Promise<unknown> } | undefined;
  const prompt = () => {
    if (!values.json && process.stdin.isTTY) io.stderr.write('you> ');
  };
  prompt();
  const stopped = io.interrupted.then(() => current?.controller.abort());
  for await (const line of lines) {
    const text = line.trim();
    if (text === '') continue;
    if (text === '/quit' || text === '/exit') break;
    // Barge-in: the server interrupts the turn in flight when this message arrives; stop reading the old one.
    const previous = current;
    const controller = new AbortController();
    const finished = ask(target, conversation, text, values.json, io, controller.signal)
      .catch((err: unknown) => io.stderr.write(`error: ${(err as Error).message}\n`))
      .finally(prompt);
    current = { controller, finished };
    if (previous !== undefined) void previous.finished.then(() => undefined);
    if (!process.stdin.isTTY) await finished;
  }
  await current?.finished;
  void stopped;
  return EXIT_OK;
}

export const chatCommand: CommandModule = { run };
