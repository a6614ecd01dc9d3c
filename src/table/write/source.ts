import { LochError } from '../../core/errors.js';
import { dataTypeFromDuckDb } from '../../engine/index.js';
import type { Session } from '../../engine/index.js';
import { dataTypeToDuckDb, quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import { typeToString } from '../../expr/types.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';

/** How the source's columns map onto the table's. */
export interface Alignment {
  /** Match by name (case-insensitive, missing columns NULL) instead of by position. */
  readonly byName: boolean;
  /** INSERT INTO t (a, b): the columns the source provides, in order; the rest are NULL. */
  readonly columns?: readonly string[];
  /** Columns given as SQL constants instead of coming from the source (static partitions). */
  readonly constants?: Readonly<Record<string, string>>;
  /** Add source columns the table lacks (schema evolution) instead of failing. */
  readonly mergeSchema?: boolean;
}

export interface SourceColumn {
  readonly name: string;
  readonly type: DataType | 'null';
  readonly duckType: string;
}

/** The source's output columns, learnt from DuckDB without running the query. */
export async function describeSource(session: Session, sourceSql: string, what: string): Promise<SourceColumn[]> {
  const result = await session.query(`SELECT * FROM (${sourceSql}) AS "__loch_source" LIMIT 0`);
  await result.all();
  return result.columns.map((c) => ({
    name: c.name,
    duckType: c.type,
    type: c.type === 'NULL' || c.type === '"NULL"' ? 'null' : dataTypeFromDuckDb(c.type, `${c.name} of ${what}`),
  }));
}

/** New columns (nullable, source types) the source brings that `schema` lacks, for mergeSchema. */
export function evolvedFields(schema: StructType, source: readonly SourceColumn[]): StructField[] {
  const known = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  return source
    .filter((c) => !known.has(c.name.toLowerCase()))
    .map((c) => ({ name: c.name, type: c.type === 'null' ? { kind: 'primitive', name: 'string' } : c.type, nullable: true, physicalName: c.name }));
}

/**
 * A SELECT over the source whose columns are exactly the table's, named by the table's logical
 * names: positional or by-name matching, NULLs for columns not provided, constants for static
 * partition values. Refuses what Spark's store assignment refuses: a wrong number of columns,
 * unknown columns, and values that are not assignable (text into a number, a struct into a string…).
 */
export function alignSource(table: string, schema: StructType, sourceSql: string, source: readonly SourceColumn[], alignment: Alignment): string {
  const constants = alignment.constants ?? {};
  const fromSource = new Map<string, string>();
  const aliases = source.map((_, i) => `"__c${i}"`);
  if (alignment.byName) {
    const byLower = new Map(schema.fields.map((f) => [f.name.toLowerCase(), f]));
    source.forEach((c, i) => {
      const f = byLower.get(c.name.toLowerCase());
      if (f === undefined) throw unknownColumn(table, schema, c.name);
      if (fromSource.has(f.name)) throw new LochError('INVALID_ARGUMENT', `delta write: table ${table}: the query gives column ${f.name} twice`);
      fromSource.set(f.name, sourceValue(table, f, c, aliases[i] as string));
    });
  } else {
    const targets = alignment.columns !== undefined ? alignment.columns.map((n) => fieldNamed(table, schema, n)) : schema.fields.filter((f) => !(f.name in constants));
    if (targets.length !== source.length) {
      throw new LochError(
        'INVALID_ARGUMENT',
        `delta write: table ${table}: the query gives ${source.length} column(s) but ${targets.length} are expected (${targets.map((f) => f.name).join(', ')})`,
        { context: { table, expected: targets.length, actual: source.length } },
      );
    }
    targets.forEach((f, i) => fromSource.set(f.name, sourceValue(table, f, source[i] as SourceColumn, aliases[i] as string)));
  }
  const select = schema.fields.map((f) => {
    const value = constants[f.name] ?? fromSource.get(f.name) ?? `NULL::${dataTypeToDuckDb(f.type)}`;
    return `${value} AS ${quoteIdentifier(f.name)}`;
  });
  return `SELECT ${select.join(', ')} FROM (${sourceSql}) AS "__loch_source"(${aliases.join(', ')})`;
}

function fieldNamed(table: string, schema: StructType, name: string): StructField {
  const f = schema.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (f === undefined) throw unknownColumn(table, schema, name);
  return f;
}

function unknownColumn(table: string, schema: StructType, name: string): LochError {
  return new LochError(
    'INVALID_ARGUMENT',
    `delta write: table ${table} has no column ${name} (columns: ${schema.fields.map((f) => f.name).join(', ')}); enable schema evolution (mergeSchema) to add it`,
    { context: { table, column: name } },
  );
}

/**
 * The SQL for one target column from a source column, refusing what is not assignable. DuckDB
 * reports a bare NULL in a query as INTEGER, so an INTEGER column headed for a non-numeric
 * column is checked row by row instead: NULLs pass, any integer fails naming the column.
 */
function sourceValue(table: string, target: StructField, source: SourceColumn, alias: string): string {
  if (source.type === 'null' || assignable(source.type, target.type, source.duckType)) return alias;
  const message = `delta write: table ${table}: cannot write ${source.duckType} values of ${source.name} into column ${target.name} of type ${typeToString(target.type)}`;
  const rebuilt = withNullPlaceholders(alias, source.type, target.type, message, 0);
  if (rebuilt !== undefined) return rebuilt;
  throw new LochError('INVALID_ARGUMENT', message, { context: { table, column: target.name, sourceType: source.duckType, targetType: typeToString(target.type) } });
}

/**
 * DuckDB types a NULL inside a struct, list or map literal as INTEGER ({'a': NULL}, [] …), so a
 * nested INTEGER headed for a non-numeric type may be a NULL placeholder: the value is rebuilt
 * level by level, each such leaf checked row by row (NULL passes, anything else fails with
 * `message`). Undefined when the types differ in any other way.
 */
function withNullPlaceholders(expr: string, from: DataType, to: DataType, message: string, depth: number): string | undefined {
  if (assignable(from, to)) return expr;
  if (from.kind === 'primitive' && from.name === 'integer') return `CASE WHEN ${expr} IS NULL THEN NULL::${dataTypeToDuckDb(to)} ELSE error(${quoteString(message)}) END`;
  const v = `__n${depth}`;
  if (from.kind === 'struct' && to.kind === 'struct' && from.fields.length === to.fields.length) {
    const parts: string[] = [];
    for (const [i, f] of to.fields.entries()) {
      const source = from.fields[i] as StructField;
      const value = withNullPlaceholders(`struct_extract(${expr}, ${quoteString(source.name)})`, source.type, f.type, message, depth + 1);
      if (value === undefined) return undefined;
      parts.push(`${quoteIdentifier(f.name)} := ${value}`);
    }
    return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${parts.join(', ')}) END`;
  }
  if (from.kind === 'array' && to.kind === 'array') {
    const element = withNullPlaceholders(v, from.element, to.element, message, depth + 1);
    return element === undefined ? undefined : `list_transform(${expr}, lambda ${v}: ${element})`;
  }
  if (from.kind === 'map' && to.kind === 'map') {
    const key = withNullPlaceholders(`${v}.key`, from.key, to.key, message, depth + 1);
    const value = withNullPlaceholders(`${v}.value`, from.value, to.value, message, depth + 1);
    if (key === undefined || value === undefined) return undefined;
    return `map_from_entries(list_transform(map_entries(${expr}), lambda ${v}: struct_pack(key := ${key}, value := ${value})))`;
  }
  return undefined;
}

const NUMERIC = new Set(['byte', 'short', 'integer', 'long', 'float', 'double']);
const TEMPORAL = new Set(['date', 'timestamp', 'timestamp_ntz']);

/**
 * Spark's ANSI store assignment, plus text into dates and timestamps (quoted literals).
 */
export function assignable(from: DataType, to: DataType, duckType = ''): boolean {
  const numeric = (t: DataType) => t.kind === 'decimal' || (t.kind === 'primitive' && NUMERIC.has(t.name));
  if (numeric(to)) return numeric(from);
  if (to.kind === 'primitive') {
    if (to.name === 'string') return from.kind === 'primitive' || from.kind === 'decimal';
    if (TEMPORAL.has(to.name)) return from.kind === 'primitive' && (TEMPORAL.has(from.name) || (from.name === 'string' && duckType === 'VARCHAR'));
    return from.kind === 'primitive' && from.name === to.name;
  }
  if (to.kind === 'array') return from.kind === 'array' && assignable(from.element, to.element);
  if (to.kind === 'map') return from.kind === 'map' && assignable(from.key, to.key) && assignable(from.value, to.value);
  if (to.kind === 'struct') {
    return from.kind === 'struct' && from.fields.length === to.fields.length && to.fields.every((f, i) => assignable((from.fields[i] as StructField).type, f.type));
  }
  return false;
}
