// ansible.run_playbook: runs one of hearth's playbooks (or one from the
// configured allow-list) with validated extra variables. The approval request
// carries its `--check --diff` preview, so a person approves what will
// change; the run's output is streamed line by line as progress.
import { dirname } from 'node:path';
import { z } from 'zod';
import type { HearthConfig } from '../config/schema.js';
import { resolvePlaybook } from './ansible/playbook-path.js';
import { runLines, type LinesOutcome } from './ansible/run-lines.js';
import type { Tool, ToolContext } from './tool.js';

export type AnsibleToolConfig = HearthConfig['tools']['ansible'];

export interface AnsibleDeps {
  readonly config: AnsibleToolConfig;
  /** Directories playbooks may come from (config.playbookDirs, else the repository's ansible/). */
  readonly playbookDirs: readonly string[];
  /** The inventory passed with -i. */
  readonly inventory: string;
}

/** Values are plain data: a Jinja expression in one would be evaluated by ansible, so none is accepted. */
const varValue = z.union([
  z.string().max(4096).refine((v) => !/\{\{|\{%|\{#/.test(v), { message: 'expected plain text, not a Jinja template ({{ }}, {% %}, {# #})' }),
  z.number().finite(),
  z.boolean(),
]);

const input = z
  .object({
    playbook: z.string().max(256),
    /** Extra variables; names of ansible's own connection and privilege variables are refused. */
    extraVars: z
      .record(
        z.string().regex(/^(?!ansible_)[a-z_][a-z0-9_]{0,63}$/, { message: 'expected a lowercase variable name not starting with ansible_' }),
        varValue,
      )
      .refine((vars) => Object.keys(vars).length <= 64, { message: 'expected at most 64 extra variables' })
      .default({}),
    /** An inventory host or group name to limit the run to. */
    limit: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'expected one host or group name' }).optional(),
  })
  .strict();

export type AnsibleInput = z.infer<typeof input>;

async function argvFor(args: AnsibleInput, deps: AnsibleDeps, check: boolean): Promise<{ file: string; argv: string[] }> {
  const file = await resolvePlaybook(args.playbook, deps.playbookDirs);
  const argv = ['-i', deps.inventory, file, '--extra-vars', JSON.stringify(args.extraVars)];
  if (args.limit !== undefined) argv.push('--limit', args.limit);
  if (check) argv.push('--check', '--diff');
  return { file, argv };
}

async function play(args: AnsibleInput, deps: AnsibleDeps, ctx: ToolContext, check: boolean, onLine?: (line: string) => void): Promise<LinesOutcome> {
  const { file, argv } = await argvFor(args, deps, check);
  return await runLines(deps.config.command, argv, {
    cwd: dirname(file),
    env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_RETRY_FILES_ENABLED: '0', PY_COLORS: '0' },
    signal: ctx.signal,
    timeoutMs: deps.config.timeout,
    outputLimit: deps.config.outputLimit,
    ...(onLine === undefined ? {} : { onLine }),
  });
}

export const ansibleRunPlaybook: Tool<typeof input, AnsibleDeps> = {
  name: 'ansible.run_playbook',
  description: 'Run one of the cluster\'s Ansible playbooks (a relative path inside the allowed playbook directories) with extra variables (plain values only), optionally limited to one host or group. A person approves it after reading its --check --diff preview.',
  input,
  sensitive: true,
  timeoutMs: 86_400_000,
  outputLimit: 64_000,
  async preview(args, deps, ctx) {
    const outcome = await play(args, deps, ctx, true);
    return `ansible-playbook --check --diff (exit code ${outcome.exitCode ?? 'none'}):\n${outcome.output}`;
  },
  async run(args, deps, ctx) {
    const outcome = await play(args, deps, ctx, false, (line) => { if (line.trim() !== '') ctx.progress(line); });
    const status = outcome.timedOut ? 'timed out' : `exit code ${outcome.exitCode ?? 'none'}`;
    return { text: `ansible-playbook ${args.playbook}: ${status}\n${outcome.output}`, data: { playbook: args.playbook, ...outcome }, isError: outcome.exitCode !== 0 };
  },
};
