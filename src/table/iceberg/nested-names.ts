import { quoteString } from '../../expr/to-sql.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import type { IcebergType, TableMetadata } from '../../formats/iceberg/model.js';
import type { TableContext } from '../context.js';

/**
 * Ids of fields nested in structs whose name differs between the table's schemas: a rename
 * inside a struct. Top-level columns are read by field id, but DuckDB finds fields inside a
 * struct by name, so files written before such a rename must be read with the old name.
 */
export function renamedNestedIds(metadata: TableMetadata): Set<number> {
  const names = new Map<number, Set<string>>();
  const visit = (type: IcebergType): void => {
    if (type.kind === 'struct') {
      for (const f of type.fields) {
        names.set(f.id, (names.get(f.id) ?? new Set()).add(f.name));
        visit(f.type);
      }
    } else if (type.kind === 'list') visit(type.element);
    else if (type.kind === 'map') {
      visit(type.key);
      visit(type.value);
    }
  };
  for (const schema of metadata.schemas) for (const f of schema.fields) visit(f.type);
  return new Set([...names].filter(([, set]) => set.size > 1).map(([id]) => id));
}

/** For each local file, field id → the name the file gives it, for the ids asked about. */
export async function fileFieldNames(ctx: TableContext, localPaths: readonly string[], ids: ReadonlySet<number>): Promise<Map<string, Map<number, string>>> {
  const out = new Map<string, Map<number, string>>();
  if (localPaths.length === 0 || ids.size === 0) return out;
  const session = await ctx.engine.session();
  try {
    const list = `[${localPaths.map((p) => quoteString(p)).join(', ')}]`;
    const rows = await (await session.query(`SELECT file_name, field_id, name FROM parquet_schema(${list}) WHERE field_id IN (${[...ids].join(', ')})`)).all();
    for (const [file, id, name] of rows) {
      const key = String(file);
      if (!out.has(key)) out.set(key, new Map());
      (out.get(key) as Map<number, string>).set(Number(id), String(name));
    }
  } finally {
    await session.close();
  }
  return out;
}

/** `fields` with nested physical names as one file spells them (ids not in `names` keep theirs). */
export function withFileNames(fields: readonly StructField[], names: ReadonlyMap<number, string>, nested = false): StructField[] {
  return fields.map((f) => {
    const renamed = nested && f.fieldId !== undefined ? names.get(f.fieldId) : undefined;
    return { ...f, ...(renamed !== undefined ? { physicalName: renamed } : {}), type: renameIn(f.type, names) };
  });
}

function renameIn(type: DataType, names: ReadonlyMap<number, string>): DataType {
  switch (type.kind) {
    case 'struct':
      return { ...type, fields: withFileNames(type.fields, names, true) } satisfies StructType;
    case 'array':
      return { ...type, element: renameIn(type.element, names) };
    case 'map':
      return { ...type, key: renameIn(type.key, names), value: renameIn(type.value, names) };
    default:
      return type;
  }
}
