// The build context for a template: the model catalog when the template needs it.
import type { LoadedConfig } from '../config/load.js';
import type { BuildContext } from '../../jobs/common.js';
import type { JobTemplate } from '../../jobs/index.js';
import { defaultCatalogPath, loadCatalog } from '../models/load.js';

export function resolveCatalogPath(loaded: LoadedConfig): string {
  return loaded.config.models.catalog ?? defaultCatalogPath();
}

export function buildContextFor(templates: readonly JobTemplate[], loaded: LoadedConfig): BuildContext {
  return templates.some((t) => t.needsCatalog) ? { catalog: loadCatalog(resolveCatalogPath(loaded)) } : {};
}
