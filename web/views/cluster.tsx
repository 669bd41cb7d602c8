// Cluster: Nomad nodes and jobs, the experts discovery sees, and the hearth agents.
import { FIRST_ROWS, type State } from '../store.js';
import type { AgentRow, ExpertRow, JobRow, NodeRow } from '../types.js';
import { memo } from './memo.js';

function Badge({ value }: { value: string }) {
  return <span class={`badge badge-${value.replace(/[^a-z]/gi, '').toLowerCase()}`}>{value}</span>;
}

const NodesCard = memo(({ nodes }: { nodes: NodeRow[] }) => (
  <div class="card">
    <h3>Nodes <span class="count">{nodes.length}</span></h3>
    <table data-testid="nodes">
      <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Eligibility</th><th scope="col">Address</th></tr></thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.id} data-node={n.name}>
            <td>{n.name}</td><td><Badge value={n.status} /></td>
            <td>{n.drain ? 'draining' : n.eligibility}</td><td class="mono">{n.address}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {nodes.length === 0 && <p class="empty">No nodes yet.</p>}
  </div>
));

const JobsCard = memo(({ jobs, limit }: { jobs: JobRow[]; limit: number }) => (
  <div class="card">
    <h3>Jobs <span class="count">{jobs.length}</span></h3>
    <table data-testid="jobs">
      <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Groups (running/queued/failed)</th></tr></thead>
      <tbody>
        {jobs.slice(0, limit).map((j) => (
          <tr key={j.id} data-job={j.id}>
            <td>{j.id} <span class="muted">{j.type}</span></td><td><Badge value={j.stop ? 'stopped' : j.status} /></td>
            <td>{j.groups.map((g) => <div key={g.name}>{g.name}: {g.running}/{g.queued}/{g.failed}</div>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {jobs.length === 0 && <p class="empty">No jobs yet.</p>}
  </div>
));

const ExpertsCard = memo(({ experts, limit }: { experts: ExpertRow[]; limit: number }) => (
  <div class="card">
    <h3>Experts <span class="count">{experts.length}</span></h3>
    <table data-testid="experts">
      <thead><tr><th scope="col">Expert</th><th scope="col">Health</th><th scope="col">Node</th><th scope="col">Model</th></tr></thead>
      <tbody>
        {experts.slice(0, limit).map((e) => (
          <tr key={e.id} data-expert={e.id}>
            <td>{e.name}</td><td><Badge value={e.health} /></td><td>{e.node}</td>
            <td>{e.tags.find((t) => t.startsWith('model='))?.slice(6) ?? e.tags.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {experts.length === 0 && <p class="empty">No experts discovered.</p>}
  </div>
));

const AgentsCard = memo(({ agents }: { agents: AgentRow[] }) => (
  <div class="card">
    <h3>Agents <span class="count">{agents.length}</span></h3>
    <table data-testid="agents">
      <thead><tr><th scope="col">Node</th><th scope="col">Health</th><th scope="col">Address</th><th scope="col">Version</th></tr></thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.id}>
            <td>{a.node}</td><td><Badge value={a.health} /></td><td class="mono">{a.address}:{a.port}</td><td>{a.version}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {agents.length === 0 && <p class="empty">No agents registered.</p>}
  </div>
));

export function ClusterView({ state }: { state: State }) {
  const errors = Object.entries(state.clusterErrors);
  const limit = state.firstRowsOnly ? FIRST_ROWS : Infinity;
  return (
    <section aria-labelledby="cluster-title">
      <h2 id="cluster-title">Cluster</h2>
      {errors.length > 0 && (
        <ul class="problems" role="alert">
          {errors.map(([part, message]) => <li key={part}>{part}: {message}</li>)}
        </ul>
      )}
      <div class="grid">
        <NodesCard nodes={state.nodes} />
        <JobsCard jobs={state.jobs} limit={limit} />
        <ExpertsCard experts={state.experts} limit={limit} />
        <AgentsCard agents={state.agents} />
      </div>
    </section>
  );
}
