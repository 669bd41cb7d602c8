// Adds a joined node to the Ansible inventory's worker_nodes group, keeping
// the file's comments and layout, and replacing it atomically.
import { readFile } from 'node:fs/promises';
import type { Document } from 'yaml';
import { HearthError } from '../errors.js';
import { replaceFileAtomically } from '../state/atomic-file.js';

export const WORKER_GROUP = 'worker_nodes';

export interface InventoryHost {
  readonly hostname: string;
  readonly mac: string;
  readonly address?: string | undefined;
}

export interface InventoryWriter {
  addWorker(host: InventoryHost): Promise<void>;
}

/** The path of the worker group's hosts: under all.children when the file uses that layout, else top level. */
function workerHostsPath(doc: Document): string[] {
  if (doc.hasIn(['all', 'children', WORKER_GROUP]) || doc.hasIn(['all', 'children'])) {
    return ['all', 'children', WORKER_GROUP, 'hosts'];
  }
  return [WORKER_GROUP, 'hosts'];
}

async function readInventory(path: string): Promise<Document> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // The yaml package (its Document API keeps comments) loads on the first join, not with the agent.
  const { isMap, parseDocument } = await import('yaml');
  const doc = parseDocument(text === '' ? '{}' : text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new HearthError('HEARTH_ERR_STATE', `The inventory ${path} is not a YAML mapping; the node was not added.`, {
      details: { path, errors: doc.errors.map((e) => e.message) },
    });
  }
  return doc;
}

export function createInventoryWriter(path: string): InventoryWriter {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    addWorker(host) {
      const run = async (): Promise<void> => {
        const doc = await readInventory(path);
        const vars: Record<string, string> = { hearth_mac: host.mac };
        if (host.address !== undefined) vars['ansible_host'] = host.address;
        doc.setIn([...workerHostsPath(doc), host.hostname], doc.createNode(vars));
        await replaceFileAtomically(path, doc.toString(), 0o644);
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
