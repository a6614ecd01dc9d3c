import type { FileFacts } from '../../../expr/file-facts.js';
import { and, col, inList, isNull, lit, not, or, cmp } from '../../../expr/nodes.js';
import type { ComparisonOp, Expr, Literal, LiteralValue } from '../../../expr/nodes.js';
import { canPrune } from '../../../expr/prune.js';
import { primitive } from '../../../expr/types.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import type { FieldSummary, IcebergSchema, IcebergType, PartitionSpec, PartitionTuple } from '../model.js';
import { applyTransform, parseTransform, transformResultType } from '../transforms/transform.js';
import type { Transform } from '../transforms/transform.js';
import { decimalToUnscaled, decodeBinaryValue, formatDays, parseDays, unscaledToDecimal } from '../values/binary-value.js';
import { inexactUpperBound, leafColumns } from './file-facts.js';
import type { LeafColumn } from './file-facts.js';
import { toLochType } from '../spec/schema.js';

/**
 * Partition pruning by inclusive projection (Iceberg's `Projections.inclusive`): a filter on
 * source columns becomes a filter on partition values that every matching row's partition
 * satisfies, which expr/prune.ts then evaluates against a partition tuple or a manifest's
 * partition field summaries. Per transform:
 * - identity: the predicate itself, over the partition value (exact);
 * - bucket: only `=` and IN;
 * - truncate, year, month, day, hour (order-preserving): `=`, IN, `<`, `<=`, `>`, `>=`;
 *   `x < v` is first tightened to `x <= v - 1` on integral domains, as Java does. Time
 *   transforms widen negative results by one (`p <= b + 1`, `p IN (b, b + 1)`), because old
 *   writers rounded pre-1970 values toward zero instead of down;
 * - IS NULL / IS NOT NULL map to the partition value for every transform but void;
 * - void, unknown transforms, multi-argument transforms, `!=`, NOT IN and predicates over
 *   several columns (unless all are identity-partitioned) never prune.
 * NOT is pushed down to the leaves first (De Morgan; comparisons negated), which is exact in
 * SQL's three-valued logic.
 */

/**
 * False only when no row of a file with this partition tuple can satisfy `filter`. `schema`
 * must hold every source column of the spec (use the union of the table's schemas);
 * `tuple` holds partition values by partition field id in the Literal representation of each
 * field's result type. Missing values and undecodable facts never prune.
 */
export function partitionMayMatch(filter: Expr, spec: PartitionSpec, schema: IcebergSchema, tuple: PartitionTuple): boolean {
  const projection = projectFilter(filter, spec, schema);
  if (!projection) return true;
  const partitionValues = new Map<string, LiteralValue>();
  for (const f of projection.fields) if (tuple.has(f.fieldId)) partitionValues.set(f.key, tuple.get(f.fieldId) ?? null);
  return !canPrune(projection.expr, { partitionValues }, projection.schema);
}

/**
 * False only when no file of a manifest with these partition field summaries (one per field of
 * `spec`, in order) can hold a row satisfying `filter`. A summary with no bounds and
 * `containsNull` marks a field whose values are all null (as Java's ManifestEvaluator reads it);
 * for float fields only when `containsNan` is false. Absent summaries never prune.
 */
export function manifestMayMatch(filter: Expr, spec: PartitionSpec, schema: IcebergSchema, summaries: readonly FieldSummary[] | undefined): boolean {
  if (!summaries) return true;
  const projection = projectFilter(filter, spec, schema);
  if (!projection) return true;
  const minValues = new Map<string, LiteralValue>();
  const maxValues = new Map<string, LiteralValue>();
  const nullCount = new Map<string, number>();
  for (const f of projection.fields) {
    const summary = summaries[f.index];
    if (!summary) continue;
    const where = `manifest summary of partition field ${f.fieldId}`;
    const lower = summaryBound(summary.lowerBound, f.resultType, where);
    const upper = summaryBound(summary.upperBound, f.resultType, where);
    if (lower !== undefined) minValues.set(f.key, lower);
    const widened = upper === undefined ? undefined : inexactUpperBound(upper, f.resultType);
    if (widened !== undefined) maxValues.set(f.key, widened);
    const floating = f.lochType.kind === 'primitive' && (f.lochType.name === 'float' || f.lochType.name === 'double');
    const allNull = summary.containsNull && !summary.lowerBound && !summary.upperBound && !floating;
    // One pseudo-record: a null count of 1 says "all null", 0 says "no null".
    if (!summary.containsNull) nullCount.set(f.key, 0);
    else if (allNull) nullCount.set(f.key, 1);
  }
  const facts: FileFacts = { partitionValues: new Map(), stats: { numRecords: 1, minValues, maxValues, nullCount, tightBounds: true } };
  return !canPrune(projection.expr, facts, projection.schema);
}

