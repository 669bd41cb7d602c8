// The dependencies of the cluster tools (ssh, code runner, Ansible, browser,
// vision), built once from the config by whoever assembles the tool
// registry. The browser's Chromium is started on the first call and stopped
// by stop(); closeConversation() ends one caller's browser context.
import type { HearthConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { repoPath } from '../util/paths.js';
import { ansibleRunPlaybook, type AnsibleDeps } from './ansible-run-playbook.js';
import { runPythonCode, type CodeRunnerDeps } from './code-runner.js';
import { readInventoryHosts, type SshHost } from './ssh/hosts.js';
import { sshRunCommand, type SshDeps } from './ssh-run-command.js';
import { bindTool, type BoundTool, type ToolCaller } from './tool.js';
import { visionGetObservation, type ExpertEndpoint, type VisionDeps } from './vision-get-observation.js';
import { webBrowserClick } from './web-browser-click.js';
import { webBrowserGetPageContent } from './web-browser-get-page-content.js';
import { webBrowserGoto } from './web-browser-goto.js';
import { webBrowserType } from './web-browser-type.js';
import { createBrowserSessions } from './web-browser/sessions.js';
import { createUrlPolicy } from './web-browser/url-policy.js';
import type { BrowserDeps } from './web-browser-shared.js';

export interface HandsDeps {
  readonly ssh: SshDeps;
  readonly codeRunner: CodeRunnerDeps;
  readonly ansible: AnsibleDeps;
  readonly browser: BrowserDeps;
  readonly vision: VisionDeps;
}

export interface Hands {
  readonly deps: HandsDeps;
  closeConversation(caller: ToolCaller): Promise<void>;
  stop(): Promise<void>;
}

/** Experts as discovery lists them, with the node each runs on. */
export interface DiscoveredExpert extends ExpertEndpoint {
  readonly node?: string;
}

export function createHands(options: { config: HearthConfig; log: Logger; listExperts: () => readonly DiscoveredExpert[] }): Hands {
  const { config, log } = options;
  const tools = config.tools;
  const inventory = tools.ssh.inventory ?? config.join.inventory;
  const sessions = createBrowserSessions({
    executablePath: tools.browser.executablePath,
    checkUrl: createUrlPolicy(tools.browser),
    log: log.child({ part: 'browser' }),
  });

  /** Inventory hosts first; a node discovery knows that the inventory does not name is added by its node name. */
  async function sshHosts(): Promise<ReadonlyMap<string, SshHost>> {
    const hosts = new Map(await readInventoryHosts(inventory));
    for (const expert of options.listExperts()) {
      if (expert.node !== undefined && !hosts.has(expert.node)) hosts.set(expert.node, { name: expert.node, address: expert.address });
    }
    return hosts;
  }

  return {
    deps: {
      ssh: { config: tools.ssh, hosts: sshHosts },
      codeRunner: { config: tools.codeRunner },
      ansible: {
        config: tools.ansible,
        playbookDirs: tools.ansible.playbookDirs ?? [repoPath('ansible')],
        inventory: tools.ansible.inventory ?? config.join.inventory,
      },
      browser: { config: tools.browser, sessions },
      vision: { config: tools.vision, expertPrefix: config.discovery.expertPrefix, listExperts: options.listExperts },
    },
    closeConversation: (caller) => sessions.close(caller),
    stop: () => sessions.stop(),
  };
}

/** The cluster tools bound to their dependencies, for the registry. */
export function handsTools(deps: HandsDeps): BoundTool[] {
  return [
    bindTool(sshRunCommand, deps.ssh),
    bindTool(runPythonCode, deps.codeRunner),
    bindTool(ansibleRunPlaybook, deps.ansible),
    bindTool(webBrowserGoto, deps.browser),
    bindTool(webBrowserGetPageContent, deps.browser),
    bindTool(webBrowserClick, deps.browser),
    bindTool(webBrowserType, deps.browser),
    bindTool(visionGetObservation, deps.vision),
  ];
}
