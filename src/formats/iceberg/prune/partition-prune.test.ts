import { describe, expect, it } from 'vitest';
import { and, cmp, col, eq, inList, isNull, lit, not, or } from '../../../expr/nodes.js';
import type { Expr, LiteralValue } from '../../../expr/nodes.js';
import { decimal, primitive } from '../../../expr/types.js';
import type { FieldSummary, IcebergField, IcebergSchema, IcebergType, PartitionSpec } from '../model.js';
import { applyTransform, parseTransform } from '../transforms/transform.js';
import { encodeBinaryValue } from '../values/binary-value.js';
import { manifestMayMatch, partitionMayMatch } from './partition-prune.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name }) as IcebergType;
const f = (id: number, name: string, type: IcebergType): IcebergField => ({ id, name, required: false, type });
const INT = primitive('integer');
const LONG = primitive('long');
const STR = primitive('string');
const DATE = primitive('date');
const TS = primitive('timestamp'); // Iceberg timestamptz
const i = (v: number): Expr => lit(INT, v);

const schema: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    f(1, 'x', p('int')),
    f(2, 's', p('string')),
    f(3, 'ts', p('timestamptz')),
    f(4, 'd', p('date')),
    f(5, 'amount', { kind: 'decimal', precision: 9, scale: 2 }),
    f(6, 'n', { kind: 'struct', fields: [f(7, 'inner', p('long'))] }),
    f(8, 'y', p('int')),
    f(9, 'u', p('uuid')),
    f(10, 'tsn', p('timestamp_ns')),
  ],
};
const spec = (...fields: [number, string][]): PartitionSpec => ({
  specId: 1,
  fields: fields.map(([sourceId, transform], k) => ({ sourceIds: [sourceId], fieldId: 1000 + k, name: `p${k}`, transform })),
});
const tuple = (...values: LiteralValue[]): ReadonlyMap<number, LiteralValue> => new Map(values.map((v, k) => [1000 + k, v]));
const may = (filter: Expr, s: PartitionSpec, ...values: LiteralValue[]): boolean => partitionMayMatch(filter, s, schema, tuple(...values));
const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

describe('partitionMayMatch: identity', () => {
  const s = spec([1, 'identity']);
  it('evaluates the predicate on the partition value', () => {
    expect(may(eq(col('x'), i(5)), s, 5)).toBe(true);
    expect(may(eq(col('x'), i(5)), s, 6)).toBe(false);
    expect(may(eq(col('x'), i(5)), s, null)).toBe(false);
    expect(may(isNull(col('x')), s, null)).toBe(true);
    expect(may(isNull(col('x')), s, 5)).toBe(false);
    expect(may(not(eq(col('x'), i(5))), s, 5)).toBe(false);
    expect(may(cmp('!=', col('x'), i(5)), s, 6)).toBe(true);
    expect(may(not(inList(col('x'), [lit(INT, 1), lit(INT, 2)])), s, 2)).toBe(false);
    expect(may(cmp('<', lit(LONG, 4n), col('x')), s, 4)).toBe(false);
  });
  it('works through AND / OR / NOT and ignores other columns', () => {
    expect(may(and(eq(col('x'), i(5)), eq(col('y'), i(1))), s, 6)).toBe(false);
    expect(may(or(eq(col('x'), i(5)), eq(col('y'), i(1))), s, 6)).toBe(true);
    expect(may(not(or(eq(col('x'), i(5)), eq(col('x'), i(6)))), s, 6)).toBe(false);
    expect(may(eq(col('y'), i(1)), s, 6)).toBe(true);
    expect(may(eq(col('x'), col('y')), s, 6)).toBe(true);
  });
  it('never prunes on missing tuple values or unknown columns', () => {
    expect(partitionMayMatch(eq(col('x'), i(5)), s, schema, new Map())).toBe(true);
    expect(may(eq(col('nope'), i(5)), s, 6)).toBe(true);
  });
  it('reads nested struct sources and compares across columns', () => {
    expect(may(eq(col('n', 'inner'), lit(LONG, 7n)), spec([7, 'identity']), 8n)).toBe(false);
    expect(may(eq(col('n', 'inner'), lit(LONG, 7n)), spec([7, 'identity']), 7n)).toBe(true);
    expect(may(cmp('<', col('x'), col('y')), spec([1, 'identity'], [8, 'identity']), 5, 3)).toBe(false);
  });
});

