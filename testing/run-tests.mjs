#!/usr/bin/env node
// Runs ava over the compiled tests (all of them, or the files/globs given),
// streams its TAP output, and ends with the one line CI reads:
// "N passed, N failed[, N skipped]", counted from ava's own TAP summary.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const avaCli = join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const args = [avaCli, '--tap', ...process.argv.slice(2)];

const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
let tail = '';
let okLines = 0;
let notOkLines = 0;
let skipLines = 0;
let pending = '';

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) countLine(line);
});

function countLine(line) {
  if (/^ok \d+/.test(line)) {
    if (/# SKIP/i.test(line)) skipLines += 1;
    else okLines += 1;
  } else if (/^not ok \d+/.test(line)) {
    if (/# TODO/i.test(line)) skipLines += 1;
    else notOkLines += 1;
  }
  if (/^# (pass|fail|skip|todo) \d+/.test(line)) tail += line + '\n';
}

child.on('close', (code, signal) => {
  if (pending !== '') countLine(pending);
  const read = (name) => {
    const match = new RegExp(`^# ${name} (\\d+)`, 'm').exec(tail);
    return match ? Number(match[1]) : undefined;
  };
  const passed = read('pass') ?? okLines;
  const skipped = (read('skip') ?? skipLines) + (read('todo') ?? 0);
  let failed = read('fail') ?? notOkLines;
  // ava exits non-zero on uncaught errors and timeouts that are not counted as a failed test.
  if ((code !== 0 || signal !== null) && failed === 0) failed = 1;
  const summary = `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
  process.stdout.write('\n' + summary + '\n');
  process.exit(failed > 0 ? 1 : 0);
});
