import type { ScanFile, ScanSpec } from '../../engine/scan-spec.js';
import type { Literal } from '../../expr/nodes.js';
import { quoteString } from '../../expr/to-sql.js';
import type { StructField, StructType } from '../../expr/types.js';
import type { IcebergSchema, LiveEntry, PartitionSpec } from '../../formats/iceberg/model.js';
import { nameForId, parseNameMapping } from '../../formats/iceberg/spec/name-mapping.js';
import type { TableContext } from '../context.js';
import type { IcebergFiles } from './snapshot-files.js';

/** The table property holding the name mapping for files written without field ids. */
export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default';

/**
 * Local paths of the files that carry no parquet field ids at all (Hive or Spark-migrated
 * files). Only tables with a name mapping are checked: without one, files must have ids.
 */
export async function filesWithoutIds(ctx: TableContext, files: IcebergFiles, localPaths: readonly string[]): Promise<Set<string>> {
  if (files.metadata.properties[NAME_MAPPING_PROPERTY] === undefined || localPaths.length === 0) return new Set();
  const session = await ctx.engine.session();
  try {
    const list = `[${localPaths.map((p) => quoteString(p)).join(', ')}]`;
    const result = await session.query(`SELECT file_name, count(field_id) FROM parquet_schema(${list}) GROUP BY file_name`);
    const rows = await result.all();
    const withIds = new Set(rows.filter((r) => Number(r[1]) > 0).map((r) => String(r[0])));
    return new Set(localPaths.filter((p) => !withIds.has(p)));
  } finally {
    await session.close();
  }
}

/**
 * A by-name scan of files without ids, for one partition spec: columns are found under the
 * mapping's names, and identity-partitioned columns take their value from the manifest's
 * partition tuple (a Hive migration keeps them only in directory names).
 */
export function nameMappedSpec(
  files: IcebergFiles,
  schema: IcebergSchema,
  lochSchema: StructType,
  base: ScanSpec,
  spec: PartitionSpec,
  mappingText: string,
  group: readonly { entry: LiveEntry; file: ScanFile }[],
): ScanSpec {
  const mapping = parseNameMapping(mappingText, `table ${files.table.name} property ${NAME_MAPPING_PROPERTY}`);
  const columns: StructField[] = lochSchema.fields.map((f, i) => {
    const id = schema.fields[i]?.id;
    const mapped = id === undefined ? undefined : nameForId(mapping, id);
    const { fieldId: _drop, ...rest } = f;
    return { ...rest, physicalName: mapped ?? f.physicalName };
  });
  const identity = new Map<number, number>();
  for (const pf of spec.fields) if (pf.transform === 'identity' && pf.sourceIds.length === 1) identity.set(pf.sourceIds[0] as number, pf.fieldId);
  const partitionColumns = schema.fields.filter((f) => identity.has(f.id)).map((f) => f.name);
  const scanFiles = group.map(({ entry, file }) => {
    const values: Record<string, Literal> = {};
    schema.fields.forEach((f, i) => {
      const pfId = identity.get(f.id);
      if (pfId === undefined) return;
      const type = (lochSchema.fields[i] as StructField).type;
      values[f.name] = { kind: 'literal', type, value: entry.dataFile.partition.get(pfId) ?? null };
    });
    return { ...file, partitionValues: values };
  });
  return { ...base, columns, partitionColumns, files: scanFiles, resolveBy: 'name' };
}
