import type { FileFacts } from './file-facts.js';
import type { ComparisonOp, Expr, Literal, LiteralValue } from './nodes.js';
import type { DataType, StructType } from './types.js';

/**
 * File pruning: decides from partition values and file statistics that no row of a file can
 * satisfy a predicate. The visitor computes, for every sub-expression, which of TRUE, FALSE and
 * NULL it may evaluate to on some row (an over-approximation); a file is pruned only when the
 * whole predicate can never be TRUE. Comparisons follow DuckDB's semantics, because DuckDB runs
 * the same predicate (rendered by to-sql.ts): mixed numeric types compare in DOUBLE when one
 * side is DOUBLE, else in FLOAT when one side is FLOAT, else exactly; NaN equals NaN and is
 * greater than every other number; strings compare by code point (UTF-8 byte order); a date
 * compares with a timestamp_ntz as its midnight. Anything else (timestamp vs timestamp_ntz,
 * column vs expression, unknown columns) is treated as "may be anything".
 */

/** What an expression may evaluate to on some row of the file. */
interface Outcomes {
  readonly t: boolean;
  readonly f: boolean;
  readonly n: boolean;
}

const ANY: Outcomes = { t: true, f: true, n: true };

/**
 * True only when the file provably has no row for which `e` is TRUE (NULL counts as not TRUE).
 * `facts` hold exact partition values and statistics keyed by logical dotted paths; `schema`
 * gives the column types. Missing facts never prune.
 */
export function canPrune(e: Expr, facts: FileFacts, schema: StructType): boolean {
  if (facts.stats?.numRecords === 0) return true;
  return !outcomes(e, facts, schema).t;
}

function outcomes(e: Expr, facts: FileFacts, schema: StructType): Outcomes {
  const sub = (x: Expr): Outcomes => outcomes(x, facts, schema);
  switch (e.kind) {
    case 'and': {
      const parts = e.operands.map(sub);
      return { t: parts.every((p) => p.t), f: parts.some((p) => p.f), n: parts.some((p) => p.n) };
    }
    case 'or': {
      const parts = e.operands.map(sub);
      return { t: parts.some((p) => p.t), f: parts.every((p) => p.f), n: parts.some((p) => p.n) };
    }
    case 'not': {
      const inner = sub(e.operand);
      return { t: inner.f, f: inner.t, n: inner.n };
    }
    case 'is_null': {
      const operand = operandOf(e.operand, facts, schema);
      if (operand) return { t: operand.mayBeNull, f: operand.mayBeNonNull, n: false };
      const inner = sub(e.operand);
      return { t: inner.n, f: inner.t || inner.f, n: false };
    }
    case 'comparison': {
      const left = operandOf(e.left, facts, schema);
      const right = operandOf(e.right, facts, schema);
      return left && right ? compareOperands(e.op, left, right) : ANY;
    }
    case 'in':
      return inList(e.operand, e.values, facts, schema);
    case 'column':
    case 'literal': {
      const operand = operandOf(e, facts, schema);
      return operand ? asBoolean(operand) : ANY;
    }
  }
}

/** A column or literal as the set of values it may take in the file. */
interface Operand {
  readonly type: DataType;
  readonly mayBeNull: boolean;
  readonly mayBeNonNull: boolean;
  /** Lower and upper bound of the non-null values; undefined when unknown. */
  readonly min?: LiteralValue;
  readonly max?: LiteralValue;
}

function operandOf(e: Expr, facts: FileFacts, schema: StructType): Operand | undefined {
  if (e.kind === 'literal') return point(e.type, e.value);
  if (e.kind !== 'column') return undefined;
  const type = columnType(schema, e.path);
  if (!type) return undefined;
  const key = e.path.join('.');
  if (facts.partitionValues.has(key)) return point(type, facts.partitionValues.get(key) ?? null);
  const stats = facts.stats;
  if (!stats) return { type, mayBeNull: true, mayBeNonNull: true };
  const nulls = stats.nullCount.get(key);
  const allNull = nulls !== undefined && stats.numRecords !== undefined && nulls >= stats.numRecords;
  const min = stats.minValues.get(key) ?? undefined;
  // Writers leave NaN out of float statistics, and NaN sorts above every number.
  const max = isFloating(type) ? undefined : (stats.maxValues.get(key) ?? undefined);
  return { type, mayBeNull: nulls === undefined || nulls > 0, mayBeNonNull: !allNull, min, max };
}

