// The single definition of hearth's configuration. Types come from z.infer;
// every object is .strict() so an unknown key is an error, not a silent no-op.
// Every key carries its documentation in .describe(): docs/configuration.md is
// generated from this file (`npm run docs`), and a test fails when they differ.
import { z } from 'zod';
import { EXPERT_PREFIX } from '../consul/expert-prefix.js';
import { formatDuration, parseDuration } from '../util/duration.js';

/**
 * A Go-style duration ("90s", "5m") between min and max milliseconds, parsed once here: the config
 * holds the milliseconds, so no module re-parses the text or keeps a second copy of the default.
 */
export const duration = (min: number, max: number) =>
  z
    .string()
    // The kind of value, as the configuration reference shows it; the key's own description goes outside.
    .describe(`duration, ${formatDuration(min)} to ${formatDuration(max)}`)
    .refine((value) => {
      const ms = parseDuration(value);
      return ms !== undefined && ms >= min && ms <= max;
    }, { message: `expected a duration such as "90s" or "5m" between ${formatDuration(min)} and ${formatDuration(max)}` })
    .transform((value) => parseDuration(value) ?? 0);

/**
 * Builds the configuration's schema. The agent parses its configuration once, at start, and keeps none of the
 * schema's ~440 zod objects (about 0.7 MB of heap) for the rest of its life: they are built for each parse.
 */