describe('partitionMayMatch: bucket', () => {
  const s = spec([1, 'bucket[16]']);
  const b = (v: number): LiteralValue => applyTransform(parseTransform('bucket[16]'), p('int'), v);
  it('projects = and IN only', () => {
    expect(may(eq(col('x'), i(34)), s, b(34))).toBe(true);
    expect(may(eq(col('x'), i(34)), s, b(35))).toBe(b(34) === b(35));
    expect(may(inList(col('x'), [lit(INT, 34), lit(INT, 1)]), s, b(1))).toBe(true);
    expect(may(inList(col('x'), [lit(INT, 34), lit(INT, null)]), s, (Number(b(34)) + 1) % 16)).toBe(false);
    expect(may(cmp('>', col('x'), i(34)), s, 99)).toBe(true);
    expect(may(cmp('!=', col('x'), i(34)), s, b(34))).toBe(true);
    expect(may(isNull(col('x')), s, 3)).toBe(false);
    expect(may(not(isNull(col('x'))), s, null)).toBe(false);
  });
  it('converts literals exactly or not at all', () => {
    expect(may(eq(col('x'), lit(LONG, 34n)), s, (Number(b(34)) + 1) % 16)).toBe(false);
    expect(may(eq(col('x'), lit(LONG, 2n ** 40n)), s, 0)).toBe(true);
    const u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7';
    const ub = spec([9, 'bucket[16]']);
    expect(may(eq(col('u'), lit(STR, u.toUpperCase())), ub, 1488055340 % 16)).toBe(true);
    expect(may(eq(col('u'), lit(primitive('uuid'), u)), ub, (1488055340 % 16) + 1)).toBe(false);
    const db = spec([5, 'bucket[8]']);
    expect(may(eq(col('amount'), lit(decimal(4, 1), '14.2')), db, (-500754589 & 0x7fffffff) % 8)).toBe(true);
    expect(may(eq(col('amount'), lit(decimal(4, 1), '14.2')), db, ((-500754589 & 0x7fffffff) % 8) ^ 1)).toBe(false);
  });
  it('reproduces spark_rename_column_bucket (bucket[4] on id, identity on date)', () => {
    const rs: IcebergSchema = { schemaId: 0, identifierFieldIds: [], fields: [f(1, 'id', p('int')), f(3, 'event_date', p('date'))] };
    const rspec: PartitionSpec = { specId: 0, fields: [{ sourceIds: [1], fieldId: 1000, name: 'id_bucket', transform: 'bucket[4]' }, { sourceIds: [3], fieldId: 1001, name: 'date', transform: 'identity' }] };
    const files = [tuple(3, null), tuple(2, '2022-01-02'), tuple(0, '2022-01-01')];
    const keep = (e: Expr): number[] => files.flatMap((t, k) => (partitionMayMatch(e, rspec, rs, t) ? [k] : []));
    expect(keep(eq(col('id'), i(3)))).toEqual([0]);
    expect(keep(eq(col('id'), i(1)))).toEqual([2]);
    expect(keep(eq(col('event_date'), lit(DATE, '2022-01-01')))).toEqual([2]);
    expect(keep(isNull(col('event_date')))).toEqual([0]);
    expect(keep(or(eq(col('id'), i(4)), cmp('>=', col('event_date'), lit(DATE, '2022-01-02'))))).toEqual([1]);
  });
});

describe('partitionMayMatch: truncate', () => {
  it('projects integer ranges with the x < v → x <= v - 1 tightening', () => {
    const s = spec([1, 'truncate[10]']);
    expect(may(cmp('<', col('x'), i(10)), s, 10)).toBe(false);
    expect(may(cmp('<', col('x'), i(10)), s, 0)).toBe(true);
    expect(may(cmp('<=', col('x'), i(10)), s, 10)).toBe(true);
    expect(may(cmp('>', col('x'), i(19)), s, 10)).toBe(false);
    expect(may(cmp('>=', col('x'), i(19)), s, 10)).toBe(true);
    expect(may(eq(col('x'), i(-1)), s, -10)).toBe(true);
    expect(may(eq(col('x'), i(-1)), s, 0)).toBe(false);
    expect(may(cmp('!=', col('x'), i(5)), s, 0)).toBe(true);
  });
  it('projects strings by prefix', () => {
    const s = spec([2, 'truncate[3]']);
    expect(may(eq(col('s'), lit(STR, 'iceberg')), s, 'ice')).toBe(true);
    expect(may(eq(col('s'), lit(STR, 'iceberg')), s, 'ick')).toBe(false);
    expect(may(cmp('<', col('s'), lit(STR, 'icf')), s, 'icz')).toBe(false);
    expect(may(cmp('<', col('s'), lit(STR, 'icf')), s, 'icf')).toBe(true);
    expect(may(cmp('>', col('s'), lit(STR, 'icebox')), s, 'ice')).toBe(true);
    expect(may(cmp('>', col('s'), lit(STR, 'icebox')), s, 'ica')).toBe(false);
  });
  it('projects decimals on the unscaled value', () => {
    const s = spec([5, 'truncate[50]']);
    expect(may(eq(col('amount'), lit(decimal(9, 2), '10.65')), s, '10.50')).toBe(true);
    expect(may(eq(col('amount'), lit(decimal(9, 2), '10.65')), s, '10.00')).toBe(false);
    expect(may(cmp('<', col('amount'), lit(decimal(9, 2), '10.50')), s, '10.50')).toBe(false);
    expect(may(cmp('<', col('amount'), lit(INT, 11)), s, '10.50')).toBe(true);
  });
});

