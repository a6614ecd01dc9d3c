import type { TableInfo } from '../../catalog/catalog-types.js';
import type { StructType } from '../../expr/types.js';
import type { IcebergSchema, TableMetadata } from '../../formats/iceberg/model.js';
import { toLochSchema } from '../../formats/iceberg/spec/schema.js';
import { parseTransform } from '../../formats/iceberg/transforms/transform.js';
import { loadMetadata } from '../../table/iceberg/load-metadata.js';
import type { TableContext } from '../../table/context.js';
import { locateTable } from '../../table/location.js';
import { quoteIfNeeded } from './spark-types.js';

/**
 * A catalog Iceberg table as SHOW / DESCRIBE / information_schema see it: its current metadata
 * (the file the catalog points to; `metadata/` is never listed), the current schema, and the
 * partition spec in Spark's words (`days(ts)`, `bucket(16, id)`).
 */
export interface IcebergRelation {
  readonly metadata: TableMetadata;
  readonly schema: StructType;
  /** Column docs by top-level name (Iceberg keeps them in the schema, not in Loch's fields). */
  readonly docs: ReadonlyMap<string, string>;
  /** Spark's partition transforms of the default spec, in order. */
  readonly partitioning: readonly string[];
  /** Identity-partitioned columns (information_schema's partition_ordinal_position). */
  readonly partitionColumns: readonly string[];
}

export async function openIcebergRelation(ctx: TableContext, info: TableInfo): Promise<IcebergRelation> {
  const table = locateTable(info.location ?? '', ctx.storeOptions);
  const { metadata } = await loadMetadata(table, info.metadataLocation !== undefined ? { metadataFile: info.metadataLocation } : {});
  const schema = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId) ?? metadata.schemas[0];
  const fields = schema?.fields ?? [];
  const spec = metadata.partitionSpecs.find((s) => s.specId === metadata.defaultSpecId);
  const terms = (spec?.fields ?? []).map((f) => ({ transform: f.transform, column: fields.find((c) => c.id === f.sourceIds[0])?.name ?? String(f.sourceIds[0]) }));
  return {
    metadata,
    schema: schema === undefined ? { kind: 'struct', fields: [] } : toLochSchema(schema),
    docs: docsOf(schema),
    partitioning: terms.map((t) => sparkTransform(t.transform, t.column)),
    partitionColumns: terms.filter((t) => t.transform === 'identity').map((t) => t.column),
  };
}

function docsOf(schema: IcebergSchema | undefined): Map<string, string> {
  return new Map((schema?.fields ?? []).flatMap((f) => (f.doc !== undefined ? [[f.name, f.doc] as const] : [])));
}

/** `day` of ts → `days(ts)`, `bucket[16]` of id → `bucket(16, id)`, identity → the column. */
export function sparkTransform(transform: string, column: string): string {
  const c = quoteIfNeeded(column);
  const t = parseTransform(transform);
  switch (t.kind) {
    case 'identity':
      return c;
    case 'bucket':
      return `bucket(${t.n}, ${c})`;
    case 'truncate':
      return `truncate(${t.width}, ${c})`;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return `${t.kind}s(${c})`;
    case 'void':
      return `void(${c})`;
    default:
      return `${transform}(${c})`;
  }
}

/** The table comment: Iceberg keeps it as the `comment` property. */
export function icebergComment(relation: IcebergRelation): string | undefined {
  return relation.metadata.properties['comment'];
}

/** Properties as Spark's Iceberg catalog shows them: the table's, without `comment`, with `format-version`. */
export function icebergProperties(relation: IcebergRelation): [string, string][] {
  const props = new Map(Object.entries(relation.metadata.properties).filter(([k]) => k !== 'comment'));
  props.set('format-version', String(relation.metadata.formatVersion));
  return [...props.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Live data files and their bytes, from the current snapshot's summary totals. */
export function icebergTotals(relation: IcebergRelation): { readonly files: number; readonly bytes: number; readonly lastModified: number } {
  const m = relation.metadata;
  const snapshot = m.snapshots.find((s) => s.snapshotId === m.currentSnapshotId);
  const total = (key: string) => Number(snapshot?.summary[key] ?? 0) || 0;
  return { files: total('total-data-files'), bytes: total('total-files-size'), lastModified: m.lastUpdatedMs };
}
