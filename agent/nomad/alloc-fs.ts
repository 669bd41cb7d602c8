// An allocation's files through Nomad's client filesystem API: a file of the
// alloc directory (/v1/client/fs/cat) and a task's logs (/v1/client/fs/logs,
// plain, not followed). Both answer raw bytes; errors stay HttpApiError with
// Nomad's status and text ("Unknown allocation \"<id>\"", 404).
import { invalidInput } from '../errors.js';
import type { CallOptions, NomadConnection } from './connection.js';
import { pathSegment as id } from './connection.js';

export type LogType = 'stdout' | 'stderr';

export interface LogsOptions extends CallOptions {
  readonly type: LogType;
  /** Where `offset` counts from: the first byte of the logs, or the last. Default start. */
  readonly origin?: 'start' | 'end';
  /** Bytes to skip from `origin`. Default 0. */
  readonly offset?: number;
}

export interface AllocFsApi {
  /** A file of the alloc directory, by its path inside it: "alloc/logs/llama-bench.stdout.0". */
  readFile(allocId: string, path: string, options?: CallOptions): Promise<string>;
  /** A task's stdout or stderr across its rotated log files. */
  logs(allocId: string, task: string, options: LogsOptions): Promise<string>;
}

function requireNonEmpty(name: string, value: string, what: string): void {
  if (value === '') throw invalidInput(name, what, value, 'the client filesystem request');
}

export function createAllocFsApi(conn: NomadConnection): AllocFsApi {
  return {
    async readFile(allocId, path, options = {}) {
      requireNonEmpty('allocId', allocId, 'an allocation ID');
      requireNonEmpty('path', path, 'a path inside the alloc directory');
      return conn.text(`/v1/client/fs/cat/${id(allocId)}`, options, { path });
    },
    async logs(allocId, task, options) {
      requireNonEmpty('allocId', allocId, 'an allocation ID');
      requireNonEmpty('task', task, 'a task name');
      const offset = options.offset ?? 0;
      if (!Number.isInteger(offset) || offset < 0) throw invalidInput('offset', 'a non-negative integer', offset, 'the client filesystem request');
      return conn.text(`/v1/client/fs/logs/${id(allocId)}`, options, {
        task,
        type: options.type,
        // Not followed (Nomad's default): the answer ends with the logs written so far.
        plain: true,
        origin: options.origin ?? 'start',
        offset,
      });
    },
  };
}
