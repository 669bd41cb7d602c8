// code_runner.run_python_code in the real bubblewrap sandbox: each way out fails safely.
import test from 'ava';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { configSchema } from '../../agent/config/schema.js';
import { runPythonCode, type CodeRunnerDeps } from '../../agent/tools/code-runner.js';
import { BWRAP } from '../../agent/tools/sandbox/bubblewrap.js';
import { testContext } from '../support/tool-context.js';

const missing = existsSync(BWRAP) ? undefined : `${BWRAP} is not installed (apt-get install -y bubblewrap)`;
const it = missing === undefined ? test : test.skip;
if (missing !== undefined) test.skip(`sandbox tests skipped: ${missing}`, () => {});

function deps(extra: Record<string, unknown> = {}): CodeRunnerDeps {
  return { config: configSchema().parse({ tools: { codeRunner: { backend: 'bubblewrap', ...extra } } }).tools.codeRunner };
}

async function run(code: string, extra: Record<string, unknown> = {}) {
  const result = await runPythonCode.run({ code }, deps(extra), testContext());
  return { ...result, data: result.data as { exitCode: number | null; signal: string | null; stdout: string; stderr: string; stopped?: string; ms: number } };
}

it('python runs and its output and exit code come back', async (t) => {
  const result = await run('import sys\nprint(sum(range(10)))\nsys.exit(4)');
  t.is(result.data.stdout, '45\n');
  t.is(result.data.exitCode, 4);
});

it('an endless loop is stopped by the CPU-time limit', async (t) => {
  const result = await run('while True: pass', { cpuSeconds: 1, wallTime: '20s' });
  t.is(result.data.signal, 'SIGKILL');
  t.regex(result.text, /CPU-time limit 1 s/);
});

it('a sleeping program is stopped by the wall-time limit', async (t) => {
  const result = await run('import time\ntime.sleep(60)', { wallTime: '1s' });
  t.is(result.data.stopped, 'wall-time');
  t.true(result.data.ms < 10_000);
});

it('a memory hog gets a MemoryError, not the host\'s memory', async (t) => {
  const result = await run('x = bytearray(1024 * 1024 * 1024)\nprint("allocated")', { memoryMb: 128 });
  t.not(result.data.exitCode, 0);
  t.regex(result.data.stderr, /MemoryError/);
  t.false(result.data.stdout.includes('allocated'));
});

it('a fork bomb hits the process limit and the sandbox ends', async (t) => {
  const code = 'import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            import time; time.sleep(30); os._exit(0)\n        n += 1\nexcept OSError as e:\n    print("refused after", n, type(e).__name__)\n';
  const result = await run(code, { processes: 8, wallTime: '5s' });
  t.regex(result.data.stdout, /refused after [0-7] BlockingIOError/);
});

it('a socket cannot reach a listener on the host', async (t) => {
  const server = createServer((socket) => socket.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const result = await run(`import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print("refused", e.errno)`);
    t.regex(result.data.stdout, /^refused/);
    const outside = await run('import socket\ntry:\n    socket.create_connection(("192.0.2.1", 80), timeout=2)\n    print("connected")\nexcept OSError as e:\n    print("refused", e.errno)');
    t.regex(outside.data.stdout, /^refused/);
  } finally {
    server.close();
  }
});

it('files outside the sandbox cannot be read and the root cannot be written', async (t) => {
  const result = await run([
    'import os',
    'for p in ["/etc/shadow", "/etc/passwd", "../../etc/shadow", "/root/.ssh/id_ed25519", "/work"]:',
    '    print(p, os.path.exists(p))',
    'try:',
    '    open("/usr/hearth-was-here", "w")',
    'except OSError as e:',
    '    print("write refused", e.errno)',
    'open("/tmp/scratch", "w").write("ok"); print("tmp", open("/tmp/scratch").read())',
  ].join('\n'));
  t.regex(result.data.stdout, /\/etc\/shadow False\n\/etc\/passwd False\n\.\.\/\.\.\/etc\/shadow False\n\/root\/\.ssh\/id_ed25519 False\n\/work False\nwrite refused \d+\ntmp ok/);
  t.false(existsSync('/usr/hearth-was-here'));
});

it('output beyond the limit is cut', async (t) => {
  const result = await run('print("x" * 100000)', { outputLimit: 500 });
  t.regex(result.data.stdout, /\[output cut: 99501 more characters\]$/);
});

it('a 100 MB program is refused before anything runs', (t) => {
  t.false(runPythonCode.input.safeParse({ code: 'x'.repeat(100 * 1024 * 1024) }).success);
});
