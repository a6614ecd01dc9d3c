import { LochError } from '../../../core/errors.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import { quoteIdentifier } from '../../../expr/to-sql.js';
import type { DataType } from '../../../expr/types.js';
import { parsePartitionValue } from '../../../formats/delta/partition-values.js';
import type { IcebergSchema, PartitionSpec } from '../../../formats/iceberg/model.js';
import { fieldById, toLochType } from '../../../formats/iceberg/spec/schema.js';
import { parseTransform, transformResultType } from '../../../formats/iceberg/transforms/transform.js';
import type { Transform } from '../../../formats/iceberg/transforms/transform.js';
import { ICEBERG_BUCKET_FUNCTION } from '../../../engine/index.js';

/**
 * Partition transforms as SQL over the write's source rows, so DuckDB partitions the files by
 * the transform results (spec "Partition Transforms"): identity, bucket (the registered murmur3
 * function), truncate, year/month/day/hour as integers since the epoch (floored: the session
 * time zone is UTC, so TIMESTAMPTZ values are cut in UTC), void (no column: always null).
 */

/** One computed partition column of a write. */
export interface PartitionColumnPlan {
  /** Partition field id. */
  readonly fieldId: number;
  readonly name: string;
  /** Column of the source query holding the (encoded) result; undefined for void. */
  readonly column?: string;
  /** Loch type of the column as written by the engine. */
  readonly type: DataType;
  /** String results carry a one-character prefix so the engine's text never turns '' into NULL. */
  readonly prefixed: boolean;
}

const STRING_PREFIX = '~';

/** The partition columns of `spec` over source columns named by their top-level logical names. */
export function partitionColumns(spec: PartitionSpec, schema: IcebergSchema, table: string): { plans: PartitionColumnPlan[]; select: string[] } {
  const byId = fieldById(schema);
  const plans: PartitionColumnPlan[] = [];
  const select: string[] = [];
  spec.fields.forEach((field, i) => {
    const where = `iceberg write: table ${table}: partition field ${field.name} (${field.transform})`;
    const sourceId = field.sourceIds[0];
    const source = sourceId === undefined ? undefined : byId.get(sourceId);
    if (source === undefined) throw new LochError('UNSUPPORTED_FEATURE', `${where}: its source column is not in the current schema`);
    const transform = parseTransform(field.transform);
    const resultType = toLochType(transformResultType(transform, source.field.type));
    if (transform.kind === 'void') {
      plans.push({ fieldId: field.fieldId, name: field.name, type: resultType, prefixed: false });
      return;
    }
    const column = `__loch_p${i}`;
    const ref = source.path.map(quoteIdentifier).join('.');
    const sourceType = toLochType(source.field.type);
    const sql = transformSql(transform, ref, sourceType, where);
    const prefixed = resultType.kind === 'primitive' && resultType.name === 'string';
    select.push(`${prefixed ? `${quoteString(STRING_PREFIX)} || ${sql}` : sql} AS ${quoteIdentifier(column)}`);
    plans.push({ fieldId: field.fieldId, name: field.name, column, type: resultType, prefixed });
  });
  return { plans, select };
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const INTEGERS = new Set(['byte', 'short', 'integer', 'long']);

/** Floor division of two BIGINT expressions (DuckDB's // truncates toward zero). */
function floorDiv(expr: string, divisor: string): string {
  return `((${expr}) - ((((${expr}) % ${divisor}) + ${divisor}) % ${divisor})) // ${divisor}`;
}

function epochUnits(ref: string, type: DataType): { expr: string; perHour: string } {
  const ns = type.kind === 'primitive' && (type.name === 'timestamp_ns' || type.name === 'timestamp_ntz_ns');
  return ns ? { expr: `epoch_ns(${ref})`, perHour: '3600000000000' } : { expr: `epoch_us(${ref})`, perHour: '3600000000' };
}

function transformSql(t: Transform, ref: string, type: DataType, where: string): string {
  const isDate = type.kind === 'primitive' && type.name === 'date';
  switch (t.kind) {
    case 'identity':
      return ref;
    case 'bucket':
      return `${ICEBERG_BUCKET_FUNCTION}(${ref}, ${t.n})`;
    case 'truncate':
      return truncateSql(t.width, ref, type, where);
    case 'year':
      return `CAST(year(${ref}) - 1970 AS INTEGER)`;
    case 'month':
      return `CAST((year(${ref}) - 1970) * 12 + month(${ref}) - 1 AS INTEGER)`;
    case 'day':
      return isDate ? `CAST(${ref} - DATE '1970-01-01' AS INTEGER)` : `CAST(CAST(${ref} AS DATE) - DATE '1970-01-01' AS INTEGER)`;
    case 'hour': {
      const units = epochUnits(ref, type);
      return `CAST(${floorDiv(units.expr, units.perHour)} AS INTEGER)`;
    }
    default:
      throw new LochError('UNSUPPORTED_FEATURE', `${where}: Loch cannot write with this transform`);
  }
}

function truncateSql(width: number, ref: string, type: DataType, where: string): string {
  if (type.kind === 'primitive' && INTEGERS.has(type.name)) return `(${ref} - (((${ref} % ${width}) + ${width}) % ${width}))`;
  if (type.kind === 'primitive' && type.name === 'string') return `substring(${ref}, 1, ${width})`;
  if (type.kind === 'decimal') {
    const unscaled = `CAST(${ref} * ${10n ** BigInt(type.scale)} AS HUGEINT)`;
    const remainder = `(((${unscaled} % ${width}) + ${width}) % ${width})`;
    const unit = type.scale === 0 ? '1' : `0.${'0'.repeat(type.scale - 1)}1`;
    return `CAST(${ref} - CAST(${remainder} AS DECIMAL(38, 0)) * CAST(${unit} AS DECIMAL(38, ${type.scale})) AS DECIMAL(${type.precision}, ${type.scale}))`;
  }
  throw new LochError('UNSUPPORTED_FEATURE', `${where}: Loch cannot write truncate partitions of this column type`);
}

/** The partition tuple of one written file from the engine's partition value texts. */
export function partitionTuple(plans: readonly PartitionColumnPlan[], values: Readonly<Record<string, string | null>>, table: string): Map<number, LiteralValue> {
  const tuple = new Map<number, LiteralValue>();
  for (const plan of plans) {
    if (plan.column === undefined) {
      tuple.set(plan.fieldId, null);
      continue;
    }
    const raw = values[plan.column] ?? null;
    const text = raw !== null && plan.prefixed ? raw.slice(STRING_PREFIX.length) : raw;
    if (raw !== null && plan.prefixed) {
      tuple.set(plan.fieldId, text);
      continue;
    }
    tuple.set(plan.fieldId, parsePartitionValue(text, plan.type, { column: plan.name, table }));
  }
  return tuple;
}