function summaryBound(bytes: Uint8Array | undefined, type: IcebergType, where: string): Exclude<LiteralValue, null> | undefined {
  if (!bytes) return undefined;
  try {
    const v = decodeBinaryValue(bytes, type, where);
    return v === null || (typeof v === 'number' && Number.isNaN(v)) ? undefined : v;
  } catch {
    return undefined;
  }
}

// ---- projection ---------------------------------------------------------------------------

/** One partition field usable for pruning, with its pseudo column in the projected schema. */
interface ProjectedField {
  readonly index: number;
  readonly fieldId: number;
  /** Column name of the partition value in the projected expression (the field id as text). */
  readonly key: string;
  readonly transform: Transform;
  readonly source: LeafColumn;
  readonly resultType: IcebergType;
  readonly lochType: DataType;
}

interface Projection {
  readonly expr: Expr;
  readonly schema: StructType;
  readonly fields: readonly ProjectedField[];
}

const TRUE = lit(primitive('boolean'), true);

function projectFilter(filter: Expr, spec: PartitionSpec, schema: IcebergSchema): Projection | undefined {
  const leaves = leafColumns(schema);
  const fields: ProjectedField[] = [];
  spec.fields.forEach((pf, index) => {
    const transform = parseTransform(pf.transform);
    const source = pf.sourceIds.length === 1 ? leaves.get(pf.sourceIds[0]!) : undefined;
    if (!source || transform.kind === 'void' || transform.kind === 'unknown') return;
    let resultType: IcebergType;
    try {
      resultType = transformResultType(transform, source.type);
    } catch {
      return;
    }
    const lochType = lochTypeOf(resultType);
    if (lochType) fields.push({ index, fieldId: pf.fieldId, key: String(pf.fieldId), transform, source, resultType, lochType });
  });
  if (fields.length === 0) return undefined;
  const bySource = new Map<string, ProjectedField[]>();
  for (const f of fields) {
    const path = f.source.path.join('\u0000');
    bySource.set(path, [...(bySource.get(path) ?? []), f]);
  }
  const structFields: StructField[] = fields.map((f) => ({ name: f.key, type: f.lochType, nullable: true, physicalName: f.key }));
  const expr = project(pushNot(filter, false), bySource);
  return { expr, schema: { kind: 'struct', fields: structFields }, fields };
}

const NEGATED: Record<ComparisonOp, ComparisonOp> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
const FLIPPED: Record<ComparisonOp, ComparisonOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Moves NOT down to the leaves; only IS NULL, IN and bare boolean leaves keep a NOT. */
function pushNot(e: Expr, negate: boolean): Expr {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const parts = e.operands.map((x) => pushNot(x, negate));
      return (e.kind === 'and') !== negate ? and(...parts) : or(...parts);
    }
    case 'not':
      return pushNot(e.operand, !negate);
    case 'comparison':
      return negate ? cmp(NEGATED[e.op], e.left, e.right) : e;
    default:
      return negate ? not(e) : e;
  }
}

type FieldsBySource = ReadonlyMap<string, readonly ProjectedField[]>;

function project(e: Expr, bySource: FieldsBySource): Expr {
  if (e.kind === 'and') return and(...e.operands.map((x) => project(x, bySource)));
  if (e.kind === 'or') return or(...e.operands.map((x) => project(x, bySource)));
  const columns = columnsOf(e);
  if (columns.length === 0) return e;
  const identity = columns.map((c) => bySource.get(c.join('\u0000'))?.find((f) => f.transform.kind === 'identity'));
  if (identity.every((f) => f !== undefined)) return replaceColumns(e, bySource);
  if (columns.length !== 1) return TRUE;
  const leaf = leafOf(e);
  const fields = bySource.get(columns[0]!.join('\u0000')) ?? [];
  const parts = leaf ? fields.map((f) => projectLeaf(leaf, f)).filter((x): x is Expr => x !== undefined) : [];
  return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : and(...parts);
}