function point(type: DataType, value: LiteralValue): Operand {
  return value === null ? { type, mayBeNull: true, mayBeNonNull: false } : { type, mayBeNull: false, mayBeNonNull: true, min: value, max: value };
}

function columnType(schema: StructType, path: readonly string[]): DataType | undefined {
  let type: DataType = schema;
  for (const name of path) {
    if (type.kind !== 'struct') return undefined;
    const found: DataType | undefined = type.fields.find((f) => f.name === name)?.type;
    if (!found) return undefined;
    type = found;
  }
  return type === schema ? undefined : type;
}

function isFloating(type: DataType): boolean {
  return type.kind === 'primitive' && (type.name === 'float' || type.name === 'double');
}

function asBoolean(o: Operand): Outcomes {
  if (o.type.kind !== 'primitive' || o.type.name !== 'boolean') return ANY;
  return {
    t: o.mayBeNonNull && o.max !== false,
    f: o.mayBeNonNull && o.min !== true,
    n: o.mayBeNull,
  };
}

function compareOperands(op: ComparisonOp, left: Operand, right: Operand): Outcomes {
  const space = spaceOf([left.type, right.type]);
  if (!space) return ANY;
  const a = intervalOf(left, space);
  const b = intervalOf(right, space);
  if (!a || !b) return ANY;
  const both = left.mayBeNonNull && right.mayBeNonNull;
  const n = left.mayBeNull || right.mayBeNull;
  const r = relate(op, a, b, space);
  return { t: both && r.t, f: both && r.f, n };
}

function inList(operandExpr: Expr, values: readonly Literal[], facts: FileFacts, schema: StructType): Outcomes {
  if (values.length === 0) return { t: false, f: true, n: false };
  const operand = operandOf(operandExpr, facts, schema);
  if (!operand) return ANY;
  const present = values.filter((v) => v.value !== null);
  const hasNull = present.length < values.length;
  // DuckDB unifies the types of all list values, NULLs included, with the operand's.
  const space = spaceOf([operand.type, ...values.map((v) => v.type)]);
  const a = space && intervalOf(operand, space);
  if (!space || !a) return ANY;
  let t = false;
  let f = !hasNull;
  for (const v of present) {
    const b = intervalOf(point(v.type, v.value), space);
    if (!b) return ANY;
    const r = relate('=', a, b, space);
    t ||= r.t;
    f &&= r.f;
  }
  const live = operand.mayBeNonNull;
  return { t: live && t, f: live && f, n: operand.mayBeNull || (hasNull && live) };
}

// ---- value spaces -------------------------------------------------------------------------

type Space =
  | 'exact'
  | 'float'
  | 'double'
  | 'string'
  | 'binary'
  | 'boolean'
  | 'days'
  | 'micros_tz'
  | 'micros_ntz'
  | 'micros_time'
  | 'nanos_tz'
  | 'nanos_ntz'
  | 'uuid';
type Family =
  | 'exact'
  | 'float'
  | 'double'
  | 'string'
  | 'binary'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'time'
  | 'timestamp_ns'
  | 'timestamp_ntz_ns'
  | 'uuid';

/** Only types of one family compare without conversion (fixed is a BLOB to DuckDB). */
function familyOf(t: DataType): Family | undefined {
  if (t.kind === 'decimal') return 'exact';
  if (t.kind === 'fixed') return 'binary';
  if (t.kind !== 'primitive') return undefined;
  switch (t.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return 'exact';
    case 'variant':
    case 'void':
      return undefined;
    default:
      return t.name;
  }
}

const SINGLE_FAMILY_SPACE: Readonly<Record<Family, Space>> = {
  exact: 'exact',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  boolean: 'boolean',
  date: 'days',
  timestamp: 'micros_tz',
  timestamp_ntz: 'micros_ntz',
  time: 'micros_time',
  timestamp_ns: 'nanos_tz',
  timestamp_ntz_ns: 'nanos_ntz',
  uuid: 'uuid',
};

