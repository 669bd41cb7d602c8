// Whether a job has an active deployment, as far as the scale endpoint cares.
// Real Nomad (Job.Scale in nomad/job_endpoint.go) refuses a count change with
// 400 "job scaling blocked due to active deployment" while the job's latest
// deployment is active; Job.Register has no such rule. The simulator keeps no
// deployment objects: a service job's current version counts as deploying
// while any group it wants running has fewer healthy allocations of that
// version than its count, unless its update block disables deployments
// (max_parallel = 0). Differences from Nomad: an allocation is healthy as soon
// as its checks pass (Nomad also waits min_healthy_time), and a deployment never
// fails on its progress deadline.
import type { Job } from '../../../agent/nomad/types.js';
import { jobKey, type NomadStore } from './store.js';

export function hasActiveDeployment(store: NomadStore, namespace: string, job: Job): boolean {
  if ((job.Type ?? 'service') !== 'service' || job.Stop === true || job.Update?.MaxParallel === 0) return false;
  const allocs = store.allocsOfJob(jobKey(namespace, job.ID));
  return job.TaskGroups.some((group) => {
    const wanted = group.Count ?? 0;
    if (wanted === 0) return false;
    const healthy = allocs.filter(
      (a) => a.TaskGroup === group.Name && a.DesiredStatus === 'run' && (a.Job.Version ?? 0) === (job.Version ?? 0) && a.DeploymentStatus?.Healthy === true,
    ).length;
    return healthy < wanted;
  });
}
