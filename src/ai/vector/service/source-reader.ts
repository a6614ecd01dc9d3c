import type { ObjectName, TableInfo } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { Row, Session } from '../../../engine/index.js';
import type { StructField } from '../../../expr/types.js';
import { isPrimitive } from '../../../expr/types.js';
import type { ExtensionHost } from '../../../sql/extension.js';
import { sqlIdent } from '../../../sql/sql-text.js';
import { planChangeFeed } from '../../../table/change-feed.js';
import { DeltaTable } from '../../../table/delta-table.js';
import type { TableSnapshot } from '../../../table/delta-table.js';
import { fullName } from './index-document.js';

/**
 * Reading an index's source table for sync. Sync reads the table itself (through the table
 * layer, as Loch's admin), not through anyone's governed SQL: the index is a derived copy of
 * every row, and row filters and column masks apply when search results are read back through
 * the caller's governed SQL. Reading as the owner instead would bake the owner's row filter
 * into the index for every caller.
 */

export interface SourceTable {
  readonly info: TableInfo;
  readonly table: DeltaTable;
}

/** The source as a Delta table; INVALID_ARGUMENT for views and Iceberg tables. */
export async function openSource(host: ExtensionHost, name: ObjectName): Promise<SourceTable> {
  const info = await host.catalog.getTable(name);
  if (info.tableType === 'VIEW' || (info.format !== undefined && info.format !== 'DELTA') || info.location === undefined) {
    throw new LochError('INVALID_ARGUMENT', `vector index: source ${fullName(name)} must be a Delta table (views and Iceberg tables cannot be indexed)`, { context: { source: fullName(name) } });
  }
  return { info, table: DeltaTable.open(host.ctx, info.location) };
}

/** True when the snapshot's table writes a change data feed. */
export function feedEnabled(snapshot: TableSnapshot): boolean {
  return snapshot.properties['delta.enableChangeDataFeed']?.toLowerCase() === 'true';
}

/** The top-level column of the source named `name` (case-insensitive). */
export function columnOf(snapshot: TableSnapshot, name: string): StructField | undefined {
  const lower = name.toLowerCase();
  return snapshot.schema.fields.find((f) => f.name.toLowerCase() === lower);
}

/** A primary key column must hold exact values: integers or strings. */
export function isKeyType(f: StructField): boolean {
  return isPrimitive(f.type, 'byte', 'short', 'integer', 'long', 'string');
}

/** A vector column: ARRAY<FLOAT> or ARRAY<DOUBLE>. */
export function isVectorType(f: StructField): boolean {
  return f.type.kind === 'array' && isPrimitive(f.type.element, 'float', 'double');
}

/**
 * The key the index holds for a primary key value: the JSON of the value (integers as digits,
 * strings quoted), undefined for NULL. `keyText` gives back what `CAST(pk AS VARCHAR)` prints.
 */
export function pkKey(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(String(value));
}

export function keyText(key: string): string {
  return key.startsWith('"') ? (JSON.parse(key) as string) : key;
}

/**
 * Every row of the snapshot, only `columns` (in that order), handed to `each` a DuckDB batch at a
 * time (awaited before the next is read), so a full sync never holds the table in JS memory.
 */
export async function forEachBatch(host: ExtensionHost, snapshot: TableSnapshot, columns: readonly string[], each: (rows: Row[]) => Promise<void>): Promise<void> {
  const planned = await snapshot.plan({ columns });
  await withSession(host, planned.release, async (session) => {
    const scan = await session.registerScan(planned.spec);
    const result = await session.query(`SELECT ${columns.map(sqlIdent).join(', ')} FROM ${scan.sql}`);
    for await (const rows of result.batches()) await each(rows);
  });
}

/** One change of the feed: the row's `columns`, then its change type and commit version. */
export interface ChangeRow {
  readonly values: Row;
  readonly changeType: string;
  readonly version: number;
}

/** The change data feed of versions [start, end.version], only `columns` of each row. */
export async function readChanges(host: ExtensionHost, end: TableSnapshot, start: number, columns: readonly string[]): Promise<ChangeRow[]> {
  const planned = await planChangeFeed(host.ctx, end, start);
  return withSession(host, planned.release, async (session) => {
    const cdc = await session.registerScan(planned.cdcSpec);
    const derived = await session.registerScan(planned.derivedSpec);
    const list = [...columns.map(sqlIdent), '_change_type', '_commit_version'].join(', ');
    const result = await session.query(`SELECT ${list} FROM ${cdc.sql} UNION ALL SELECT ${list} FROM ${derived.sql}`);
    const rows = await result.all();
    return rows.map((r) => ({ values: r.slice(0, columns.length), changeType: String(r[columns.length]), version: Number(r[columns.length + 1]) }));
  });
}

async function withSession<T>(host: ExtensionHost, release: () => void, work: (session: Session) => Promise<T>): Promise<T> {
  let session: Session | undefined;
  try {
    session = await host.ctx.engine.session();
    return await work(session);
  } finally {
    await session?.close();
    release();
  }
}
