import { LochError } from '../core/errors.js';
import { notFound, unexpected } from './catalog-errors.js';
import type { CatalogContext, CatalogLookup, SchemaChain } from './catalog-lookup.js';
import type { ObjectName, TableInfo } from './catalog-types.js';
import { deleteManagedFolder, managedDataOf } from './managed-folders.js';
import type { StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { toTableInfo } from './object-mapping.js';

/** UNDROP TABLE's window in Databricks. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Soft-deleted tables: UNDROP within the retention window, SHOW TABLES DROPPED, and the purge of
 * those dropped longer ago (a managed table's folder is deleted then; an external one's stays).
 */
export class DroppedTables {
  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {}

  /** The most recently dropped table of the name within retention, restored under its old name. */
  async undropTable(name: ObjectName): Promise<TableInfo> {
    const n = normalizeObjectName('table', name);
    const parts = [n.catalog, n.schema, n.name];
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const candidates = (await this.recoverable(chain)).filter((o) => o.name === n.name);
    const newest = candidates[0];
    if (newest === undefined) {
      throw new LochError(
        'NOT_FOUND',
        `catalog: table ${displayName(...parts)} has no dropped version within the last ${describeMs(this.ctx.retentionMs)} (TABLE_OR_VIEW_NOT_FOUND)`,
        { context: { table: displayName(...parts) } },
      );
    }
    const outcome = await this.ctx.metastore.restore(newest.id);
    switch (outcome.status) {
      case 'restored':
        return toTableInfo(outcome.object, n.catalog, n.schema);
      case 'name_taken':
        throw new LochError(
          'ALREADY_EXISTS',
          `catalog: cannot undrop table ${displayName(...parts)}: a table or view of that name exists; rename or drop it first (TABLE_OR_VIEW_ALREADY_EXISTS)`,
          { context: { table: displayName(...parts), id: newest.id } },
        );
      case 'missing':
        throw notFound('table', parts);
      case 'parent_missing':
        throw notFound('schema', [n.catalog, n.schema]);
      default:
        throw unexpected('undrop', (outcome as { status: string }).status);
    }
  }

  /** Dropped tables of a schema still within retention, newest first. */
  async listDroppedTables(catalog: string, schema: string): Promise<TableInfo[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    return (await this.recoverable(chain)).map((o) => toTableInfo(o, chain.catalog.name, chain.schema.name));
  }

  /**
   * Removes for good every table dropped longer ago than the retention, in every schema: the
   * managed folder first, then the record, so a failed delete leaves the record for a later
   * purge to retry rather than orphaned files. Returns how many records were removed.
   */
  async purgeDropped(): Promise<number> {
    const cutoff = this.ctx.clock.now() - this.ctx.retentionMs;
    let purged = 0;
    for (const chain of await this.allSchemas()) {
      const expired = (await this.droppedIn(chain)).filter((o) => (o.deletedAt ?? Infinity) < cutoff);
      for (const object of expired) {
        const managed = managedDataOf(object);
        if (managed !== undefined && !(await deleteManagedFolder(managed, this.ctx.storeOptions))) continue;
        const removed = await this.ctx.metastore.removeTree(object.id);
        if (Array.isArray(removed) && removed.length > 0) purged += 1;
      }
    }
    return purged;
  }

  /** Soft-deleted tables of a schema dropped within the retention, newest first. */
  private async recoverable(chain: SchemaChain): Promise<StoredObject[]> {
    const cutoff = this.ctx.clock.now() - this.ctx.retentionMs;
    const dropped = (await this.droppedIn(chain)).filter((o) => o.deletedAt !== null && o.deletedAt >= cutoff);
    return dropped.sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private droppedIn(chain: SchemaChain): Promise<StoredObject[]> {
    return this.ctx.metastore.list(['table'], chain.schema.id, { deleted: true });
  }

  private async allSchemas(): Promise<SchemaChain[]> {
    const chains: SchemaChain[] = [];
    for (const catalog of await this.ctx.metastore.list(['catalog'], null)) {
      for (const schema of await this.ctx.metastore.list(['schema'], catalog.id)) chains.push({ catalog, schema });
    }
    return chains;
  }
}

/** "7 days", "36 hours", "90000 ms": the retention as a person reads it. */
export function describeMs(ms: number): string {
  const day = 24 * 60 * 60 * 1000;
  const hour = 60 * 60 * 1000;
  if (ms % day === 0) return `${ms / day} day${ms === day ? '' : 's'}`;
  if (ms % hour === 0) return `${ms / hour} hour${ms === hour ? '' : 's'}`;
  return `${ms} ms`;
}
