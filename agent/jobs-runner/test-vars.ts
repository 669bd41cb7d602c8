// Variables for a prima-expert over the test catalog (jobs/test-catalog.ts).
export function primaExpertVars(): Record<string, unknown> {
  return { job_name: 'test-expert', service_name: 'prima-api-test', model_list: ['tiny-q4', 'small-q8'], model_index: 0, worker_count: 1, backend: 'llamacpp-rpc' };
}