/** The type space DuckDB compares values of these types in, or undefined when unsure. */
function spaceOf(types: readonly DataType[]): Space | undefined {
  const families = new Set(types.map(familyOf));
  if (families.has(undefined)) return undefined;
  const has = (f: Family): boolean => families.has(f);
  const numeric = [...families].every((f) => f === 'exact' || f === 'float' || f === 'double');
  if (numeric) return has('double') ? 'double' : has('float') ? 'float' : 'exact';
  if (families.size === 2 && has('date') && has('timestamp_ntz')) return 'micros_ntz';
  if (families.size !== 1) return undefined;
  return SINGLE_FAMILY_SPACE[[...families][0]!];
}

interface Rational {
  readonly u: bigint;
  readonly s: number;
}
type Ord = number | bigint | string | Uint8Array | Rational;
/** Bounds in a space; undefined = unbounded on that side. */
interface Interval {
  readonly lo?: Ord;
  readonly hi?: Ord;
}

function intervalOf(o: Operand, space: Space): Interval | undefined {
  const lo = o.min === undefined ? undefined : convert(o.min, o.type, space);
  const hi = o.max === undefined ? undefined : convert(o.max, o.type, space);
  if ((o.min !== undefined && !lo) || (o.max !== undefined && !hi)) return undefined;
  return { ...(lo ? { lo: lo.lo } : {}), ...(hi ? { hi: hi.hi } : {}) };
}

/** A value in a space, as an interval when the conversion may round (DuckDB's rounding unknown). */
function convert(value: LiteralValue, type: DataType, space: Space): { lo: Ord; hi: Ord } | undefined {
  const exact = (v: Ord | undefined): { lo: Ord; hi: Ord } | undefined => (v === undefined ? undefined : { lo: v, hi: v });
  switch (space) {
    case 'exact':
      return exact(toRational(value, type));
    case 'float':
    case 'double':
      return toFloating(value, type, space);
    case 'string':
      return exact(typeof value === 'string' ? value : undefined);
    case 'binary':
      return exact(value instanceof Uint8Array ? value : undefined);
    case 'boolean':
      return exact(typeof value === 'boolean' ? Number(value) : undefined);
    case 'days':
      return exact(typeof value === 'string' ? epochDays(value) : undefined);
    case 'micros_tz':
    case 'micros_ntz':
      if (familyOf(type) === 'date') {
        const days = typeof value === 'string' ? epochDays(value) : undefined;
        return exact(days === undefined ? undefined : BigInt(days) * 86_400_000_000n);
      }
      return exact(integral(value));
    case 'micros_time':
    case 'nanos_tz':
    case 'nanos_ntz':
      return exact(integral(value));
    case 'uuid':
      // Lower-case canonical text orders as the 16 bytes do, unsigned, which is DuckDB's UUID order.
      return exact(typeof value === 'string' ? value.toLowerCase() : undefined);
  }
}

function integral(value: LiteralValue): bigint | undefined {
  return typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
}

function toRational(value: LiteralValue, type: DataType): Rational | undefined {
  if (typeof value === 'bigint') return { u: value, s: 0 };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { u: BigInt(value), s: 0 } : undefined;
  if (typeof value === 'string' && type.kind === 'decimal') {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
    if (!m) return undefined;
    const frac = m[3] ?? '';
    const u = BigInt(`${m[2]}${frac}`);
    return { u: m[1] === '-' ? -u : u, s: frac.length };
  }
  return undefined;
}

