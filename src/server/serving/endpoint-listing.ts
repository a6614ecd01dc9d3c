/**
 * Every model endpoint the caller may see, over all catalogs and schemas it may list (the
 * governed catalog leaves hidden ones out), and the ones it may call (EXECUTE). A catalog or
 * schema dropped or made invisible while listing is skipped rather than failing the listing.
 */
import type { Catalog, ModelEndpointInfo } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';

/** Visible endpoints, ordered by full name. */
export async function visibleEndpoints(catalog: Catalog): Promise<ModelEndpointInfo[]> {
  const found: ModelEndpointInfo[] = [];
  for (const cat of await catalog.listCatalogs()) {
    const schemas = await skipGone(() => catalog.listSchemas(cat.name));
    for (const schema of schemas) found.push(...(await skipGone(() => catalog.listModelEndpoints(cat.name, schema.name))));
  }
  const key = (e: ModelEndpointInfo): string => `${e.catalog}.${e.schema}.${e.name}`;
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Visible endpoints the caller holds EXECUTE on. */
export async function executableEndpoints(catalog: Catalog): Promise<ModelEndpointInfo[]> {
  const visible = await visibleEndpoints(catalog);
  const allowed = await Promise.all(visible.map((e) => catalog.mayAccess('EXECUTE', { type: 'MODEL_ENDPOINT', name: { catalog: e.catalog, schema: e.schema, name: e.name } })));
  return visible.filter((_, i) => allowed[i] === true);
}

async function skipGone<T>(list: () => Promise<T[]>): Promise<T[]> {
  try {
    return await list();
  } catch (error) {
    if (isLochError(error, 'NOT_FOUND') || isLochError(error, 'PERMISSION_DENIED')) return [];
    throw error;
  }
}
