// Every `hearth` command, in the order --help lists them. Each group lives in
// its own module under agent/cli/ and is imported only when it runs.
import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'config check',
    summary: 'Validate the configuration and print it with secrets redacted',
    usage: 'hearth config check [--config FILE] [--json]',
    load: () => import('./config-check.js'),
  },
  {
    name: 'nodes',
    summary: 'List the nodes waiting to install (pending join tokens) and the nodes that joined',
    usage: 'hearth nodes [--config FILE] [--json]',
    load: () => import('./nodes.js'),
  },
];
