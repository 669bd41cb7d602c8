// Environment variables hearth honours: Nomad's and Consul's own, then HEARTH_*.
// Each maps to one config key path; the value is converted, not validated
// (validation is the schema's job, so a bad value is reported with its source).

type Convert = (raw: string, env: NodeJS.ProcessEnv) => unknown;

interface EnvBinding {
  readonly variable: string;
  readonly path: readonly string[];
  readonly convert?: Convert;
}

const asBoolean: Convert = (raw) => {
  const lower = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return raw;
};

const asList: Convert = (raw) => raw.split(',').map((item) => item.trim()).filter((item) => item !== '');

/** CONSUL_HTTP_ADDR may be host:port or a URL; CONSUL_HTTP_SSL picks https for the bare form, as consul's CLI does. */
const asConsulAddr: Convert = (raw, env) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return raw;
  if (raw.startsWith('unix://')) return raw;
  const ssl = asBoolean(env['CONSUL_HTTP_SSL'] ?? 'false', env) === true;
  return `${ssl ? 'https' : 'http'}://${raw}`;
};

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { variable: 'NOMAD_ADDR', path: ['nomad', 'addr'] },
  { variable: 'NOMAD_TOKEN', path: ['nomad', 'token'] },
  { variable: 'NOMAD_REGION', path: ['nomad', 'region'] },
  { variable: 'NOMAD_NAMESPACE', path: ['nomad', 'namespace'] },
  { variable: 'NOMAD_CACERT', path: ['nomad', 'caCert'] },
  { variable: 'NOMAD_CLIENT_CERT', path: ['nomad', 'clientCert'] },
  { variable: 'NOMAD_CLIENT_KEY', path: ['nomad', 'clientKey'] },
  { variable: 'CONSUL_HTTP_ADDR', path: ['consul', 'addr'], convert: asConsulAddr },
  { variable: 'CONSUL_HTTP_TOKEN', path: ['consul', 'token'] },
  { variable: 'CONSUL_CACERT', path: ['consul', 'caCert'] },
  { variable: 'CONSUL_CLIENT_CERT', path: ['consul', 'clientCert'] },
  { variable: 'CONSUL_CLIENT_KEY', path: ['consul', 'clientKey'] },
  { variable: 'HEARTH_NODE_NAME', path: ['node', 'name'] },
  { variable: 'HEARTH_NODE_ADDRESS', path: ['node', 'address'] },
  { variable: 'HEARTH_LISTEN', path: ['api', 'listen'] },
  { variable: 'HEARTH_API_TOKEN', path: ['api', 'token'] },
  { variable: 'HEARTH_EXPERT_PREFIX', path: ['discovery', 'expertPrefix'] },
  { variable: 'HEARTH_POWER_ENABLED', path: ['power', 'enabled'], convert: asBoolean },
  { variable: 'HEARTH_POWER_INTERFACES', path: ['power', 'interfaces'], convert: asList },
  { variable: 'HEARTH_POWER_HOLD_LIMIT', path: ['power', 'holdLimit'] },
  { variable: 'HEARTH_STATE_DIR', path: ['state', 'dir'] },
  { variable: 'HEARTH_JOIN_INVENTORY', path: ['join', 'inventory'] },
  { variable: 'HEARTH_JOIN_PLAYBOOK', path: ['join', 'playbook'] },
  { variable: 'HEARTH_LOG_LEVEL', path: ['log', 'level'] },
  { variable: 'HEARTH_MODELS_CATALOG', path: ['models', 'catalog'] },
];

export interface EnvValue {
  readonly variable: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

/** The bindings set (and non-empty) in env, converted. */
export function readEnvValues(env: NodeJS.ProcessEnv): EnvValue[] {
  const values: EnvValue[] = [];
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.variable];
    if (raw === undefined || raw === '') continue;
    values.push({ variable: binding.variable, path: binding.path, value: binding.convert ? binding.convert(raw, env) : raw });
  }
  return values;
}
