// Small tools for pipeline tests: `test.echo` (not sensitive) returns its
// text; `test.record` (sensitive) records that it ran, so a test can prove a
// denied call ran nothing.
import { z } from 'zod';
import type { Tool } from '../../agent/tools/tool.js';

const echoInput = z.object({ text: z.string().max(1000) }).strict();

export const echoTool: Tool<typeof echoInput, undefined> = {
  name: 'test.echo',
  description: 'Returns its text.',
  input: echoInput,
  sensitive: false,
  timeoutMs: 5000,
  outputLimit: 2000,
  async run(args) {
    return { text: `echo: ${args.text}` };
  },
};

const recordInput = z.object({ note: z.string().max(100) }).strict();

export const recordTool: Tool<typeof recordInput, { runs: string[] }> = {
  name: 'test.record',
  description: 'Records that it ran.',
  input: recordInput,
  sensitive: true,
  timeoutMs: 5000,
  outputLimit: 2000,
  async run(args, deps) {
    deps.runs.push(args.note);
    return { text: `recorded ${args.note}` };
  },
};
