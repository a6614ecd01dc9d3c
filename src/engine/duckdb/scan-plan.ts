/**
 * Which columns a scan outputs and which it must read, checked against the spec before any SQL
 * is built: unknown names fail here with INVALID_ARGUMENT instead of as a DuckDB binder error.
 */
import { LochError } from '../../core/errors.js';
import type { Expr } from '../../expr/nodes.js';
import type { DataType, StructField } from '../../expr/types.js';
import type { ScanSpec } from '../scan-spec.js';
import type { FileColumn } from './scan-tables.js';

export interface ScanPlan {
  /** Output column names in order: the projection (or all columns), then extra columns. */
  readonly output: readonly string[];
  /** Table columns read from the data files (needed by the output or the filter), in spec order. */
  readonly dataColumns: readonly StructField[];
  /** Columns taken from the files table: needed partition columns, then every extra column. */
  readonly fileColumns: readonly FileColumn[];
  /** Every column of the relation with its type, by name. */
  readonly types: ReadonlyMap<string, DataType>;
  /** Names of the inner relation's columns, in order (data, partition, extra interleaved as in spec). */
  readonly inner: readonly string[];
}

function invalid(message: string): LochError {
  return new LochError('INVALID_ARGUMENT', `scan: ${message}`);
}

function collectColumns(expr: Expr, into: Set<string>): void {
  switch (expr.kind) {
    case 'column':
      if (expr.path[0] !== undefined) into.add(expr.path[0]);
      return;
    case 'literal':
      return;
    case 'comparison':
      collectColumns(expr.left, into);
      collectColumns(expr.right, into);
      return;
    case 'and':
    case 'or':
      for (const o of expr.operands) collectColumns(o, into);
      return;
    case 'not':
    case 'is_null':
    case 'in':
      collectColumns(expr.operand, into);
  }
}

/** Declared extra columns, then undeclared ones in order of first appearance, typed by their first literal. */
function extraColumns(spec: ScanSpec): FileColumn[] {
  const seen = new Map<string, FileColumn>();
  for (const extra of spec.extraColumns ?? []) seen.set(extra.name, { name: extra.name, type: extra.type, source: 'extra' });
  for (const file of spec.files) {
    for (const [name, literal] of Object.entries(file.extraColumns ?? {})) {
      if (!seen.has(name)) seen.set(name, { name, type: literal.type, source: 'extra' });
    }
  }
  return [...seen.values()];
}

function checkUnique(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    // DuckDB column names are case-insensitive.
    const key = name.toLowerCase();
    if (seen.has(key)) throw invalid(`column "${name}" appears twice (names are compared without case)`);
    seen.add(key);
  }
}

/** Plans a scan; throws INVALID_ARGUMENT for unknown, duplicate or empty column lists. */
export function planScan(spec: ScanSpec): ScanPlan {
  const extras = extraColumns(spec);
  const allNames = [...spec.columns.map((c) => c.name), ...extras.map((e) => e.name)];
  checkUnique(allNames);
  const known = new Set(allNames);
  for (const p of spec.partitionColumns) {
    if (!spec.columns.some((c) => c.name === p)) throw invalid(`partition column "${p}" is not among the columns`);
  }
  const projected = [...(spec.projection ?? spec.columns.map((c) => c.name))];
  checkUnique(projected);
  for (const name of projected) if (!known.has(name)) throw invalid(`projected column "${name}" does not exist`);
  const output = [...projected, ...extras.map((e) => e.name).filter((n) => !projected.includes(n))];
  if (output.length === 0) throw invalid('the scan has no output columns');
  const needed = new Set(output);
  if (spec.filter) {
    const used = new Set<string>();
    collectColumns(spec.filter, used);
    for (const name of used) {
      if (!known.has(name)) throw invalid(`filter column "${name}" does not exist`);
      needed.add(name);
    }
  }
  const partitions = new Set(spec.partitionColumns);
  const columns = spec.columns.filter((c) => needed.has(c.name));
  const dataColumns = columns.filter((c) => !partitions.has(c.name));
  const partitionColumns: FileColumn[] = columns
    .filter((c) => partitions.has(c.name))
    .map((c) => ({ name: c.name, type: c.type, source: 'partition' }));
  const inner = [...columns.map((c) => c.name), ...extras.map((e) => e.name)];
  const types = new Map<string, DataType>([...spec.columns.map((c) => [c.name, c.type] as const), ...extras.map((e) => [e.name, e.type] as const)]);
  return { output, dataColumns, fileColumns: [...partitionColumns, ...extras], inner, types };
}
