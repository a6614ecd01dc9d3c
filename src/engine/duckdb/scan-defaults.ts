/**
 * Column defaults (ScanSpec.columnDefaults): the value a column has in rows of files that do not
 * contain it. By field id, read_parquet's `schema` parameter fills missing ids itself; by name,
 * union_by_name cannot tell a missing column from a stored NULL, so the engine looks up which
 * files hold which top-level columns and chooses per file.
 */
import { LochError } from '../../core/errors.js';
import type { Literal } from '../../expr/nodes.js';
import { dataTypeToDuckDb, literalToSql, quoteString } from '../../expr/to-sql.js';
import type { DataType } from '../../expr/types.js';
import type { ScanSpec } from '../scan-spec.js';
import type { ScanContext } from './scan-context.js';
import { findSourceField } from './scan-columns.js';

/**
 * The `default_value` of a read_parquet `schema` entry. DuckDB needs one type for all entries of
 * the MAP, so every default is VARCHAR text that DuckDB casts to the entry's type; DuckDB's own
 * text of a value casts back to the same value.
 */
export function schemaDefaultSql(literal: Literal | undefined): string {
  if (literal === undefined || literal.value === null) return 'CAST(NULL AS VARCHAR)';
  return `CAST(${literalToSql(literal)} AS VARCHAR)`;
}

/** A non-null default of a column as SQL of the column's table type; undefined when there is none. */
export function defaultValueSql(spec: ScanSpec, column: string, type: DataType): string | undefined {
  const literal = spec.columnDefaults?.[column];
  if (literal === undefined || literal.value === null) return undefined;
  return `CAST(${literalToSql(literal)} AS ${dataTypeToDuckDb(type)})`;
}

interface SchemaRow {
  readonly name: string;
  readonly children: number;
}

/** Index after the subtree starting at `at` (parquet schemas list elements depth-first). */
function skipSubtree(rows: readonly SchemaRow[], at: number): number {
  const children = rows[at]?.children ?? 0;
  let next = at + 1;
  for (let c = 0; c < children; c += 1) next = skipSubtree(rows, next);
  return next;
}

function topLevelNames(rows: readonly SchemaRow[]): string[] {
  const names: string[] = [];
  const count = rows[0]?.children ?? 0;
  let at = 1;
  for (let c = 0; c < count && at < rows.length; c += 1) {
    names.push((rows[at] as SchemaRow).name);
    at = skipSubtree(rows, at);
  }
  return names;
}

/** The top-level column names of each file of the scan, by file index (one metadata query). */
export async function topLevelNamesPerFile(ctx: ScanContext, spec: ScanSpec): Promise<string[][]> {
  const list = `[${spec.files.map((f) => quoteString(f.localPath)).join(', ')}]`;
  const rows = await ctx.rows(`SELECT file_name, name, num_children FROM parquet_schema(${list}) ORDER BY file_name, column_id`);
  const byFile = new Map<string, SchemaRow[]>();
  for (const [file, name, children] of rows) {
    const key = String(file);
    const into = byFile.get(key) ?? [];
    into.push({ name: String(name), children: children === null || children === undefined ? 0 : Number(children) });
    byFile.set(key, into);
  }
  return spec.files.map((f) => {
    const schema = byFile.get(f.localPath);
    if (schema === undefined) {
      throw new LochError('INTERNAL', `scan: parquet_schema returned nothing for file ${f.localPath}`, { context: { file: f.localPath } });
    }
    return topLevelNames(schema);
  });
}

/** Per file: does it hold a top-level column named `physicalName` (exactly or up to case)? */
export function presence(names: readonly string[][], physicalName: string): boolean[] {
  return names.map((n) => findSourceField(n.map((name) => ({ name })), physicalName) !== undefined);
}
