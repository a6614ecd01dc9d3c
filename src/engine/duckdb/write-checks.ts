/**
 * Row checks of a parquet write, evaluated in the same pass as the write: each check is a WHERE
 * term that calls DuckDB's error() with a marker, the check's index and the row as JSON when the
 * row fails; the writer turns that error back into a LochError naming the check and the row.
 *
 * NOT NULL checks follow Delta (spark Invariants): a non-nullable field must be non-null
 * whenever its nullable ancestors are; list elements (containsNull false) and map values
 * (valueContainsNull false) must be non-null in every non-null list/map.
 */
import { LochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType } from '../../expr/types.js';
import type { ParquetWriteSpec } from '../write-spec.js';
import { ROW_ALIAS } from './write-select.js';

/** A boolean condition over the cast row that must be TRUE, and what to say when it is not. */
export interface RowCheck {
  readonly sql: string;
  readonly fail: (rowJson: string) => LochError;
}

const MARKER = '__loch_row_check__';
/** Longest row JSON shown in a message. */
const ROW_JSON_CHARS = 500;

interface NullCheck {
  readonly path: readonly string[];
  readonly sql: string;
}

/** `pred(v)` holds for every element of a list (a NULL list passes). */
function forAll(list: string, v: string, pred: string): string {
  return `(${list} IS NULL OR len(list_filter(${list}, lambda ${v}: (${pred}) IS NOT TRUE)) = 0)`;
}

/** Checks below one value: a nullable parent's checks pass when the parent is NULL. */
function nestedNullChecks(expr: string, type: DataType, path: readonly string[], depth: number): NullCheck[] {
  switch (type.kind) {
    case 'struct':
      return type.fields.flatMap((f) => nullChecksOf(`struct_extract(${expr}, ${quoteString(f.name)})`, f.type, f.nullable, [...path, f.name], depth));
    case 'array': {
      const v = `__n${depth}`;
      return elementChecks(expr, v, type.element, type.containsNull, [...path, 'element'], depth);
    }
    case 'map': {
      const v = `__n${depth}`;
      return [
        ...elementChecks(`map_keys(${expr})`, v, type.key, false, [...path, 'key'], depth),
        ...elementChecks(`map_values(${expr})`, v, type.value, type.valueContainsNull, [...path, 'value'], depth),
      ];
    }
    default:
      return [];
  }
}

/** Checks of a value that may itself be required, followed by the checks below it. */
function nullChecksOf(expr: string, type: DataType, nullable: boolean, path: readonly string[], depth: number): NullCheck[] {
  const below = nestedNullChecks(expr, type, path, depth);
  if (!nullable) return [{ path, sql: `${expr} IS NOT NULL` }, ...below];
  return below.map((c) => ({ path: c.path, sql: `(${expr} IS NULL OR ${c.sql})` }));
}

/** Checks over every element of a list (or of a map's keys/values). */
function elementChecks(list: string, v: string, element: DataType, containsNull: boolean, path: readonly string[], depth: number): NullCheck[] {
  const inner = nullChecksOf(v, element, containsNull, path, depth + 1);
  return inner.map((c) => ({ path: c.path, sql: forAll(list, v, c.sql) }));
}

function violation(kind: string, what: string, row: string): LochError {
  const shown = row.length > ROW_JSON_CHARS ? `${row.slice(0, ROW_JSON_CHARS)}…` : row;
  return new LochError('CONSTRAINT_VIOLATION', `delta write: ${kind} ${what} violated by row ${shown}`, {
    context: { row: shown },
  });
}

/**
 * Every check of a write: derived NOT NULL checks in column order, the spec's constraints, and
 * the guard against a string partition value that would land in the NULL partition directory.
 */
export function rowChecks(spec: ParquetWriteSpec): RowCheck[] {
  const checks: RowCheck[] = [];
  for (const column of spec.columns) {
    const expr = `${ROW_ALIAS}.${quoteIdentifier(column.source)}`;
    for (const c of nullChecksOf(expr, column.type, column.nullable, [column.name], 0)) {
      checks.push({ sql: c.sql, fail: (row) => violation('NOT NULL constraint', `on ${c.path.join('.')}`, row) });
    }
  }
  for (const constraint of spec.constraints) {
    const fail =
      constraint.kind === 'check'
        ? (row: string) => violation('CHECK constraint', `${constraint.name} (${constraint.sql})`, row)
        : (row: string) => violation('NOT NULL constraint', `on ${constraint.name}`, row);
    checks.push({ sql: constraint.sql, fail });
  }
  for (const p of spec.partitionColumns) {
    if (p.type.kind !== 'primitive' || p.type.name !== 'string') continue;
    const name = p.physicalName;
    checks.push({
      sql: `${ROW_ALIAS}.${quoteIdentifier(p.source)} IS DISTINCT FROM '__HIVE_DEFAULT_PARTITION__'`,
      fail: (row) =>
        new LochError('INVALID_ARGUMENT', `delta write: partition column ${name}: the value __HIVE_DEFAULT_PARTITION__ is the directory name of NULL and cannot be written (row ${row.slice(0, ROW_JSON_CHARS)})`),
    });
  }
  return checks;
}

/** The WHERE condition enforcing the checks; undefined when there are none. */
export function checksWhere(checks: readonly RowCheck[]): string | undefined {
  if (checks.length === 0) return undefined;
  const row = `left(CAST(to_json(${ROW_ALIAS}) AS VARCHAR), ${ROW_JSON_CHARS + 1})`;
  return checks.map((c, i) => `(CASE WHEN (${c.sql}) IS NOT TRUE THEN error('${MARKER}${i}__' || ${row}) ELSE TRUE END)`).join(' AND ');
}

/** The LochError of a failed check, when `error` is DuckDB reporting one; else undefined. */
export function checkFailure(error: unknown, checks: readonly RowCheck[]): LochError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const match = new RegExp(`${MARKER}(\\d+)__([^\\n]*)`).exec(message);
  if (!match) return undefined;
  const check = checks[Number(match[1])];
  if (!check) return undefined;
  const failure = check.fail((match[2] ?? '').trim());
  return new LochError(failure.code, failure.message, { context: failure.context, cause: error });
}
