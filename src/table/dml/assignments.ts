import { LochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';

/** SET path = valueSql: one entry of UPDATE's or MERGE's SET list. */
export interface Assignment {
  /** Top-level column, then nested struct fields (a.b.c). */
  readonly path: readonly string[];
  readonly valueSql: string;
}

/**
 * The new value of every top-level column after `assignments`, as SQL: assigned columns get
 * their value, others `current(column)` (the old value, e.g. `t."c"`). Assigning a nested field
 * rebuilds its struct with the other fields unchanged. Names compare without case, as in Spark;
 * unknown columns and a column assigned twice are INVALID_ARGUMENT naming the table.
 */
export function assignedValues(table: string, schema: StructType, assignments: readonly Assignment[], current: (column: string) => string): Map<string, string> {
  checkDuplicates(table, assignments);
  const out = new Map<string, string>();
  for (const field of schema.fields) {
    const mine = assignments.filter((a) => same(a.path[0], field.name));
    out.set(field.name, mine.length === 0 ? current(field.name) : valueOf(table, field, mine.map((a) => ({ rest: a.path.slice(1), valueSql: a.valueSql })), current(field.name)));
  }
  for (const a of assignments) {
    if (!schema.fields.some((f) => same(a.path[0], f.name))) throw unknown(table, a.path);
  }
  return out;
}

interface Pending {
  readonly rest: readonly string[];
  readonly valueSql: string;
}

function valueOf(table: string, field: StructField, pending: readonly Pending[], currentSql: string): string {
  const whole = pending.find((p) => p.rest.length === 0);
  if (whole !== undefined) return `(${whole.valueSql})`;
  const type: DataType = field.type;
  if (type.kind !== 'struct') throw new LochError('INVALID_ARGUMENT', `delta update: table ${table}: column ${field.name} is not a struct; cannot assign ${field.name}.${pending[0]?.rest.join('.')}`);
  for (const p of pending) {
    if (!type.fields.some((f) => same(p.rest[0], f.name))) throw unknown(table, [field.name, ...p.rest]);
  }
  // As in Spark, a NULL struct with an assigned field becomes a struct of NULLs and that field.
  const items = type.fields.map((f) => {
    const mine = pending.filter((p) => same(p.rest[0], f.name)).map((p) => ({ rest: p.rest.slice(1), valueSql: p.valueSql }));
    const old = `(${currentSql}).${quoteIdentifier(f.name)}`;
    return `${quoteString(f.name)}: ${mine.length === 0 ? old : valueOf(table, f, mine, old)}`;
  });
  return `{${items.join(', ')}}`;
}

function checkDuplicates(table: string, assignments: readonly Assignment[]): void {
  const keys = assignments.map((a) => a.path.map((p) => p.toLowerCase()));
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < keys.length; j++) {
      const a = keys[i]!;
      const b = keys[j]!;
      if (i !== j && a.length <= b.length && a.every((p, k) => p === b[k])) {
        throw new LochError('INVALID_ARGUMENT', `delta update: table ${table}: ${assignments[j]!.path.join('.')} is assigned more than once`);
      }
    }
  }
}

function unknown(table: string, path: readonly string[]): LochError {
  return new LochError('INVALID_ARGUMENT', `delta update: table ${table} has no column ${path.join('.')}`, { context: { table, column: path.join('.') } });
}

function same(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