/** The distinct column paths an expression reads. */
function columnsOf(e: Expr): (readonly string[])[] {
  const seen = new Map<string, readonly string[]>();
  const visit = (x: Expr): void => {
    if (x.kind === 'column') seen.set(x.path.join('\u0000'), x.path);
    else if (x.kind === 'comparison') [x.left, x.right].forEach(visit);
    else if (x.kind === 'and' || x.kind === 'or') x.operands.forEach(visit);
    else if (x.kind === 'not' || x.kind === 'is_null') visit(x.operand);
    else if (x.kind === 'in') visit(x.operand);
  };
  visit(e);
  return [...seen.values()];
}

/** The expression with each identity-partitioned column read from its partition value. */
function replaceColumns(e: Expr, bySource: FieldsBySource): Expr {
  const r = (x: Expr): Expr => replaceColumns(x, bySource);
  switch (e.kind) {
    case 'column': {
      const f = bySource.get(e.path.join('\u0000'))?.find((x) => x.transform.kind === 'identity');
      return f ? col(f.key) : e;
    }
    case 'comparison':
      return cmp(e.op, r(e.left), r(e.right));
    case 'and':
      return and(...e.operands.map(r));
    case 'or':
      return or(...e.operands.map(r));
    case 'not':
      return not(r(e.operand));
    case 'is_null':
      return isNull(r(e.operand));
    case 'in':
      return inList(r(e.operand), [...e.values]);
    case 'literal':
      return e;
  }
}

/** A single-column predicate in a shape transforms can project. */
type Leaf =
  | { readonly kind: 'null' }
  | { readonly kind: 'not_null' }
  | { readonly kind: 'cmp'; readonly op: ComparisonOp; readonly value: Literal }
  | { readonly kind: 'in'; readonly values: readonly Literal[] };

function leafOf(e: Expr): Leaf | undefined {
  if (e.kind === 'is_null' && e.operand.kind === 'column') return { kind: 'null' };
  if (e.kind === 'not' && e.operand.kind === 'is_null' && e.operand.operand.kind === 'column') return { kind: 'not_null' };
  if (e.kind === 'in' && e.operand.kind === 'column') return { kind: 'in', values: e.values };
  if (e.kind !== 'comparison') return undefined;
  if (e.left.kind === 'column' && e.right.kind === 'literal') return { kind: 'cmp', op: e.op, value: e.right };
  if (e.right.kind === 'column' && e.left.kind === 'literal') return { kind: 'cmp', op: FLIPPED[e.op], value: e.left };
  return undefined;
}

