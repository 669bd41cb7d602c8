// Every `hearth` command, in the order --help lists them. Each group lives in
// its own module under agent/cli/ and is imported only when it runs.
import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'agent',
    summary: 'Run the node agent: registers in Consul, watches the experts, serves the HTTP API',
    usage: 'hearth agent [--config FILE] [--listen HOST:PORT]',
    load: () => import('./agent.js'),
  },
  {
    name: 'status',
    summary: 'Show the Nomad leader, nodes and jobs, and the Consul services with their health',
    usage: 'hearth status [--config FILE] [--json]',
    load: () => import('./status.js'),
  },
  {
    name: 'experts',
    summary: 'List the expert services (discovery.expertPrefix) with their address and health',
    usage: 'hearth experts [--config FILE] [--json]',
    load: () => import('./experts.js'),
  },
  {
    name: 'demo',
    summary: 'Start a simulated 3-node Nomad + Consul with an agent per node, until Ctrl-C',
    usage: 'hearth demo [--nodes N]',
    load: () => import('./demo.js'),
  },
  {
    name: 'chat',
    summary: 'Talk to the cluster: the twin routes each question to an expert; streams the answer',
    usage: 'hearth chat [-m QUESTION] [--json] [--conversation ID] [--agent URL] [--config FILE]',
    load: () => import('./chat.js').then((m) => m.chatCommand),
  },
  {
    name: 'approvals list',
    summary: 'List the sensitive tool calls waiting for a person (--all: decided ones too)',
    usage: 'hearth approvals list [--all] [--json] [--agent URL] [--config FILE]',
    load: () => import('./approvals.js').then((m) => m.listCommand),
  },
  {
    name: 'approvals approve',
    summary: 'Approve a waiting tool call, optionally with edited arguments',
    usage: 'hearth approvals approve <id> [--args JSON] [--json] [--agent URL] [--config FILE]',
    load: () => import('./approvals.js').then((m) => m.approveCommand),
  },
  {
    name: 'approvals deny',
    summary: 'Deny a waiting tool call',
    usage: 'hearth approvals deny <id> [--reason TEXT] [--json] [--agent URL] [--config FILE]',
    load: () => import('./approvals.js').then((m) => m.denyCommand),
  },
  {
    name: 'memory save',
    summary: 'Save the twin\'s memory (conversations, kept facts) to a file',
    usage: 'hearth memory save <file> [--json] [--agent URL] [--config FILE]',
    load: () => import('./memory.js').then((m) => m.saveCommand),
  },
  {
    name: 'memory load',
    summary: 'Replace the twin\'s memory with a saved file (--dry-run: show what would change)',
    usage: 'hearth memory load <file> [--dry-run] [--json] [--agent URL] [--config FILE]',
    load: () => import('./memory.js').then((m) => m.loadCommand),
  },
  {
    name: 'memory clear',
    summary: 'Forget short-term memory (one conversation, or all); --long-term forgets kept facts too',
    usage: 'hearth memory clear [--conversation ID] [--long-term] [--json] [--agent URL] [--config FILE]',
    load: () => import('./memory.js').then((m) => m.clearCommand),
  },
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
  {
    name: 'jobs list',
    summary: 'List the job templates and their variables (defaults, descriptions)',
    usage: 'hearth jobs list [--json]',
    load: () => import('./jobs.js').then((m) => m.list),
  },
  {
    name: 'jobs render',
    summary: 'Render a job template to the JSON `nomad job run -json` accepts',
    usage: 'hearth jobs render <template> [--var k=v ...] [--var-file F.yaml] [-o F.json] [--config FILE]',
    load: () => import('./jobs.js').then((m) => m.render),
  },
  {
    name: 'jobs run',
    summary: 'Submit a job and follow it until its services are healthy (prima-expert falls back down model_list)',
    usage: 'hearth jobs run <template> [--var k=v ...] [--var-file F.yaml] [--detach] [--timeout 10m] [--json] [--config FILE]',
    load: () => import('./jobs.js').then((m) => m.run),
  },
  {
    name: 'jobs status',
    summary: 'Show a job (summary, allocations, service health) or list all jobs',
    usage: 'hearth jobs status [JOB] [--json] [--config FILE]',
    load: () => import('./jobs.js').then((m) => m.status),
  },
  {
    name: 'jobs stop',
    summary: 'Stop a job (and with --purge remove it)',
    usage: 'hearth jobs stop <JOB> [--purge] [--config FILE]',
    load: () => import('./jobs.js').then((m) => m.stop),
  },
  {
    name: 'heal',
    summary: 'Register the core jobs of heal.coreJobs that are missing or changed; leave the rest alone',
    usage: 'hearth heal [--json] [--config FILE]',
    load: () => import('./heal.js'),
  },
  {
    name: 'models',
    summary: 'List the model catalog and the experts\' model lists',
    usage: 'hearth models [--json] [--config FILE]',
    load: () => import('./models.js'),
  },
];
