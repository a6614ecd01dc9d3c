import type { DataType, PrimitiveName } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';

/**
 * Type widening for writers (PROTOCOL.md "Type Widening", protocol_rfcs/accepted/type-widening.md):
 * which type changes may be applied without rewriting data files, and the `delta.typeChanges`
 * history kept in the metadata of the nearest struct field.
 */

/** The column metadata key holding a field's type change history. */
export const TYPE_CHANGES_KEY = 'delta.typeChanges';

/** One entry of `delta.typeChanges`. */
export interface TypeChange {
  readonly fromType: string;
  readonly toType: string;
  /** Inside arrays and maps: 'element', 'key', 'value', dotted for nesting ('element.value'). */
  readonly fieldPath?: string;
  /** Only on tables with the preview feature (typeWidening-preview): the commit version. */
  readonly tableVersion?: number;
}

const INTEGRAL_RANK: Readonly<Partial<Record<PrimitiveName, number>>> = { byte: 1, short: 2, integer: 3, long: 4 };

/** Digits before the decimal point an integral type needs: the protocol's decimal(10 + k1, k2) and decimal(20 + k1, k2). */
const INTEGRAL_DIGITS: Readonly<Partial<Record<PrimitiveName, number>>> = { byte: 10, short: 10, integer: 10, long: 20 };

function integralRank(type: DataType): number | undefined {
  return type.kind === 'primitive' ? INTEGRAL_RANK[type.name] : undefined;
}

/** True for primitive and decimal types (the only ones a type change applies to). */
export function isAtomicType(type: DataType): boolean {
  return type.kind === 'primitive' || type.kind === 'decimal';
}

/** True when `a` and `b` are the same atomic type. */
export function sameAtomicType(a: DataType, b: DataType): boolean {
  return isAtomicType(a) && isAtomicType(b) && typeToString(a) === typeToString(b);
}

/**
 * True when changing an atomic column from `from` to `to` is a widening the protocol allows:
 * byte → short → int → long; float → double; byte/short/int → double; date → timestamp_ntz;
 * decimal(p, s) → decimal(p + k1, s + k2) with k1 ≥ k2 ≥ 0; byte/short/int → decimal(10 + k1, k2)
 * and long → decimal(20 + k1, k2) with k1 ≥ k2 ≥ 0. The same type is not a change (false).
 */
export function isWideningTypeChange(from: DataType, to: DataType): boolean {
  if (!isAtomicType(from) || !isAtomicType(to) || sameAtomicType(from, to)) return false;
  const fromRank = integralRank(from);
  const toRank = integralRank(to);
  if (fromRank !== undefined && toRank !== undefined) return toRank > fromRank;
  if (from.kind === 'decimal' && to.kind === 'decimal') {
    const k1 = to.precision - from.precision;
    const k2 = to.scale - from.scale;
    return k1 >= k2 && k2 >= 0;
  }
  if (from.kind !== 'primitive') return false;
  if (to.kind === 'decimal') {
    const digits = INTEGRAL_DIGITS[from.name];
    return digits !== undefined && to.precision - to.scale >= digits;
  }
  if (to.kind !== 'primitive') return false;
  if (to.name === 'double') return from.name === 'float' || (fromRank !== undefined && fromRank <= 3);
  return from.name === 'date' && to.name === 'timestamp_ntz';
}

/**
 * True when Iceberg V2 also allows the change (required while icebergCompatV1/V2 is on): not
 * integer → double, date → timestamp_ntz, a decimal scale increase, or integer → decimal.
 */
export function isIcebergCompatibleTypeChange(from: DataType, to: DataType): boolean {
  if (!isWideningTypeChange(from, to)) return false;
  if (from.kind === 'decimal' && to.kind === 'decimal') return to.scale === from.scale;
  if (to.kind === 'decimal') return false;
  if (from.kind === 'primitive' && from.name === 'date') return false;
  return !(integralRank(from) !== undefined && to.kind === 'primitive' && to.name === 'double');
}

/** The allowed widenings, for error messages. */
export const ALLOWED_TYPE_CHANGES =
  'byte → short → int → long, float → double, byte/short/int → double, date → timestamp_ntz, ' +
  'decimal(p,s) → decimal(p+k1,s+k2) with k1 ≥ k2 ≥ 0, byte/short/int → decimal(10+k1,k2), long → decimal(20+k1,k2)';

/** The `delta.typeChanges` entries of a field's metadata (entries that are not objects are skipped). */
export function typeChangesOf(metadata: Readonly<Record<string, unknown>> | undefined): TypeChange[] {
  const raw = metadata?.[TYPE_CHANGES_KEY];
  const list: unknown = typeof raw === 'string' ? safeParse(raw) : raw;
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is TypeChange => typeof e === 'object' && e !== null && typeof (e as TypeChange).fromType === 'string' && typeof (e as TypeChange).toType === 'string');
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Field metadata with `change` appended to its `delta.typeChanges` history (kept as a JSON list,
 * as Spark writes it), every other key untouched.
 */
export function withTypeChange(metadata: Readonly<Record<string, unknown>> | undefined, change: TypeChange): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    ...(change.tableVersion !== undefined ? { tableVersion: change.tableVersion } : {}),
    fromType: change.fromType,
    toType: change.toType,
    ...(change.fieldPath !== undefined && change.fieldPath !== '' ? { fieldPath: change.fieldPath } : {}),
  };
  const raw = metadata?.[TYPE_CHANGES_KEY];
  const previous: unknown[] = Array.isArray(raw) ? raw : typeChangesOf(metadata);
  return { ...(metadata ?? {}), [TYPE_CHANGES_KEY]: [...previous, entry] };
}