describe('partitionMayMatch: time transforms', () => {
  const day = 17486; // 2017-11-16
  it('projects ranges on day/hour/month/year', () => {
    const s = spec([3, 'day']);
    const t = (iso: string): Expr => lit(TS, micros(iso));
    expect(may(cmp('>=', col('ts'), t('2017-11-16T00:00:00Z')), s, day - 1)).toBe(false);
    expect(may(cmp('>=', col('ts'), t('2017-11-16T00:00:00Z')), s, day)).toBe(true);
    expect(may(cmp('<', col('ts'), t('2017-11-16T00:00:00Z')), s, day)).toBe(false);
    expect(may(cmp('<=', col('ts'), t('2017-11-16T00:00:00Z')), s, day)).toBe(true);
    expect(may(eq(col('ts'), t('2017-11-16T22:31:08Z')), s, day + 1)).toBe(false);
    const h = spec([10, 'hour']);
    expect(may(cmp('>', col('tsn'), lit(primitive('timestamp_ntz_ns'), micros('2017-11-16T22:59:59.999Z') * 1000n + 999_999n)), h, day * 24 + 22)).toBe(false);
    // A microsecond literal on a nanosecond column: x > …59.999999 still admits …59.9999995.
    expect(may(cmp('>', col('tsn'), lit(primitive('timestamp_ntz'), micros('2017-11-16T22:59:59.999Z') + 999n)), h, day * 24 + 22)).toBe(true);
    expect(may(cmp('>=', col('tsn'), lit(primitive('timestamp_ntz'), micros('2017-11-16T23:00:00Z'))), h, day * 24 + 22)).toBe(false);
    expect(may(cmp('>', col('tsn'), lit(primitive('timestamp_ntz'), micros('2017-11-16T22:59:59Z'))), h, day * 24 + 22)).toBe(true);
    const y = spec([4, 'year']);
    expect(may(cmp('<', col('d'), lit(DATE, '2000-01-01')), y, 30)).toBe(false);
    expect(may(cmp('<', col('d'), lit(DATE, '2000-01-01')), y, 29)).toBe(true);
    const m = spec([4, 'month']);
    expect(may(inList(col('d'), [lit(DATE, '2017-11-16'), lit(DATE, '2018-01-01')]), m, 47 * 12 + 10)).toBe(true);
    expect(may(inList(col('d'), [lit(DATE, '2017-11-16'), lit(DATE, '2018-01-01')]), m, 47 * 12 + 11)).toBe(false);
  });
  it('widens negative results for files of writers that rounded toward zero', () => {
    const s = spec([3, 'day']);
    const before = lit(TS, -1n);
    expect(may(eq(col('ts'), before), s, -1)).toBe(true);
    expect(may(eq(col('ts'), before), s, 0)).toBe(true);
    expect(may(eq(col('ts'), before), s, -2)).toBe(false);
    expect(may(cmp('<=', col('ts'), lit(TS, -86_400_000_001n)), s, -1)).toBe(true);
    expect(may(cmp('<=', col('ts'), lit(TS, -86_400_000_001n)), s, 0)).toBe(false);
    expect(may(cmp('>=', col('ts'), before), s, -2)).toBe(false);
    expect(may(inList(col('ts'), [before]), s, 0)).toBe(true);
  });
  it('projects a date literal onto a timestamp column as its midnight', () => {
    const ntz: IcebergSchema = { schemaId: 0, identifierFieldIds: [], fields: [f(1, 't', p('timestamp'))] };
    const s = spec([1, 'day']);
    expect(partitionMayMatch(cmp('>=', col('t'), lit(DATE, '2017-11-16')), s, ntz, tuple(day - 1))).toBe(false);
    expect(partitionMayMatch(cmp('>=', col('t'), lit(DATE, '2017-11-16')), s, ntz, tuple(day))).toBe(true);
  });
});

