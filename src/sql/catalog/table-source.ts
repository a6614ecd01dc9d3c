import type { TableInfo } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { StructField } from '../../expr/types.js';
import { DeltaTable, type TableSnapshot } from '../../table/delta-table.js';
import type { TableRef } from '../parse/write-clauses.js';
import { formatName, resolveName, type SqlEnv } from '../sql-env.js';
import { icebergComment, icebergProperties, openIcebergRelation, type IcebergRelation } from './iceberg-relation.js';
import { duckDbTypeAsDataType, duckDbTypeAsSpark, fieldComment, sparkCatalogString } from './spark-types.js';

/**
 * A table or view named in SHOW/DESCRIBE: a catalog entry (table or view) or a Delta table by
 * path, with the latest snapshot of a Delta table read once, at the start of the statement.
 */
export interface RelationSource {
  /** The name as users write it: main.default.t or delta.`/p`. */
  readonly display: string;
  /** The catalog entry; undefined for a table addressed by path. */
  readonly info?: TableInfo;
  /** The Delta table's latest snapshot; undefined for a view and an Iceberg table. */
  readonly snapshot?: TableSnapshot;
  /** A catalog Iceberg table's current metadata. */
  readonly iceberg?: IcebergRelation;
}

/** One output column of a relation, in Spark's terms. */
export interface RelationColumn {
  readonly name: string;
  /** Catalog string: bigint, decimal(10,2), struct<a:int>. */
  readonly type: string;
  readonly nullable: boolean;
  readonly comment?: string;
  /** The Delta field (tables only). */
  readonly field?: StructField;
}

/** Opens `ref`: NOT_FOUND from the catalog for unknown names, INVALID_ARGUMENT for non-Delta paths. */
export async function openRelation(env: SqlEnv, ref: TableRef, what: string): Promise<RelationSource> {
  if (ref.kind === 'path') {
    if (ref.format !== 'delta') throw new LochError('INVALID_ARGUMENT', `sql: ${what} needs a Delta table (delta.\`<path>\`), not ${ref.format}.\`${ref.path}\``);
    const display = `delta.\`${ref.path.replaceAll('`', '``')}\``;
    return { display, snapshot: await DeltaTable.open(env.ctx, ref.path).snapshot() };
  }
  const name = resolveName(env.state, ref.parts);
  const info = await env.catalog.getTable(name);
  const display = formatName({ catalog: info.catalog, schema: info.schema, name: info.name });
  if (info.tableType === 'VIEW') return { display, info };
  if (info.location === undefined) throw new LochError('INTERNAL', `sql: ${what}: table ${display} has no location in the catalog`);
  if (info.format === 'ICEBERG') return { display, info, iceberg: await openIcebergRelation(env.ctx, info) };
  return { display, info, snapshot: await DeltaTable.open(env.ctx, info.location).snapshot() };
}

/** The relation's columns: a table's from its Delta schema, a view's as recorded at creation. */
export function relationColumns(source: RelationSource): RelationColumn[] {
  const iceberg = source.iceberg;
  if (iceberg !== undefined) {
    return iceberg.schema.fields.map((f) => {
      const comment = iceberg.docs.get(f.name);
      return { name: f.name, type: sparkCatalogString(f.type), nullable: f.nullable, field: f, ...(comment === undefined ? {} : { comment }) };
    });
  }
  if (source.snapshot !== undefined) {
    return source.snapshot.schema.fields.map((f) => {
      const comment = fieldComment(f);
      return { name: f.name, type: sparkCatalogString(f.type), nullable: f.nullable, field: f, ...(comment === undefined ? {} : { comment }) };
    });
  }
  return (source.info?.viewColumns ?? []).map((c) => ({ name: c.name, type: duckDbTypeAsSpark(c.type, c.name), nullable: true }));
}

/** A view column's type as a DataType when tables could hold it (for information_schema). */
export function viewColumnType(column: { readonly name: string; readonly type: string }): ReturnType<typeof duckDbTypeAsDataType> {
  return duckDbTypeAsDataType(column.type, column.name);
}

/** The table's comment: the Delta description, or the view's catalog comment. */
export function relationComment(source: RelationSource): string | undefined {
  if (source.snapshot !== undefined) return source.snapshot.delta.metadata.description ?? undefined;
  if (source.iceberg !== undefined) return icebergComment(source.iceberg);
  return source.info?.comment;
}

/**
 * Table properties as Delta shows them (DeltaTableV2.properties minus the reserved ones): the
 * configuration, the protocol versions and `delta.feature.<name> = supported` for each table
 * feature; a view's are its catalog properties. Sorted by key.
 */
export function relationProperties(source: RelationSource): [string, string][] {
  const snapshot = source.snapshot;
  if (source.iceberg !== undefined) return icebergProperties(source.iceberg);
  if (snapshot === undefined) return Object.entries(source.info?.properties ?? {}).sort(byKey);
  const props = new Map<string, string>(Object.entries(snapshot.properties).filter(([k]) => k !== 'path'));
  const protocol = snapshot.delta.protocol;
  props.set('delta.minReaderVersion', String(protocol.minReaderVersion));
  props.set('delta.minWriterVersion', String(protocol.minWriterVersion));
  for (const feature of new Set([...(protocol.readerFeatures ?? []), ...(protocol.writerFeatures ?? [])])) props.set(`delta.feature.${feature}`, 'supported');
  return [...props.entries()].sort(byKey);
}

/** Liquid clustering columns (logical names) from the `delta.clustering` domain. */
export function clusteringColumns(snapshot: TableSnapshot): string[] {
  const domain = snapshot.delta.domainMetadata.get('delta.clustering');
  if (domain === undefined) return [];
  try {
    const parsed = JSON.parse(domain.configuration) as { clusteringColumns?: string[][] };
    const byPhysical = new Map(snapshot.schema.fields.map((f) => [f.physicalName, f.name]));
    return (parsed.clusteringColumns ?? []).map((path) => path.map((p) => byPhysical.get(p) ?? p).join('.'));
  } catch {
    return [];
  }
}

function byKey(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
