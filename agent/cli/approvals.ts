// hearth approvals list|approve|deny: the sensitive tool calls waiting for a
// person, and the decision on one. `approve --args JSON` approves with edited
// arguments (validated again before the tool runs).
import { parseArgs } from 'node:util';
import { invalidInput } from '../errors.js';
import type { ApprovalRecord } from '../tools/approval-gate.js';
import { EXIT_OK, type CliIo, type CommandModule } from './command.js';
import { callTwin, resolveAgentTarget } from './twin-client.js';

const COMMON = { json: { type: 'boolean', default: false }, agent: { type: 'string' }, config: { type: 'string' } } as const;

function table(records: readonly ApprovalRecord[]): string {
  if (records.length === 0) return '(no approval requests)\n';
  const rows = [['ID', 'STATUS', 'TOOL', 'ARGS', 'ASKED BY', 'EXPIRES / DECIDED']];
  for (const r of records) {
    const caller = r.caller.kind === 'twin' ? `conversation ${r.caller.conversationId.slice(0, 8)}` : r.caller.kind;
    rows.push([r.id, r.status, r.tool, JSON.stringify(r.editedArgs ?? r.args).slice(0, 60), caller, r.status === 'pending' ? r.expiresAt : `${r.decidedAt ?? ''} ${r.decidedBy ?? ''}`.trim()]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}

export const listCommand: CommandModule = {
  async run(args, io: CliIo) {
    const { values, positionals } = parseArgs({ args, options: { ...COMMON, all: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw invalidInput('arguments', 'none', positionals.join(' '), 'the command line');
    const target = resolveAgentTarget(values, io);
    const { approvals } = (await callTwin(target, 'GET', `/api/v1/approvals${values.all ? '' : '?status=pending'}`)) as { approvals: ApprovalRecord[] };
    io.stdout.write(values.json ? JSON.stringify(approvals, null, 2) + '\n' : table(approvals));
    return EXIT_OK;
  },
};

function decide(kind: 'approve' | 'deny'): CommandModule {
  return {
    async run(args, io) {
      const options = kind === 'approve' ? { ...COMMON, args: { type: 'string' as const } } : { ...COMMON, reason: { type: 'string' as const } };
      const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true }) as { values: { json: boolean; agent?: string; config?: string; args?: string; reason?: string }; positionals: string[] };
      if (positionals.length !== 1) throw invalidInput('<id>', 'one approval request id', positionals.join(' '), 'the command line');
      let body: Record<string, unknown> = { decision: kind };
      if (kind === 'deny' && values.reason !== undefined) body = { ...body, reason: values.reason };
      if (kind === 'approve' && values.args !== undefined) {
        try {
          body = { decision: 'edit', args: JSON.parse(values.args) as unknown };
        } catch {
          throw invalidInput('--args', 'the edited arguments as a JSON object', values.args, 'the command line');
        }
      }
      const target = resolveAgentTarget(values, io);
      const record = (await callTwin(target, 'POST', `/api/v1/approvals/${encodeURIComponent(positionals[0]!)}`, body)) as ApprovalRecord;
      io.stdout.write(values.json ? JSON.stringify(record, null, 2) + '\n' : `${record.id} ${record.status}${record.decidedBy === undefined ? '' : ` by ${record.decidedBy}`}\n`);
      return EXIT_OK;
    },
  };
}

export const approveCommand = decide('approve');
export const denyCommand = decide('deny');
