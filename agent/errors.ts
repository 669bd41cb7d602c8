// One catalog of every error hearth raises. Each code has a one-line
// description; docs/errors.md is generated from it (`npm run docs`) and
// testing/docs/generated.test.ts fails when the two differ.

export const ERROR_CODES = {
  HEARTH_ERR_CONFIG_INVALID: 'The configuration failed validation; every problem lists its key path and source.',
  HEARTH_ERR_CONFIG_READ: 'A configuration file could not be read or parsed.',
  HEARTH_ERR_INVALID_INPUT: 'A value given on the command line, in a request or in a file broke a rule.',
  HEARTH_ERR_UNREACHABLE: 'Nomad, Consul or the agent could not be reached at the configured address.',
  HEARTH_ERR_NOMAD_HTTP: 'Nomad answered with an error status; the status and Nomad\'s text are kept.',
  HEARTH_ERR_CONSUL_HTTP: 'Consul answered with an error status; the status and Consul\'s text are kept.',
  HEARTH_ERR_ACL_DENIED: 'Nomad or Consul refused the token (403 Permission denied).',
  HEARTH_ERR_NOT_FOUND: 'The named job, service, node or template does not exist.',
  HEARTH_ERR_UNAUTHORIZED: 'An API call that changes state came without the agent\'s API token, or with a wrong one.',
  HEARTH_ERR_TIMEOUT: 'An operation did not finish within its deadline.',
  HEARTH_ERR_JOB_FAILED: 'A submitted job failed to become healthy; its task events are attached.',
  HEARTH_ERR_BPF: 'A libbpf call failed; the function name, errno and a hint are attached.',
  HEARTH_ERR_POWER: 'The power manager refused or failed a sleep, wake or policy change.',
  HEARTH_ERR_STATE: 'Persistent state could not be read or written atomically.',
  HEARTH_ERR_JOIN: 'A node join request was refused (unknown, expired or reused token).',
  HEARTH_ERR_INTERNAL: 'An unexpected failure inside hearth; please report it.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface HearthErrorOptions {
  readonly cause?: unknown;
  /** Structured facts about the failure: what was expected, what was given, where it came from. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class HearthError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: HearthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HearthError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** An error response from Nomad or Consul: the status code and the plain-text body are kept verbatim. */
export class HttpApiError extends HearthError {
  readonly status: number;
  readonly body: string;
  readonly method: string;
  readonly url: string;

  constructor(
    code: 'HEARTH_ERR_NOMAD_HTTP' | 'HEARTH_ERR_CONSUL_HTTP' | 'HEARTH_ERR_ACL_DENIED' | 'HEARTH_ERR_NOT_FOUND',
    init: { service: 'nomad' | 'consul'; status: number; body: string; method: string; url: string },
  ) {
    const text = init.body.trim() === '' ? '(empty body)' : init.body.trim();
    super(code, `${init.service} ${init.method} ${init.url} answered ${init.status}: ${text}`, {
      details: { service: init.service, status: init.status, body: init.body, method: init.method, url: init.url },
    });
    this.name = 'HttpApiError';
    this.status = init.status;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }
}

export function isHearthError(err: unknown, code?: ErrorCode): err is HearthError {
  return err instanceof HearthError && (code === undefined || err.code === code);
}

/** Describes a value for "expected X, got Y" messages: `-1` (number), `"a b"` (string). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return '`null`';
  if (typeof value === 'string') return `${JSON.stringify(value)} (string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `\`${String(value)}\` (${typeof value})`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `\`${JSON.stringify(value)?.slice(0, 80) ?? String(value)}\` (${typeof value})`;
}

/** A broken invariant inside hearth (a module used before start(), a loop that cannot end): a defect to report. */
export function internalError(message: string, details: Readonly<Record<string, unknown>> = {}): HearthError {
  return new HearthError('HEARTH_ERR_INTERNAL', message, { details });
}

/** Builds an input error of the form: Expected <what> for `<name>` (from <source>), got <value>. */
export function invalidInput(name: string, expected: string, given: unknown, source: string): HearthError {
  return new HearthError(
    'HEARTH_ERR_INVALID_INPUT',
    `Expected ${expected} for \`${name}\` (from ${source}), got ${describeValue(given)}.`,
    { details: { name, expected, given, source } },
  );
}