export function configSchema() {
  const httpUrl = z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, { message: 'expected an http(s) URL such as http://127.0.0.1:4646' });

  const hostPort = z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { message: 'expected HOST:PORT such as 0.0.0.0:8000' })
    .refine((value) => {
      const port = value.slice(value.lastIndexOf(':') + 1);
      // Only judge the port once the HOST:PORT shape matched; the regex reports the rest.
      return !/^\d{1,5}$/.test(port) || Number(port) <= 65535;
    }, { message: 'expected a port from 0 to 65535' });

  const token = z.string().min(1, { message: 'expected a non-empty token' });
  const filePath = z.string().min(1, { message: 'expected a file path' });
  const nodeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    message: 'expected a node name of letters, digits, ".", "_" or "-"',
  });

  const tlsFields = (service: string) => ({
    caCert: filePath.optional().describe(`The CA certificate (PEM file) that ${service}'s TLS certificate is checked against.`),
    clientCert: filePath.optional().describe(`The client certificate (PEM file) hearth presents to ${service}.`),
    clientKey: filePath.optional().describe(`The key (PEM file) of clientCert.`),
  });

  const positiveInt = (max: number) => z.number().int().min(1).max(max);

  /** A host pattern for the browser's URL rules: `example.org`, `*.example.org`, or an IP/CIDR such as `127.0.0.1/32`. */
  const hostRule = z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+(\/\d{1,3})?$|^[0-9a-fA-F:]+(\/\d{1,3})?$/, {
    message: 'expected a host name, *.domain, an IP address or a CIDR range',
  });

  const outputLimit = (max: number, value: number) => positiveInt(max).default(value).describe('Characters of output a call keeps; the rest is cut with a note.');

  const toolsSchema = z
    .object({
      ssh: z
        .object({
          inventory: filePath.optional().describe('The Ansible inventory whose hosts ssh.run_command may reach (with discovery\'s nodes); unset: join.inventory.'),
          knownHosts: filePath.default('/etc/hearth/ssh/known_hosts').describe('The OpenSSH known_hosts file host keys are checked against; an unknown or changed key is refused with its fingerprint.'),
          privateKey: filePath.default('/etc/hearth/ssh/id_ed25519').describe('The private key ssh.run_command signs in with.'),
          user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('hearth').describe('The remote user, unless the inventory names ansible_user.'),
          password: token.optional().describe('A password, tried only when set (key-based sign-in is the default).'),
          port: z.number().int().min(1).max(65535).default(22).describe('The SSH port, unless the inventory names ansible_port.'),
          timeout: duration(1000, 3_600_000).default('60s').describe('Longest a remote command may run before the connection is closed.'),
          outputLimit: outputLimit(10_000_000, 64_000),
        })
        .strict()
        .default({})
        .describe('ssh.run_command'),
      codeRunner: z
        .object({
          backend: z.enum(['auto', 'bubblewrap', 'docker']).default('auto').describe('The sandbox: auto is Docker when its socket exists and an image is pinned, bubblewrap otherwise.'),
          image: z
            .string()
            .regex(/^[a-z0-9./_-]+(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$/, { message: 'expected an image pinned by digest (name@sha256:...)' })
            .optional()
            .describe('The Python image the Docker backend runs, pinned by digest (name@sha256:...); no default, so the operator pins the one they vetted.'),
          python: filePath.default('/usr/bin/python3').describe('The interpreter the bubblewrap backend runs inside its read-only view of /usr.'),
          cpuSeconds: positiveInt(3600).default(10).describe('CPU seconds a snippet may use (RLIMIT_CPU).'),
          memoryMb: z.number().int().min(32).max(65536).default(256).describe('Address space (bubblewrap) or memory (Docker) a snippet may use, in MiB.'),
          processes: positiveInt(4096).default(32).describe('Processes a snippet may hold at once (RLIMIT_NPROC, --pids-limit).'),
          wallTime: duration(100, 3_600_000).default('30s').describe('Wall-clock time before the whole sandbox is killed.'),
          outputLimit: outputLimit(10_000_000, 64_000),
        })
        .strict()
        .default({})
        .describe('code_runner.run_python_code'),
      ansible: z
        .object({
          playbookDirs: z.array(filePath).optional().describe("The directories playbooks may come from; unset: the repository's ansible/."),
          inventory: filePath.optional().describe('The inventory ansible.run_playbook passes with -i; unset: join.inventory.'),
          command: filePath.default('ansible-playbook').describe('The ansible-playbook program.'),
          timeout: duration(1000, 86_400_000).default('30m').describe('Longest a playbook run (or its --check preview) may take.'),
          outputLimit: outputLimit(10_000_000, 64_000),
        })
        .strict()
        .default({})
        .describe('ansible.run_playbook'),
      browser: z
        .object({
          executablePath: filePath.default('/usr/bin/chromium').describe("The node's Chromium (Debian chromium); a browser is never downloaded."),
          allow: z.array(hostRule).default([]).describe('Hosts, *.domains, addresses or CIDR ranges the browser may open even when private, loopback or link-local (denied otherwise).'),
          deny: z.array(hostRule).default([]).describe('Hosts, *.domains, addresses or CIDR ranges always refused, over allow.'),
          timeout: duration(1000, 600_000).default('30s').describe('Longest a page load or an action may take.'),
          outputLimit: outputLimit(1_000_000, 20_000),
        })
        .strict()
        .default({})
        .describe('web_browser.*'),
      vision: z
        .object({
          camera: z
            .discriminatedUnion('kind', [
              z.object({ kind: z.literal('http'), url: httpUrl }).strict(),
              z.object({ kind: z.literal('v4l2'), device: z.string().regex(/^\/dev\/video\d{1,3}$/), ffmpeg: filePath.default('ffmpeg') }).strict(),
            ])
            .optional()
            .describe('The camera: { kind: http, url } for a snapshot URL, or { kind: v4l2, device: /dev/videoN } read through ffmpeg.'),
          expert: z.string().regex(/^[a-z0-9-]+$/).optional().describe('The vision expert as discovery lists it (with or without discovery.expertPrefix).'),
          url: httpUrl.optional().describe('A fixed OpenAI-compatible base URL of the vision expert, over expert.'),
          model: z.string().min(1).default('vision').describe('The model name sent to the vision expert.'),
          timeout: duration(1000, 600_000).default('60s').describe('Longest a frame and its description may take.'),
          outputLimit: outputLimit(100_000, 4000),
        })
        .strict()
        .default({})
        .describe('vision.get_observation'),
      mcp: z
        .object({
          enabled: z.boolean().default(true).describe('Serve the tools over MCP at /mcp (bearer token).'),
          progressEvery: duration(100, 60_000).default('5s').describe('How often an MCP call waiting for approval reports that it still waits.'),
        })
        .strict()
        .default({}),
      a2a: z
        .object({
          enabled: z.boolean().default(true).describe('Serve the A2A gateway (agent card and /a2a, bearer token).'),
          publicUrl: httpUrl.optional().describe('The URL peers reach this agent at, written into the agent card; unset: http://<node address>:<api port>.'),
        })
        .strict()
        .default({}),
    })
    .strict()
    .default({});

  return z
    .object({
      node: z
        .object({
          name: nodeName.optional().describe("The Nomad node this agent runs on; learnt from Nomad's /v1/agent/self when unset, else the hostname."),
          address: z.string().ip().optional().describe('The address services on this node are reached at; learnt from Nomad when unset.'),
        })
        .strict()
        .default({}),
      api: z
        .object({
          listen: hostPort
            .default('0.0.0.0:8000')
            .describe('HOST:PORT the agent\'s HTTP API listens on, bound exactly as given: 0.0.0.0 is every IPv4 address, 127.0.0.1 loopback only.'),
          token: token.optional().describe('Bearer token that state-changing endpoints require. Without one they are refused (403). A secret: redacted wherever the config is shown.'),
        })
        .strict()
        .default({}),
      nomad: z
        .object({
          addr: httpUrl.default('http://127.0.0.1:4646').describe("Nomad's HTTP API."),
          token: token.optional().describe('The Nomad ACL token (X-Nomad-Token). A secret: redacted wherever the config is shown.'),
          region: z.string().min(1).optional().describe('The Nomad region requests are sent to; unset: the agent\'s own.'),
          namespace: z.string().min(1).optional().describe('The Nomad namespace for jobs; unset: default.'),
          ...tlsFields('Nomad'),
        })
        .strict()
        .default({}),
      consul: z
        .object({
          addr: httpUrl
            .default('http://127.0.0.1:8500')
            .describe("Consul's HTTP API. CONSUL_HTTP_ADDR may be host:port (CONSUL_HTTP_SSL=true then picks https) or a URL."),
          token: token.optional().describe('The Consul ACL token (X-Consul-Token). A secret: redacted wherever the config is shown.'),
          datacenter: z.string().min(1).optional().describe('The Consul datacenter to query; unset: the local agent\'s.'),
          ...tlsFields('Consul'),
        })
        .strict()
        .default({}),
      discovery: z
        .object({
          expertPrefix: z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .default(EXPERT_PREFIX)
            .describe('Services whose names start with this are the experts the agent watches.'),
          wait: duration(1000, 600_000).default('5m').describe('How long one blocking query may wait.'),
        })
        .strict()
        .default({}),
      power: z
        .object({
          enabled: z
            .boolean()
            .default(true)
            .describe('Sleep idle managed services and wake them on their first packet. false: neither the eBPF loader nor koffi is loaded.'),
          interfaces: z
            .array(z.string().regex(/^[A-Za-z0-9._@-]{1,15}$/, { message: 'expected an interface name' }))
            .optional()
            .describe('Interfaces the traffic monitor attaches to; unset: lo and every interface carrying the node address.'),
          holdLimit: duration(1000, 600_000)
            .default('120s')
            .describe('How long a connection to a sleeping service is held before it fails cleanly (HTTP 503 with Retry-After, else FIN).'),
        })
        .strict()
        .default({}),
      state: z
        .object({
          dir: filePath
            .default('/var/lib/hearth')
            .describe('Where the agent keeps state that must survive a restart (power state, join tokens).'),
        })
        .strict()
        .default({}),
      join: z
        .object({
          inventory: filePath
            .default('/etc/hearth/ansible/inventory.yaml')
            .describe('The Ansible inventory a joined node is added to (under worker_nodes), written atomically.'),
          playbook: filePath
            .default('/etc/hearth/ansible/playbook.yaml')
            .describe('The playbook run, limited to the new node, once it has joined.'),
          provisioner: z
            .array(z.string().min(1))
            .min(1)
            .default(['ansible-playbook'])
            .describe("The provisioner's argv prefix; `-i INVENTORY --limit HOST PLAYBOOK` is appended. Never run through a shell."),
          sshWait: duration(0, 86_400_000)
            .default('30m')
            .describe('How long provisioning waits for a joined node to answer on ssh (it joins before its reboot); "0s": do not wait.'),
          tokenTtl: duration(60_000, 7 * 86_400_000).default('24h').describe('How long a join token lives when its request names no ttl.'),
          failureLimit: z
            .number()
            .int()
            .min(1)
            .max(1000)
            .default(5)
            .describe('Failed join attempts allowed per client address within failureWindow before it is refused outright (429).'),
          failureWindow: duration(1000, 86_400_000).default('10m').describe('The window in which failureLimit counts failed join attempts.'),
        })
        .strict()
        .default({}),
      models: z
        .object({
          catalog: filePath
            .optional()
            .describe("The model catalog; unset: the repository's ansible/group_vars/models.yaml when present, else /etc/hearth/models.yaml."),
        })
        .strict()
        .default({}),
      heal: z
        .object({
          coreJobs: z
            .array(
              z
                .object({
                  template: z.string().regex(/^[a-z0-9-]+$/),
                  vars: z.record(z.unknown()).default({}),
                })
                .strict(),
            )
            .default([])
            .describe('The core jobs `hearth heal` keeps registered: `[{template, vars}]`, a template name and its variables.'),
        })
        .strict()
        .default({}),
      twin: z
        .object({
          enabled: z.boolean().default(true).describe('Whether the agent runs the conversational twin (conversations, approvals, memory, prompts).'),
          prompts: filePath.optional().describe("The folder of persona files (router.md, code.md, ...); unset: the repository's prompts/ when present, else /etc/hearth/prompts."),
          routerUrl: httpUrl
            .optional()
            .describe('The OpenAI-compatible base URL (".../v1") of the router model; unset: the expert named prima-api-router, else the first expert listed.'),
          model: z.string().min(1).max(200).default('default').describe("The model name sent to the router and the experts when an expert's Consul Meta names none."),
          shortTermTurns: z.number().int().min(1).max(100).default(10).describe('Turns of a conversation kept in short-term memory and sent with each question.'),
          contextTokens: z.number().int().min(256).max(1_000_000).default(4096).describe('The context budget (tokens, estimated at 4 characters each) the history is trimmed to, oldest turns first.'),
          maxMessageChars: z.number().int().min(1).max(1_000_000).default(16_000).describe('Largest user message accepted, in characters; a longer one is refused (400).'),
          turnTimeout: duration(1000, 3_600_000).default('10m').describe('Longest one answer may take from the question to its last token, a cold start included.'),
          maxAnswerTokens: z.number().int().min(1).max(1_000_000).optional().describe('Longest answer asked of a model (max_tokens); unset: the model server decides.'),
          recall: z.number().int().min(0).max(50).default(3).describe('Long-term memories recalled (nearest first) and given to the model with each question.'),
        })
        .strict()
        .default({}),
      approvals: z
        .object({
          deadline: duration(1000, 86_400_000).default('2m').describe('How long a sensitive tool call waits for a person before it counts as denied (expired).'),
        })
        .strict()
        .default({}),
      /** The twin's tools: what each may reach. Every tool refuses what its section does not allow. */
      tools: toolsSchema,
      log: z
        .object({
          level: z
            .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
            .default('info')
            .describe('The lowest level logged (JSON lines on stdout).'),
        })
        .strict()
        .default({}),
    })
    .strict();
}

export type ConfigSchema = ReturnType<typeof configSchema>;
export type HearthConfig = z.infer<ConfigSchema>;
export type HearthConfigInput = z.input<ConfigSchema>;

/** Key paths whose values are secrets: redacted wherever the config is shown. */
export const SECRET_PATHS: readonly string[] = ['api.token', 'nomad.token', 'consul.token', 'tools.ssh.password'];
