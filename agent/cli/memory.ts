// hearth memory save|load|clear: the twin's memory file, through the local
// agent. `save FILE` writes it atomically; `load FILE` shows what would
// change (--dry-run) or replaces the memory with the file's; `clear` forgets
// short-term memory (one conversation with --conversation), and with
// --long-term the kept facts too.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HearthError, invalidInput } from '../errors.js';
import { replaceFileAtomically } from '../state/atomic-file.js';
import { EXIT_OK, type CommandModule } from './command.js';
import { callTwin, resolveAgentTarget } from './twin-client.js';

const COMMON = { json: { type: 'boolean', default: false }, agent: { type: 'string' }, config: { type: 'string' } } as const;

export const saveCommand: CommandModule = {
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: COMMON, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw invalidInput('<file>', 'one file path to write', positionals.join(' '), 'the command line');
    const target = resolveAgentTarget(values, io);
    const file = await callTwin(target, 'GET', '/api/v1/memory/export');
    const path = resolve(io.cwd, positionals[0]!);
    await replaceFileAtomically(path, JSON.stringify(file, null, 2) + '\n');
    const summary = { file: path, conversations: file.conversations.length, memories: file.memories.length };
    io.stdout.write(values.json ? JSON.stringify(summary) + '\n' : `saved ${summary.conversations} conversation(s) and ${summary.memories} memories to ${path}\n`);
    return EXIT_OK;
  },
};

export const loadCommand: CommandModule = {
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ...COMMON, 'dry-run': { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw invalidInput('<file>', 'one memory file to load', positionals.join(' '), 'the command line');
    const path = resolve(io.cwd, positionals[0]!);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected ${path} to be a hearth memory file (JSON): ${(err as Error).message}. Nothing was loaded.`, { cause: err, details: { path } });
    }
    const target = resolveAgentTarget(values, io);
    const summary = await callTwin(target, 'POST', `/api/v1/memory/import${values['dry-run'] ? '?dryRun=1' : ''}`, parsed);
    io.stdout.write(
      values.json
        ? JSON.stringify(summary) + '\n'
        : `${summary.dryRun ? 'would replace' : 'replaced'} ${summary.replaces.conversations} conversation(s), ${summary.replaces.turns} turn(s), ${summary.replaces.memories} memories with ${summary.loads.conversations} conversation(s), ${summary.loads.turns} turn(s), ${summary.loads.memories} memories from ${path}\n`,
    );
    return EXIT_OK;
  },
};

export const clearCommand: CommandModule = {
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ...COMMON, conversation: { type: 'string' }, 'long-term': { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw invalidInput('arguments', 'none', positionals.join(' '), 'the command line');
    const target = resolveAgentTarget(values, io);
    const query = values.conversation === undefined ? '' : `?conversation=${encodeURIComponent(values.conversation)}`;
    const short = (await callTwin(target, 'DELETE', `/api/v1/memory/short-term${query}`)) as { removed: number };
    const long = values['long-term'] ? ((await callTwin(target, 'DELETE', '/api/v1/memory/long-term')) as { removed: number }) : undefined;
    const summary = { shortTermRemoved: short.removed, ...(long === undefined ? {} : { longTermRemoved: long.removed }) };
    io.stdout.write(values.json ? JSON.stringify(summary) + '\n' : `forgot ${short.removed} short-term turn(s)${long === undefined ? '' : ` and ${long.removed} long-term memories`}\n`);
    return EXIT_OK;
  },
};
