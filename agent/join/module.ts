// The join service as an agent module: opens its state, wires the inventory
// writer and the provisioner, and contributes its routes.
import { join } from 'node:path';
import type { HearthConfig } from '../config/schema.js';
import { internalError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Route } from '../http-api/route.js';
import { openJoinStateStore } from './state.js';
import { createFailureLimiter } from './rate-limit.js';
import { createInventoryWriter } from './inventory.js';
import { createProvisioner, type Provisioner } from './provisioner.js';
import { createJoinRoutes } from './routes.js';
import { createJoinService, type JoinService } from './service.js';

export interface JoinModuleDeps {
  readonly config: Pick<HearthConfig, 'state' | 'join'>;
  readonly log: Logger;
  readonly now?: () => number;
}

export interface JoinModule {
  readonly name: 'join';
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly routes: Route[];
  /** The service itself, once started (for tests and the composition root). */
  service(): JoinService;
  health(): { ok: boolean; reason?: string };
}

export function createJoinModule(deps: JoinModuleDeps): JoinModule {
  const now = deps.now ?? Date.now;
  const { join: settings, state } = deps.config;
  let service: JoinService | undefined;
  let provisioner: Provisioner | undefined;

  const started = (): JoinService => {
    if (service === undefined) throw internalError('the join module is not started');
    return service;
  };
  // Routes are listed before start(); each call reaches the service that start() built.
  const routes = createJoinRoutes({
    issueToken: (...args) => started().issueToken(...args),
    enroll: (...args) => started().enroll(...args),
    complete: (...args) => started().complete(...args),
    mayInstall: (...args) => started().mayInstall(...args),
    listNodes: () => started().listNodes(),
  });

  return {
    name: 'join',
    routes,
    service: started,
    health: () => (service === undefined ? { ok: false, reason: 'the join state is not loaded' } : { ok: true }),
    async start() {
      const store = await openJoinStateStore(join(state.dir, 'join'));
      const log = deps.log;
      provisioner = createProvisioner({
        command: settings.provisioner,
        inventory: settings.inventory,
        playbook: settings.playbook,
        sshWaitMs: settings.sshWait,
        log,
        onStatus: (hostname, status) => {
          store
            .update((s) => {
              const node = s.nodes.find((n) => n.hostname === hostname);
              if (node !== undefined) node.provision = status;
            })
            .catch((err: unknown) => log.error({ err, hostname }, 'could not record the provisioning status'));
        },
      });
      service = createJoinService({
        store,
        inventory: createInventoryWriter(settings.inventory),
        provisioner,
        limiter: createFailureLimiter({ limit: settings.failureLimit, windowMs: settings.failureWindow, now }),
        defaultTtlMs: settings.tokenTtl,
        now,
        log,
      });
    },
    async stop() {
      await provisioner?.stop();
      provisioner = undefined;
      service = undefined;
    },
  };
}
