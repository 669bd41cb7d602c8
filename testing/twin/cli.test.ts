// hearth chat, approvals and memory against a running twin (the API server on
// loopback, scripted experts), with the token from HEARTH_API_TOKEN.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import { repoPath } from '../../agent/util/paths.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { startTwinHarness, TEST_TOKEN } from '../support/twin-harness.js';
import type { CliIo } from '../../agent/cli/command.js';
import { run as chat } from '../../agent/cli/chat.js';
import { approveCommand, listCommand } from '../../agent/cli/approvals.js';
import { clearCommand, loadCommand, saveCommand } from '../../agent/cli/memory.js';

function io(cwd = process.cwd()) {
  let out = '';
  let err = '';
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _e, done) => (write(String(chunk)), done()) });
  const value: CliIo = { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: { HEARTH_API_TOKEN: TEST_TOKEN }, cwd, interrupted: new Promise(() => undefined) };
  return { io: value, out: () => out, err: () => err };
}

async function setup() {
  const router = await startFakeOpenAi();
  const code = await startFakeOpenAi();
  const twin = await startTwinHarness({ experts: [{ name: 'prima-api-router', address: '127.0.0.1', port: router.port }, { name: 'prima-api-code', address: '127.0.0.1', port: code.port }] });
  return { router, code, twin, close: async () => void (await Promise.all([twin.close(), router.close(), code.close()])) };
}

test('chat -m streams the answer to stdout and what happened around it to stderr', async (t) => {
  const { code, twin, close } = await setup();
  t.teardown(close);
  code.script({ kind: 'text', chunks: ['print', '("hi")'] });
  const cli = io();
  t.is(await chat(['-m', 'write a python script', '--agent', twin.url], cli.io), 0);
  t.is(cli.out(), 'print("hi")\n');
  t.regex(cli.err(), /\[prima-api-code · keywords · keywords: python, script/);
  t.regex(cli.err(), /\[complete · prima-api-code · first token \d+ ms/);
});

test('chat --json prints one TurnEvent per line', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  router.script({ kind: 'text', chunks: ['Hello'] });
  const cli = io();
  t.is(await chat(['-m', 'hi', '--json', '--agent', twin.url], cli.io), 0);
  const events = cli.out().trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  t.deepEqual(events.map((e) => e.type), ['turn-started', 'delta', 'routed', 'done']);
});

test('approvals list and approve decide a waiting call from the command line', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  router.script({ kind: 'tool-calls', calls: [{ name: 'mcp.clear_short_term_memory', arguments: '{}' }] }, { kind: 'text', chunks: ['ok'] });
  const id = await twin.createConversation();
  let approvalId = '';
  let seen!: () => void;
  const requested = new Promise<void>((r) => (seen = r));
  const turn = twin.sendMessage(id, 'forget', { onEvent: (e) => e.type === 'approval-requested' && ((approvalId = e.approvalId), seen()) });
  await requested;
  const list = io();
  t.is(await listCommand.run(['--agent', twin.url], list.io), 0);
  t.regex(list.out(), new RegExp(`${approvalId}\\s+pending\\s+mcp.clear_short_term_memory`));
  const approve = io();
  t.is(await approveCommand.run([approvalId, '--agent', twin.url], approve.io), 0);
  t.is(approve.out(), `${approvalId} approved by api token\n`);
  await turn;
  const again = io();
  await t.throwsAsync(approveCommand.run([approvalId, '--agent', twin.url], again.io), { message: /already approved/ });
});

test('memory save, load --dry-run and clear', async (t) => {
  const { twin, close } = await setup();
  t.teardown(close);
  const dir = mkdtempSync(join(tmpdir(), 'hearth-memory-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const id = await twin.createConversation();
  await twin.sendMessage(id, 'I use Debian on every node.');
  const save = io(dir);
  t.is(await saveCommand.run(['saved.json', '--agent', twin.url], save.io), 0);
  t.regex(save.out(), /saved 1 conversation\(s\) and 1 memories/);
  t.is(JSON.parse(readFileSync(join(dir, 'saved.json'), 'utf8')).format, 'hearth-memory');
  const dry = io(dir);
  t.is(await loadCommand.run(['saved.json', '--dry-run', '--agent', twin.url], dry.io), 0);
  t.regex(dry.out(), /^would replace 1 conversation\(s\), 2 turn\(s\), 1 memories with 1 conversation\(s\), 2 turn\(s\), 1 memories/);
  const clear = io(dir);
  t.is(await clearCommand.run(['--long-term', '--agent', twin.url], clear.io), 0);
  t.is(clear.out(), 'forgot 2 short-term turn(s) and 1 long-term memories\n');
  await t.throwsAsync(loadCommand.run(['missing.json', '--agent', twin.url], io(dir).io), { message: /Nothing was loaded/ });
});

test('interactive chat reads questions line by line from stdin and keeps one conversation', async (t) => {
  const { router, twin, close } = await setup();
  t.teardown(close);
  router.script({ kind: 'text', chunks: ['First answer.'] }, { kind: 'text', chunks: ['Second answer.'] });
  const child = spawn(process.execPath, [repoPath('bin', 'hearth.js'), 'chat', '--agent', twin.url], { env: { PATH: process.env['PATH'] ?? '', HEARTH_API_TOKEN: TEST_TOKEN }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdin.end('hello\nand again\n/quit\n');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, err);
  t.is(out, 'First answer.\nSecond answer.\n');
  t.regex(err, /^conversation \S+ — type a question/);
  const conversations = await twin.api('GET', '/api/v1/conversations');
  t.is(conversations.json.conversations.length, 1);
  t.is(conversations.json.conversations[0].turns, 4);
});
