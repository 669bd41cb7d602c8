import test from 'ava';
import { configSchema } from '../../config/schema.js';
import { limitsFor, sandboxArgv } from '../code-runner.js';

const IMAGE = 'docker.io/library/python:3.11-slim@sha256:' + 'a'.repeat(64);

test('with docker present and a pinned image, auto runs python in a locked-down container', (t) => {
  const config = configSchema().parse({ tools: { codeRunner: { image: IMAGE, memoryMb: 128, processes: 16, cpuSeconds: 5 } } }).tools.codeRunner;
  const { backend, argv } = sandboxArgv({ config, dockerPresent: () => true }, limitsFor(config));
  t.is(backend, 'docker');
  t.deepEqual(argv, [
    'docker', 'run', '--rm', '-i', '--network', 'none', '--read-only', '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m', '--workdir', '/tmp',
    '--memory', '128m', '--memory-swap', '128m', '--pids-limit', '16', '--ulimit', 'cpu=5:5', '--cpus', '1', '--cap-drop', 'ALL',
    '--security-opt', 'no-new-privileges', '--user', '65534:65534', '--env', 'HOME=/tmp', IMAGE, 'python3', '-I', '-',
  ]);
});

test('without docker, or without a pinned image, auto falls back to bubblewrap', (t) => {
  const pinned = configSchema().parse({ tools: { codeRunner: { image: IMAGE } } }).tools.codeRunner;
  t.is(sandboxArgv({ config: pinned, dockerPresent: () => false }, limitsFor(pinned)).backend, 'bubblewrap');
  const unpinned = configSchema().parse({}).tools.codeRunner;
  t.is(sandboxArgv({ config: unpinned, dockerPresent: () => true }, limitsFor(unpinned)).backend, 'bubblewrap');
});

test('an image that is not pinned by digest is refused by the config', (t) => {
  t.false(configSchema().safeParse({ tools: { codeRunner: { image: 'python:latest' } } }).success);
});

test('the code never appears in the argv', (t) => {
  const config = configSchema().parse({}).tools.codeRunner;
  const { argv } = sandboxArgv({ config }, limitsFor(config));
  t.deepEqual(argv.slice(-3), ['/usr/bin/python3', '-I', '-']);
  t.true(argv.includes('--unshare-all'));
});
