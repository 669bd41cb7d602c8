import type { CommandEntry } from './command.js';

export function renderHelp(commands: readonly CommandEntry[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = [
    `hearth ${version}: a self-hosted AI cluster on Nomad and Consul`,
    '',
    'Usage: hearth <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  --help       show this help, or a command\'s usage: hearth <command> --help',
    '  --version    print the version',
    '',
    'Environment: NOMAD_ADDR, NOMAD_TOKEN, NOMAD_REGION, NOMAD_NAMESPACE, NOMAD_CACERT, NOMAD_CLIENT_CERT,',
    'NOMAD_CLIENT_KEY, CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, CONSUL_CACERT, CONSUL_CLIENT_CERT, CONSUL_CLIENT_KEY,',
    'and HEARTH_* (see docs/configuration.md). Exit codes: 0 ok, 1 bad input or config, 2 cluster unreachable.',
  ];
  return lines.join('\n') + '\n';
}
