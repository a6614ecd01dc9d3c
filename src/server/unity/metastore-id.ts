import { createHash } from 'node:crypto';

/**
 * The metastore's id as the API reports it (GET /metastore_summary) and accepts it as the
 * full_name of the `metastore` securable: a UUID-shaped digest of the warehouse root, so every
 * process serving one warehouse reports the same id without storing one.
 */
export function metastoreId(warehouse: string): string {
  const hex = createHash('sha256').update(`loch-metastore:${warehouse}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
