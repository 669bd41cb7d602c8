// Mission Control as an agent module: the page's assets, sign-in sessions,
// the cluster watch and the one WebSocket the page listens on.
import type { AgentModule, ModuleDeps } from '../daemon/module-contract.js';
import { repoPath } from '../util/paths.js';
import { createClusterWatch } from './cluster-watch.js';
import { createEventHub } from './event-hub.js';
import { loadPageAssets } from './page-assets.js';
import { createSnapshotCache } from './snapshot-cache.js';
import { createSessionRoutes, describeSession } from './session-routes.js';
import { createSessionStore } from './sessions.js';
import { createSessionFile } from './session-file.js';

export const EVENTS_PATH = '/api/v1/events';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const CLUSTER_WAIT_MS = 60_000;
const PING_MS = 30_000;

export interface MissionControlOptions {
  /** Where the built page is (default dist/web). */
  readonly pageDir?: string;
}

export function createMissionControlModule(deps: ModuleDeps, options: MissionControlOptions = {}): AgentModule {
  const token = deps.config.api.token;
  const sessionFile = createSessionFile(deps.config.state.dir, deps.log);
  const sessions = createSessionStore({ ttlMs: SESSION_TTL_MS, initial: sessionFile.read(), onChange: (all) => sessionFile.save(all) });
  const page = loadPageAssets(options.pageDir ?? repoPath('dist', 'web'), (req) => describeSession({ sessions, token }, req));
  // What a new page starts from, serialised once per change: the watch hands every change to the hub, which invalidates it.
  const snapshots = createSnapshotCache({ snapshot: () => watch.snapshot(), listExperts: deps.listExperts });
  const hub = createEventHub({
    events: deps.events,
    log: deps.log,
    snapshots,
    node: deps.node.name,
    pingMs: PING_MS,
  });
  const watch = createClusterWatch({ backends: deps.backends, log: deps.log, waitMs: CLUSTER_WAIT_MS, onChange: (change) => hub.publishCluster(change) });

  return {
    routes: [...page.routes, ...createSessionRoutes({ sessions, token, ttlMs: SESSION_TTL_MS })],
    // Without a token nothing can sign in and the whole agent is read-only, so the page may listen anonymously.
    upgrades: [{ path: EVENTS_PATH, auth: token === undefined ? 'none' : 'token', handle: (req, socket, head, principal) => hub.handleUpgrade(req, socket, head, principal) }],
    authenticate: sessions.authenticate,
    start() {
      if (!page.built) deps.log.warn({ dir: options.pageDir ?? repoPath('dist', 'web') }, 'mission control page not built; run npm run build');
      hub.start();
      watch.start();
    },
    async stop() {
      await watch.stop();
      await hub.stop();
      await sessionFile.flush();
    },
    health: () => (page.built ? { ok: true } : { ok: false, reason: 'the page is not built (run npm run build)' }),
  };
}
