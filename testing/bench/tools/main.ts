// Benchmarks of the cluster tools. Not a timed test: prints the machine,
// figures and ratios against baselines measured in the same run.
//   npm run bench -- tools [--runs N] [--skip-sandbox] [--skip-mcp]
// 1. Sandbox start to first line of Python output (bubblewrap vs bare python3).
// 2. An MCP tools/call through /mcp vs the same call through the pipeline in process.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { BWRAP } from '../../../agent/tools/sandbox/bubblewrap.js';
import { describeMachine } from '../jobs/machine.js';
import { benchMcpCall } from './mcp-call.js';
import { benchSandboxStart } from './sandbox-start.js';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '30' }, 'skip-sandbox': { type: 'boolean', default: false }, 'skip-mcp': { type: 'boolean', default: false } }, strict: true });
  const runs = Math.max(5, Number(values.runs));
  process.stdout.write(`${describeMachine()}\n`);
  if (!values['skip-sandbox']) {
    if (existsSync(BWRAP)) await benchSandboxStart(runs);
    else process.stdout.write(`sandbox start: skipped, ${BWRAP} is not installed\n`);
  }
  if (!values['skip-mcp']) await benchMcpCall(runs * 10);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run(process.argv.slice(2));
}