describe('partitionMayMatch: never prunes', () => {
  it('on void, unknown or multi-argument transforms and when a source column is gone', () => {
    expect(may(eq(col('x'), i(5)), spec([1, 'void']), null)).toBe(true);
    expect(may(eq(col('x'), i(5)), spec([1, 'zorder']), 3)).toBe(true);
    expect(may(eq(col('x'), i(5)), spec([99, 'identity']), 3)).toBe(true);
    const multi: PartitionSpec = { specId: 1, fields: [{ sourceIds: [1, 8], fieldId: 1000, name: 'p', transform: 'bucket[4]' }] };
    expect(may(eq(col('x'), i(5)), multi, 3)).toBe(true);
    expect(may(eq(col('x'), i(5)), spec([4, 'hour']), 3)).toBe(true);
  });
  it('combines several fields of one source column', () => {
    const s = spec([3, 'bucket[4]'], [3, 'day']);
    const v = micros('2017-11-16T22:31:08Z');
    const b = applyTransform(parseTransform('bucket[4]'), p('timestamptz'), v);
    expect(may(eq(col('ts'), lit(TS, v)), s, b, 17486)).toBe(true);
    expect(may(eq(col('ts'), lit(TS, v)), s, b, 17487)).toBe(false);
    expect(may(eq(col('ts'), lit(TS, v)), s, (Number(b) + 1) % 4, 17486)).toBe(false);
  });
});

describe('manifestMayMatch', () => {
  const summary = (type: IcebergType, lower: LiteralValue, upper: LiteralValue, containsNull: boolean, containsNan?: boolean): FieldSummary => ({
    containsNull,
    ...(containsNan === undefined ? {} : { containsNan }),
    ...(lower === null ? {} : { lowerBound: encodeBinaryValue(lower, type) }),
    ...(upper === null ? {} : { upperBound: encodeBinaryValue(upper, type) }),
  });
  const s = spec([1, 'identity'], [2, 'truncate[2]']);
  const sums = [summary(p('int'), 1, 5, false), summary(p('string'), 'ab', 'cd', true)];
  const mm = (e: Expr, summaries: readonly FieldSummary[] | undefined = sums): boolean => manifestMayMatch(e, s, schema, summaries);
  it('prunes on bounds and null flags of the projected fields', () => {
    expect(mm(eq(col('x'), i(7)))).toBe(false);
    expect(mm(eq(col('x'), i(3)))).toBe(true);
    expect(mm(cmp('<', col('x'), i(1)))).toBe(false);
    expect(mm(isNull(col('x')))).toBe(false);
    expect(mm(isNull(col('s')))).toBe(true);
    expect(mm(eq(col('s'), lit(STR, 'zz-top')))).toBe(false);
    expect(mm(eq(col('s'), lit(STR, 'cdefg')))).toBe(true);
    expect(mm(cmp('<', col('s'), lit(STR, 'aa')))).toBe(false);
    expect(mm(or(eq(col('x'), i(7)), eq(col('s'), lit(STR, 'bz'))))).toBe(true);
  });
  it('treats a nullable field without bounds as all null', () => {
    const allNull = [summary(p('int'), null, null, true), summary(p('string'), null, null, true)];
    expect(mm(eq(col('x'), i(3)), allNull)).toBe(false);
    expect(mm(isNull(col('x')), allNull)).toBe(true);
    const dbl: IcebergSchema = { schemaId: 0, identifierFieldIds: [], fields: [f(1, 'v', p('double'))] };
    const nanOnly = [summary(p('double'), null, null, true, true)];
    expect(manifestMayMatch(cmp('>', col('v'), lit(primitive('double'), 1)), spec([1, 'identity']), dbl, nanOnly)).toBe(true);
  });
  it('never prunes without summaries or with undecodable bounds', () => {
    expect(manifestMayMatch(eq(col('x'), i(7)), s, schema, undefined)).toBe(true);
    expect(mm(eq(col('x'), i(7)), [])).toBe(true);
    expect(mm(eq(col('x'), i(7)), [{ containsNull: false, lowerBound: Uint8Array.of(1, 2), upperBound: Uint8Array.of(1) }])).toBe(true);
  });
  it('prunes day-partitioned manifests by range', () => {
    const ds = spec([3, 'day']);
    const sm = [summary(p('int'), 17480, 17486, false)];
    expect(manifestMayMatch(cmp('>', col('ts'), lit(TS, micros('2017-11-17T00:00:00Z'))), ds, schema, sm)).toBe(false);
    expect(manifestMayMatch(cmp('>', col('ts'), lit(TS, micros('2017-11-16T23:00:00Z'))), ds, schema, sm)).toBe(true);
  });
});

