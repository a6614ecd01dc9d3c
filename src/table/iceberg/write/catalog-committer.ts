import { LochError, isLochError } from '../../../core/errors.js';
import type { IdSource } from '../../../core/ids.js';
import { metadataFileVersion } from '../../../formats/iceberg/metadata/file-names.js';
import type { TableMetadata } from '../../../formats/iceberg/model.js';
import { serializeTableMetadata } from '../../../formats/iceberg/spec/table-metadata.js';
import type { TableLocation } from '../../location.js';
import { loadMetadata, METADATA_DIR } from '../load-metadata.js';
import type { IcebergCommitter } from './contracts.js';

/**
 * Where a catalog (metastore) table's current metadata file is recorded: the port the catalog
 * committer moves, implemented above the table layer (the SQL layer, over the Catalog).
 *
 * Contract:
 * - `current()` is the recorded metadata file (as `swap` was given it), or undefined when the
 *   table has none (not created yet, or dropped).
 * - `swap(expected, next)` records `next` only if the record is still `expected` (undefined:
 *   there is none), atomically: of concurrent swaps from one `expected` exactly one returns
 *   'committed'; the others return 'conflict' and change nothing. Failures of the backend throw
 *   LochError (a swap that throws may or may not have happened).
 */
export interface IcebergPointer {
  current(): Promise<string | undefined>;
  swap(expected: string | undefined, next: string): Promise<'committed' | 'conflict'>;
}

/**
 * The committer of a metastore table (spec "Metastore Tables", as Unity Catalog and Java's
 * catalogs do it): each commit writes a new `metadata/<NNNNN>-<uuid>.metadata.json` (N the
 * base's number + 1, from 0; the uuid from the injected ids, so concurrent writers never
 * collide), then moves the pointer with one compare-and-swap. There is no `version-hint.text`,
 * and loading never lists `metadata/`: it reads exactly the file the pointer names. The pointer
 * holds absolute locations (`<table url>/metadata/…`), as catalogs record them.
 */
export class CatalogCommitter implements IcebergCommitter {
  constructor(
    private readonly table: TableLocation,
    private readonly pointer: IcebergPointer,
    private readonly ids: IdSource,
  ) {}

  async load(): Promise<{ readonly metadata: TableMetadata; readonly metadataFile: string } | undefined> {
    const current = await this.pointer.current();
    if (current === undefined) return undefined;
    const loaded = await loadMetadata(this.table, { metadataFile: current });
    return { metadata: loaded.metadata, metadataFile: current };
  }

  async commit(base: string | undefined, next: TableMetadata): Promise<{ readonly outcome: 'committed'; readonly metadataFile: string } | { readonly outcome: 'conflict' }> {
    const name = `${String(this.nextVersion(base)).padStart(5, '0')}-${this.ids.uuid()}.metadata.json`;
    const key = `${METADATA_DIR}${name}`;
    const bytes = new TextEncoder().encode(serializeTableMetadata(next));
    if ((await this.table.store.putIfAbsent(key, bytes)) === 'exists') {
      throw new LochError('INTERNAL', `iceberg commit: table ${this.table.name}: metadata file ${key} already exists (the id source repeated a uuid)`, { context: { table: this.table.name, key } });
    }
    const file = `${this.table.store.url.replace(/\/+$/, '')}/${key}`;
    const outcome = await this.pointer.swap(base, file);
    if (outcome === 'committed') return { outcome: 'committed', metadataFile: file };
    await this.deleteQuietly(key);
    return { outcome: 'conflict' };
  }

  private nextVersion(base: string | undefined): number {
    if (base === undefined) return 0;
    const version = metadataFileVersion(base.slice(base.lastIndexOf('/') + 1));
    // A pointer set by another writer may use any name; numbering then restarts after it.
    return version === undefined ? 1 : version + 1;
  }

  /** A lost swap leaves the file unreferenced: removing it spares orphan cleanup the work. */
  private async deleteQuietly(key: string): Promise<void> {
    try {
      await this.table.store.delete(key);
    } catch (error) {
      if (!isLochError(error)) throw error;
    }
  }
}
