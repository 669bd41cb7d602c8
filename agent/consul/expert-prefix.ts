// The one definition of how an expert is named in Consul: its API service is
// `prima-api-<expert>`. The config's discovery.expertPrefix defaults to it,
// the job builders register under it, and the name rules check it.
export const EXPERT_PREFIX = 'prima-api-';

/** The Consul service name of an expert's API. */
export function expertServiceName(expert: string): string {
  return `${EXPERT_PREFIX}${expert}`;
}
