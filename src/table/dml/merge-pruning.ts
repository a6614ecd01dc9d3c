import type { Session } from '../../engine/index.js';
import { and, cmp, col, lit } from '../../expr/nodes.js';
import type { Expr } from '../../expr/nodes.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import type { DataType, StructType } from '../../expr/types.js';
import { parsePartitionValue } from '../../formats/delta/partition-values.js';

/** An equality of the ON condition: target column = an expression over the source alone. */
export interface MergeKey {
  /** Top-level target column (logical name). */
  readonly target: string;
  /** SQL over the source's alias. */
  readonly sourceSql: string;
}

/** Types whose DuckDB text form parses exactly as a Delta partition value (timestamps depend on TimeZone). */
const EXACT_TEXT = new Set(['byte', 'short', 'integer', 'long', 'string', 'date']);

function rangeable(type: DataType): boolean {
  return (type.kind === 'primitive' && EXACT_TEXT.has(type.name)) || type.kind === 'decimal';
}

/**
 * A filter on the target that every row matching some source row satisfies: for each key, its
 * column lies between the smallest and largest value the source gives. 'none' when a key has no
 * non-NULL source value (no target row can match); undefined when no key can be used.
 */
export async function sourceKeyRanges(session: Session, schema: StructType, keys: readonly MergeKey[], sourceRelation: string): Promise<Expr | 'none' | undefined> {
  const usable = keys.flatMap((k) => {
    const field = schema.fields.find((f) => f.name.toLowerCase() === k.target.toLowerCase());
    return field !== undefined && rangeable(field.type) ? [{ key: k, field }] : [];
  });
  if (usable.length === 0) return undefined;
  const items = usable.flatMap(({ key, field }, i) => {
    const value = `TRY_CAST((${key.sourceSql}) AS ${dataTypeToDuckDb(field.type)})`;
    return [`min(${value})::VARCHAR AS lo${i}`, `max(${value})::VARCHAR AS hi${i}`];
  });
  let row;
  try {
    row = (await (await session.query(`SELECT ${items.join(', ')} FROM ${sourceRelation}`)).all())[0];
  } catch {
    // A key expression DuckDB cannot evaluate here only costs pruning; the MERGE reports it.
    return undefined;
  }
  const parts: Expr[] = [];
  for (const [i, { field }] of usable.entries()) {
    const lo = row?.[2 * i];
    const hi = row?.[2 * i + 1];
    if (lo === null || hi === null || lo === undefined || hi === undefined) return 'none';
    const where = { column: field.name };
    parts.push(cmp('>=', col(field.name), lit(field.type, parsePartitionValue(String(lo), field.type, where))));
    parts.push(cmp('<=', col(field.name), lit(field.type, parsePartitionValue(String(hi), field.type, where))));
  }
  return and(...parts);
}
