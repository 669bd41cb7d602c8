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
    name: 'power status',
    summary: 'Show each power-managed service: awake, sleeping or waking, idle time, timeout, last cold start by phase',
    usage: 'hearth power status [--json] [--agent URL] [--config FILE]',
    load: () => import('./power.js').then((m) => m.statusCommand),
  },
  {
    name: 'power sleep',
    summary: 'Put a power-managed service (and its power group) to sleep now',
    usage: 'hearth power sleep <service> [--json] [--agent URL] [--config FILE]',
    load: () => import('./power.js').then((m) => m.sleepCommand),
  },
  {
    name: 'power wake',
    summary: 'Wake a sleeping service (and its power group); returns once it is healthy',
    usage: 'hearth power wake <service> [--json] [--agent URL] [--config FILE]',
    load: () => import('./power.js').then((m) => m.wakeCommand),
  },
  {
    name: 'power set-idle',
    summary: 'Set how long a service may stay idle before it sleeps (persisted)',
    usage: 'hearth power set-idle <service> <duration> [--json] [--agent URL] [--config FILE]',
    load: () => import('./power.js').then((m) => m.setIdleCommand),
  },
  {
    name: 'nodes',
    summary: 'List the nodes waiting to install (pending join tokens) and the nodes that joined',
    usage: 'hearth nodes [--config FILE] [--json]',
    load: () => import('./nodes.js'),
  },
];
