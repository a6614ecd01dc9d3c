import { LochError } from '../core/errors.js';
import { tooManyConflicts, unexpected } from './catalog-errors.js';
import type { Metastore, StoredObject } from './metastore.js';

/** Revision races (other fields of the document changing) retried before giving up. */
const MAX_ATTEMPTS = 16;

/**
 * The metadata pointers of catalog Iceberg tables (Unity Catalog's managed Iceberg tables): the
 * `metadataLocation` field of the table's metastore document, moved by compare-and-swap of the
 * document revision. See Catalog.icebergMetadataLocation / commitIcebergMetadata for the contract.
 */
export class IcebergPointers {
  constructor(private readonly metastore: Metastore) {}

  async current(tableId: string): Promise<string | undefined> {
    const object = await this.metastore.getById(tableId);
    if (object === undefined || object.deletedAt !== null) return undefined;
    return pointerOf(object);
  }

  async swap(tableId: string, expected: string | undefined, next: string): Promise<'committed' | 'conflict'> {
    if (next.trim() === '') throw new LochError('INVALID_ARGUMENT', `catalog: Iceberg table ${tableId}: the new metadata location is empty`);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const object = await this.metastore.getById(tableId);
      if (object === undefined) throw missingTable(tableId);
      if (object.deletedAt !== null || pointerOf(object) !== expected) return 'conflict';
      const outcome = await this.metastore.update(tableId, { expectedRevision: object.revision, data: { ...object.data, metadataLocation: next } });
      switch (outcome.status) {
        case 'updated':
          return 'committed';
        case 'conflict':
          continue;
        case 'missing':
          // Dropped between the read and the swap.
          return 'conflict';
        default:
          throw unexpected(`metadata commit of Iceberg table ${tableId}`, outcome.status);
      }
    }
    throw tooManyConflicts('table', [tableId]);
  }
}

function pointerOf(object: StoredObject): string | undefined {
  if (object.kind !== 'table' || object.data['format'] !== 'ICEBERG') {
    throw new LochError('INVALID_ARGUMENT', `catalog: ${object.kind} ${object.name} (id ${object.id}) is not an Iceberg table; it has no metadata pointer`, {
      context: { id: object.id, kind: object.kind },
    });
  }
  const location = object.data['metadataLocation'];
  return typeof location === 'string' && location !== '' ? location : undefined;
}

function missingTable(tableId: string): LochError {
  return new LochError('NOT_FOUND', `catalog: no table has id ${tableId} (TABLE_OR_VIEW_NOT_FOUND)`, { context: { id: tableId } });
}
