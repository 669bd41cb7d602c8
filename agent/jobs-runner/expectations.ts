// What "up" means for a job: each group's allocations running, and each of its
// services passing on as many instances as the group has.
import type { Job } from '../nomad/types.js';

export interface ExpectedService {
  readonly name: string;
  readonly group: string;
  readonly instances: number;
}

export function listExpectedServices(job: Job): ExpectedService[] {
  const expected: ExpectedService[] = [];
  for (const group of job.TaskGroups) {
    const count = group.Count ?? 1;
    if (count === 0) continue;
    const services = [...(group.Services ?? []), ...group.Tasks.flatMap((task) => task.Services ?? [])];
    for (const service of services) {
      if (service.Provider === 'nomad') continue;
      expected.push({ name: service.Name, group: group.Name, instances: count });
    }
  }
  return expected;
}

export function countExpectedAllocations(job: Job): number {
  return job.TaskGroups.reduce((sum, group) => sum + (group.Count ?? 1), 0);
}