function projectLeaf(leaf: Leaf, f: ProjectedField): Expr | undefined {
  const p = col(f.key);
  if (leaf.kind === 'null') return isNull(p);
  if (leaf.kind === 'not_null') return not(isNull(p));
  const apply = (v: LiteralValue): LiteralValue | undefined => {
    try {
      return applyTransform(f.transform, f.source.type, v);
    } catch {
      return undefined;
    }
  };
  const timeFix = f.transform.kind === 'year' || f.transform.kind === 'month' || f.transform.kind === 'day' || f.transform.kind === 'hour';
  if (leaf.kind === 'in') {
    const out: LiteralValue[] = [];
    for (const l of leaf.values) {
      if (l.value === null) continue;
      const v = sourceValue(l, f.source.type);
      const t = v === undefined ? undefined : apply(v);
      if (t === undefined || t === null) return undefined;
      out.push(t, ...(timeFix && typeof t === 'number' && t < 0 ? [t + 1] : []));
    }
    return inList(p, out.map((v) => lit(f.lochType, v)));
  }
  const v = leaf.value.value === null ? undefined : sourceValue(leaf.value, f.source.type);
  if (v === undefined || leaf.op === '!=' || (f.transform.kind === 'bucket' && leaf.op !== '=')) return undefined;
  const tightened = leaf.op === '<' ? step(v, f.source.type, -1) : leaf.op === '>' ? step(v, f.source.type, 1) : v;
  const t = apply(tightened ?? v);
  if (t === undefined || t === null) return undefined;
  const op: ComparisonOp = leaf.op === '<' ? '<=' : leaf.op === '>' ? '>=' : leaf.op;
  const widen = timeFix && typeof t === 'number' && t < 0 && op !== '>=';
  if (widen && op === '=') return inList(p, [lit(f.lochType, t), lit(f.lochType, t + 1)]);
  return cmp(op, p, lit(f.lochType, widen ? t + 1 : t));
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * A literal as a value of the source column's type (Literal representation), when the
 * conversion is exact; undefined otherwise (the leaf is then not projected).
 */
function sourceValue(l: Literal, source: IcebergType): LiteralValue | undefined {
  const v = l.value;
  const from = l.type.kind === 'primitive' ? l.type.name : l.type.kind;
  const integral = from === 'byte' || from === 'short' || from === 'integer' || from === 'long';
  if (source.kind === 'decimal') {
    const text = typeof v === 'string' && from === 'decimal' ? v : integral && (typeof v === 'number' || typeof v === 'bigint') ? String(v) : undefined;
    const u = text === undefined ? undefined : decimalToUnscaled(text, source.scale);
    return u === undefined ? undefined : unscaledToDecimal(u, source.scale);
  }
  if (source.kind === 'fixed') return v instanceof Uint8Array && v.length === source.length ? v : undefined;
  if (source.kind !== 'primitive') return undefined;
  const wide = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  const micros = (ns: boolean): bigint | undefined => (wide === undefined ? undefined : ns ? wide * 1000n : wide);
  const midnight = (perDay: bigint): bigint | undefined => {
    const days = typeof v === 'string' ? parseDays(v) : undefined;
    return days === undefined ? undefined : BigInt(days) * perDay;
  };
  switch (source.name) {
    case 'int':
      return integral && wide !== undefined && wide >= INT_MIN && wide <= INT_MAX ? Number(wide) : undefined;
    case 'long':
      return integral ? wide : undefined;
    case 'date':
      return from === 'date' ? v : undefined;
    case 'time':
      return from === 'time' ? wide : undefined;
    case 'timestamp':
      return from === 'timestamp_ntz' ? wide : from === 'date' ? midnight(86_400_000_000n) : undefined;
    case 'timestamptz':
      return from === 'timestamp' ? wide : undefined;
    case 'timestamp_ns':
      return from === 'timestamp_ntz_ns' ? wide : from === 'timestamp_ntz' ? micros(true) : from === 'date' ? midnight(86_400_000_000_000n) : undefined;
    case 'timestamptz_ns':
      return from === 'timestamp_ns' ? wide : from === 'timestamp' ? micros(true) : undefined;
    case 'string':
      return from === 'string' ? v : undefined;
    case 'uuid':
      return (from === 'uuid' || from === 'string') && typeof v === 'string' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : undefined;
    case 'binary':
      return v instanceof Uint8Array ? v : undefined;
    default:
      return undefined;
  }
}

/** The neighbouring value on an integral domain (`dir` ±1); undefined for dense or bounded-out domains. */
function step(v: LiteralValue, type: IcebergType, dir: 1 | -1): LiteralValue | undefined {
  if (type.kind === 'decimal') {
    const u = typeof v === 'string' ? decimalToUnscaled(v, type.scale) : undefined;
    return u === undefined ? undefined : unscaledToDecimal(u + BigInt(dir), type.scale);
  }
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'int':
      return typeof v === 'number' && v + dir >= INT_MIN && v + dir <= INT_MAX ? v + dir : undefined;
    case 'date': {
      const days = typeof v === 'string' ? parseDays(v) : undefined;
      return days === undefined ? undefined : formatDays(days + dir);
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return typeof v === 'bigint' ? v + BigInt(dir) : undefined;
    default:
      return undefined;
  }
}

/** The Loch type of a partition value (Iceberg → Loch mapping of the issue brief). */
function lochTypeOf(type: IcebergType): DataType | undefined {
  if (type.kind === 'decimal' || type.kind === 'fixed') return toLochType(type);
  // Values of these types never prune: no ordering Loch compares (variant, unknown) or none at all (geo, nested).
  if (type.kind !== 'primitive' || type.name === 'variant' || type.name === 'unknown') return undefined;
  return toLochType(type);
}
