// Stand-ins the converge test installs through the roles' offline paths:
// consul/nomad .deb packages holding a script that answers like the real
// binary's `version` and `validate`, a tiny CMake project shaped like a
// llama.cpp release, and the agent packed as the hearth role expects it.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../agent/util/paths.js';
import { runCommand } from './run-command.js';

async function mustRun(command: string, args: string[], what: string): Promise<void> {
  const result = await runCommand(command, args);
  if (result.code !== 0) throw new Error(`could not ${what} (exit ${result.code}): ${result.stderr || result.stdout}`);
}

/** Builds `<dir>/<name>.deb` installing /usr/bin/<name>; returns its path. */
export async function buildStandInDeb(dir: string, name: string): Promise<string> {
  const tree = join(dir, `${name}-deb`);
  await mkdir(join(tree, 'DEBIAN'), { recursive: true });
  await mkdir(join(tree, 'usr', 'bin'), { recursive: true });
  await writeFile(
    join(tree, 'DEBIAN', 'control'),
    [
      `Package: ${name}`,
      'Version: 0.0.1-hearthtest',
      'Architecture: all',
      'Maintainer: hearth tests <tests@hearth.invalid>',
      `Description: stand-in ${name} for hearth's converge test`,
      '',
    ].join('\n'),
  );
  const script = join(tree, 'usr', 'bin', name);
  await writeFile(
    script,
    `#!/bin/sh\n# Stand-in ${name}: answers "version" and accepts every configuration.\n` +
      `case "$1" in\n  version) echo "${name} v0.0.1 (stand-in)" ;;\nesac\nexit 0\n`,
  );
  await chmod(script, 0o755);
  const deb = join(dir, `${name}.deb`);
  await mustRun('dpkg-deb', ['--root-owner-group', '--build', tree, deb], `build the ${name} stand-in package`);
  return deb;
}

/**
 * A source tarball with llama.cpp's layout whose build records the -D options
 * it was given. Its RPC worker target has the current name, ggml-rpc-server.
 */
export async function buildLlamaStandIn(dir: string): Promise<string> {
  const src = join(dir, 'llama-src', 'llama.cpp-standin');
  await mkdir(src, { recursive: true });
  await writeFile(
    join(src, 'CMakeLists.txt'),
    [
      'cmake_minimum_required(VERSION 3.16)',
      'project(llama_standin C)',
      'foreach(tool ggml-rpc-server llama-server llama-bench)',
      '  add_executable(${tool} tool.c)',
      '  set_target_properties(${tool} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)',
      'endforeach()',
      'file(WRITE ${CMAKE_BINARY_DIR}/options.txt "GGML_RPC=${GGML_RPC}\\nGGML_NATIVE=${GGML_NATIVE}\\n")',
      '',
    ].join('\n'),
  );
  await writeFile(join(src, 'tool.c'), '#include <stdio.h>\nint main(void) { puts("stand-in"); return 0; }\n');
  const tarball = join(dir, 'llama-standin.tar.gz');
  await mustRun('tar', ['-czf', tarball, '-C', join(dir, 'llama-src'), 'llama.cpp-standin'], 'pack the llama.cpp stand-in');
  return tarball;
}

/** This checkout's built agent (package.json, bin, dist, node_modules) as one tarball. */
export async function packBuiltAgent(dir: string): Promise<string> {
  const tarball = join(dir, 'hearth-agent.tar');
  await mustRun(
    'tar',
    ['-cf', tarball, '-C', repoRoot(), '--exclude=dist/testing', '--exclude=*.map', 'package.json', 'bin', 'dist', 'node_modules'],
    'pack the agent',
  );
  return tarball;
}
