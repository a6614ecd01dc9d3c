import { rm } from 'node:fs/promises';
import { openStore, parseLocation } from '../storage/open-store.js';
import type { OpenStoreOptions } from '../storage/open-store.js';
import { isManagedLocation } from './managed-locations.js';
import type { ManagedFolder } from './managed-locations.js';
import type { StoredObject } from './metastore.js';

/** A managed folder to delete: where it is and which object (kind and id) it belonged to. */
export interface ManagedData {
  readonly folder: ManagedFolder;
  readonly id: string;
  readonly location: string;
}

/**
 * The managed folder of a removed metastore object (a MANAGED table or volume, a vector index), or undefined for
 * views, external objects, catalogs and schemas. Only locations of the managed shape
 * `…/<folder>/<id>` qualify, so a damaged document never sends a delete elsewhere.
 */
export function managedDataOf(object: StoredObject): ManagedData | undefined {
  const location = object.data['location'];
  if (typeof location !== 'string') return undefined;
  if (object.kind === 'table' && object.data['tableType'] === 'MANAGED') return check({ folder: 'tables', id: object.id, location });
  if (object.kind === 'volume' && object.data['volumeType'] === 'MANAGED') return check({ folder: 'volumes', id: object.id, location });
  if (object.kind === 'vector_index') return check({ folder: 'vector_indexes', id: object.id, location });
  return undefined;
}

function check(data: ManagedData): ManagedData | undefined {
  return isManagedLocation(data.location, data.folder, data.id) ? data : undefined;
}

/**
 * Deletes every object under a managed folder through its ObjectStore, then (for a local folder)
 * the empty directories left behind. Best effort: returns false instead of throwing when the
 * storage fails, since the metastore change it follows has already happened.
 */
export async function deleteManagedFolder(data: ManagedData, storeOptions: OpenStoreOptions): Promise<boolean> {
  try {
    const store = openStore(data.location, storeOptions);
    const keys: string[] = [];
    for await (const meta of store.list('')) keys.push(meta.key);
    for (const key of keys) await store.delete(key);
    const parsed = parseLocation(data.location, storeOptions.cwd);
    if (parsed.kind === 'local') await rm(parsed.path, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}

/** Deletes the managed folders of removed objects (best effort); returns how many were deleted. */
export async function deleteManagedFoldersOf(objects: readonly StoredObject[], storeOptions: OpenStoreOptions): Promise<number> {
  let deleted = 0;
  for (const object of objects) {
    const data = managedDataOf(object);
    if (data !== undefined && (await deleteManagedFolder(data, storeOptions))) deleted += 1;
  }
  return deleted;
}
