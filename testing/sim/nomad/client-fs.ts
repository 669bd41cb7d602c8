// Nomad's client filesystem API over the alloc directories the simulated
// clients write (<workDir>/<allocID>/alloc/logs/<task>.<type>.<n>):
// GET /v1/client/fs/cat/:alloc_id?path=P and
// GET /v1/client/fs/logs/:alloc_id?task=T&type=stdout|stderr&plain=true&origin=&offset=.
// Errors are Nomad's plain texts; a path that leaves the alloc directory is refused.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { queryFlag, SimHttpError, type Reply, type Route, type SimRequest } from '../http.js';
import type { NomadStore } from './store.js';

export interface ClientFsOptions {
  readonly store: NomadStore;
  /** The directory holding every allocation's directory. */
  readonly workDir: () => string;
}

const PLAIN = 'text/plain; charset=utf-8';

function inside(root: string, full: string): boolean {
  return full === root || full.startsWith(root + sep);
}

export function createClientFsRoutes(opts: ClientFsOptions): Route[] {
  const requireAlloc = (req: SimRequest) => {
    const id = req.params.id ?? '';
    if (id === '') throw new SimHttpError(400, 'must provide a valid alloc id');
    const alloc = opts.store.allocs.get(id);
    if (alloc === undefined) throw new SimHttpError(404, `Unknown allocation "${id}"`);
    return alloc;
  };

  /** The file `path` names inside the alloc directory; symlinks may not lead out of it either. */
  const resolveInAllocDir = (allocId: string, path: string): string => {
    const root = resolve(opts.workDir(), allocId);
    const full = join(root, path);
    const escapes = !inside(root, full) || (existsSync(full) && existsSync(root) && !inside(realpathSync(root), realpathSync(full)));
    if (escapes) throw new SimHttpError(400, 'Path escapes the alloc directory');
    return full;
  };

  const cat = (req: SimRequest): Reply => {
    const alloc = requireAlloc(req);
    const path = req.query.get('path') ?? '';
    if (path === '') throw new SimHttpError(400, 'must provide a file name');
    const full = resolveInAllocDir(alloc.ID, path);
    if (!existsSync(full)) throw new SimHttpError(404, `stat ${path}: no such file or directory`);
    if (statSync(full).isDirectory()) throw new SimHttpError(400, `file "${path}" is a directory`);
    return { kind: 'text', body: readFileSync(full), contentType: PLAIN };
  };

  const logs = (req: SimRequest): Reply => {
    const alloc = requireAlloc(req);
    const task = req.query.get('task') ?? '';
    if (task === '') throw new SimHttpError(400, 'must provide task name');
    const type = req.query.get('type') ?? '';
    if (type !== 'stdout' && type !== 'stderr') throw new SimHttpError(400, 'must provide log type (stdout/stderr)');
    const origin = req.query.get('origin') ?? 'start';
    if (origin !== 'start' && origin !== 'end') throw new SimHttpError(400, 'origin must be start or end');
    const offsetText = req.query.get('offset') ?? '0';
    const offset = Number(offsetText);
    if (offsetText === '' || !Number.isInteger(offset)) throw new SimHttpError(400, `Failed to parse offset "${offsetText}"`);
    if (queryFlag(req.query, 'follow')) throw new SimHttpError(400, 'the simulator does not follow logs (follow=true)');
    // The task name becomes part of a file name: only the group's own tasks are read.
    const group = alloc.Job.TaskGroups.find((g) => g.Name === alloc.TaskGroup);
    if (group?.Tasks.some((t) => t.Name === task) !== true) throw new SimHttpError(400, `task group "${alloc.TaskGroup}" does not have task with name "${task}"`);

    const dir = resolveInAllocDir(alloc.ID, join('alloc', 'logs'));
    const pattern = new RegExp(`^${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.${type}\\.(\\d+)$`);
    const files = (existsSync(dir) ? readdirSync(dir) : [])
      .map((name) => ({ name, index: Number(pattern.exec(name)?.[1] ?? Number.NaN) }))
      .filter((f) => !Number.isNaN(f.index))
      .sort((a, b) => a.index - b.index);
    if (files.length === 0) throw new SimHttpError(500, `log entry for task "${task}" and log type "${type}" not found`);
    const chunks = files.map((f) => ({ file: `alloc/logs/${f.name}`, data: readFileSync(join(dir, f.name)) }));
    const all = Buffer.concat(chunks.map((c) => c.data));
    const skip = Math.max(0, offset);
    const data = origin === 'start' ? all.subarray(Math.min(skip, all.length)) : all.subarray(Math.max(0, all.length - skip));
    if (queryFlag(req.query, 'plain')) return { kind: 'text', body: data, contentType: PLAIN };
    // Framed: one StreamFrame with the bytes base64-encoded, as Nomad sends when not plain.
    const last = chunks.at(-1);
    return { kind: 'json', body: { Data: data.toString('base64'), File: last?.file ?? '', Offset: last?.data.length ?? 0 } };
  };

  return [
    { methods: ['GET'], pattern: '/v1/client/fs/cat/:id', handler: cat },
    { methods: ['GET'], pattern: '/v1/client/fs/logs/:id', handler: logs },
  ];
}