function toFloating(value: LiteralValue, type: DataType, space: 'float' | 'double'): { lo: number; hi: number } | undefined {
  const narrow = space === 'float' ? Math.fround : (x: number): number => x;
  let d: number;
  let isExact: boolean;
  if (typeof value === 'number') {
    d = familyOf(type) === 'float' ? Math.fround(value) : value;
    isExact = familyOf(type) !== 'exact' || Number.isSafeInteger(value);
  } else if (typeof value === 'bigint') {
    d = Number(value);
    isExact = Number.isFinite(d) && BigInt(d) === value;
  } else if (typeof value === 'string' && type.kind === 'decimal') {
    d = Number(value);
    isExact = /^-?\d+(\.0*)?$/.test(value) && Number.isSafeInteger(d);
  } else {
    return undefined;
  }
  const x = narrow(d);
  if (isExact && (Number.isNaN(x) || x === d)) return { lo: x, hi: x };
  return space === 'float' ? { lo: nextFloat32(x, -1), hi: nextFloat32(x, 1) } : { lo: nextFloat64(x, -1), hi: nextFloat64(x, 1) };
}

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The adjacent double in direction `dir` (±1); infinities and NaN stay. */
function nextFloat64(x: number, dir: 1 | -1): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return dir * Number.MIN_VALUE;
  F64[0] = x;
  I64[0]! += (x > 0) === (dir > 0) ? 1n : -1n;
  return F64[0]!;
}

function nextFloat32(x: number, dir: 1 | -1): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return dir * 1.401298464324817e-45;
  F32[0] = x;
  I32[0]! += (x > 0) === (dir > 0) ? 1 : -1;
  return F32[0]!;
}

function epochDays(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Orders two values of one space: negative, zero or positive. */
function compareInSpace(a: Ord, b: Ord, space: Space): number {
  switch (space) {
    case 'exact': {
      const [x, y] = [a as Rational, b as Rational];
      const s = Math.max(x.s, y.s);
      const xu = x.u * 10n ** BigInt(s - x.s);
      const yu = y.u * 10n ** BigInt(s - y.s);
      return xu < yu ? -1 : xu > yu ? 1 : 0;
    }
    case 'float':
    case 'double': {
      const [x, y] = [a as number, b as number];
      if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
      return compareCodePoints(a as string, b as string);
    case 'binary':
      return compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** UTF-16 strings in code point order (= UTF-8 byte order). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above every BMP unit from U+E000 on.
    const fx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    const fy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return fx - fy;
  }
  return a.length - b.length;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** May `x op y` be TRUE / FALSE for some x in a and y in b (both non-null)? */
function relate(op: ComparisonOp, a: Interval, b: Interval, space: Space): { t: boolean; f: boolean } {
  // An absent lower bound is -infinity, an absent upper bound +infinity.
  const cmp = (p: Ord | undefined, q: Ord | undefined, pSide: 'lo' | 'hi', qSide: 'lo' | 'hi'): number => {
    if (p === undefined && q === undefined) return pSide === qSide ? 0 : pSide === 'lo' ? -1 : 1;
    if (p === undefined) return pSide === 'lo' ? -1 : 1;
    if (q === undefined) return qSide === 'lo' ? 1 : -1;
    return compareInSpace(p, q, space);
  };
  const aLoBelowBHi = cmp(a.lo, b.hi, 'lo', 'hi');
  const aHiAboveBLo = cmp(a.hi, b.lo, 'hi', 'lo');
  const bLoBelowAHi = cmp(b.lo, a.hi, 'lo', 'hi');
  switch (op) {
    case '<':
      return { t: aLoBelowBHi < 0, f: aHiAboveBLo >= 0 };
    case '<=':
      return { t: aLoBelowBHi <= 0, f: aHiAboveBLo > 0 };
    case '>':
      return { t: aHiAboveBLo > 0, f: aLoBelowBHi <= 0 };
    case '>=':
      return { t: aHiAboveBLo >= 0, f: aLoBelowBHi < 0 };
    case '=':
    case '!=': {
      const mayEqual = aLoBelowBHi <= 0 && bLoBelowAHi <= 0;
      const allEqual = isPoint(a, space) && isPoint(b, space) && compareInSpace(a.lo!, b.lo!, space) === 0;
      return op === '=' ? { t: mayEqual, f: !allEqual } : { t: !allEqual, f: mayEqual };
    }
  }
}

function isPoint(i: Interval, space: Space): boolean {
  return i.lo !== undefined && i.hi !== undefined && compareInSpace(i.lo, i.hi, space) === 0;
}
