import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { DataType, StructType } from '../../expr/types.js';
import { decimal, primitive } from '../../expr/types.js';
import { daysFromCivil } from '../../core/calendar.js';
import {
  parseDecimalText,
  parsePartitionValue,
  parsePartitionValues,
  parseTimestampText,
} from './partition-values.js';
import { parseDeltaSchema } from './spec/schema.js';
import { DELTA_TESTDATA, latestMetadata, readLogActions } from './test-support/corpus.js';
import { thrown } from '../../test-support/errors.js';

const where = { column: 'c', table: 't', file: 'f.parquet' };

/** The canonical JSON form of the corpus' expected files (README "How values are written"). */
function canonical(value: LiteralValue, type: DataType): unknown {
  if (value === null) return null;
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') {
    if (type.kind === 'primitive' && (type.name === 'timestamp' || type.name === 'timestamp_ntz')) {
      const ms = Number(value / 1000n);
      const micros = String(Number(((value % 1_000_000n) + 1_000_000n) % 1_000_000n)).padStart(6, '0');
      const iso = new Date(ms).toISOString().slice(0, 19);
      return type.name === 'timestamp' ? `${iso}.${micros}Z` : `${iso}.${micros}`;
    }
    return Number(value);
  }
  return value;
}

/** Checks every live add's partition values of a table against its expected rows. */
function checkTable(table: string): number {
  const meta = latestMetadata(table)!;
  const schema = parseDeltaSchema(meta.schemaString, { table, version: 0 });
  const expected = JSON.parse(readFileSync(path.join(DELTA_TESTDATA, `${table}.expected.json`), 'utf8')) as {
    active_files_latest: Array<{ path: string }>;
    latest: { rows: Array<Record<string, unknown>> };
  };
  const live = new Set(expected.active_files_latest.map((f) => f.path));
  const expectedTuples = new Set(expected.latest.rows.map((row) => JSON.stringify(meta.partitionColumns.map((c) => row[c]))));
  let checked = 0;
  for (const { action } of readLogActions(table)) {
    const add = action.add;
    if (!add || !live.has(String(add.path))) continue;
    const parsed = parsePartitionValues(add.partitionValues as Record<string, string | null>, schema, meta.partitionColumns, { table });
    const tuple = meta.partitionColumns.map((c) => canonical(parsed.get(c)!, schema.fields.find((f) => f.name === c)!.type));
    expect(expectedTuples, `${table} ${String(add.path)}`).toContain(JSON.stringify(tuple));
    checked++;
  }
  return checked;
}

describe('parsePartitionValue on the test corpus', () => {
  it.each([
    'golden-data-reader-partition-values',
    'golden-kernel-timestamp-timestamp_micros',
    'golden-data-reader-timestamp_ntz',
    'dat-multi_partitioned',
    'dat-basic_partitioned',
    'deltars-partition-type-primitives',
    'golden-data-reader-escaped-chars',
    'golden-dv-with-columnmapping',
    'deltars-table_with_column_mapping',
  ])('reads the partition values of %s as the expected rows show them', (table) => {
    expect(checkTable(table)).toBeGreaterThan(0);
  });
});

describe('parsePartitionValue', () => {
  it('reads null, undefined and the empty string as null for every type', () => {
    for (const type of [primitive('string'), primitive('integer'), primitive('binary'), decimal(5, 2)]) {
      expect(parsePartitionValue(null, type, where)).toBeNull();
      expect(parsePartitionValue(undefined, type, where)).toBeNull();
      expect(parsePartitionValue('', type, where)).toBeNull();
    }
    expect(parsePartitionValue('null', primitive('string'), where)).toBe('null');
  });

  it('reads numbers by type with range checks', () => {
    expect(parsePartitionValue('-128', primitive('byte'), where)).toBe(-128);
    expect(thrown(() => parsePartitionValue('128', primitive('byte'), where)).code).toBe('CORRUPT_DATA');
    expect(parsePartitionValue('2147483647', primitive('integer'), where)).toBe(2147483647);
    expect(parsePartitionValue('-9223372036854775808', primitive('long'), where)).toBe(-9223372036854775808n);
    expect(thrown(() => parsePartitionValue('9223372036854775808', primitive('long'), where)).code).toBe('CORRUPT_DATA');
    expect(parsePartitionValue('1.1', primitive('float'), where)).toBe(Math.fround(1.1));
    expect(parsePartitionValue('-1.5E-3', primitive('double'), where)).toBe(-0.0015);
    expect(parsePartitionValue('NaN', primitive('double'), where)).toBeNaN();
    expect(parsePartitionValue('-Infinity', primitive('float'), where)).toBe(Number.NEGATIVE_INFINITY);
    expect(thrown(() => parsePartitionValue('0x10', primitive('double'), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue(' 1', primitive('integer'), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue('1.0', primitive('integer'), where)).code).toBe('CORRUPT_DATA');
  });

  it('normalises decimals to exactly `scale` fraction digits', () => {
    expect(parsePartitionValue('1', decimal(5, 2), where)).toBe('1.00');
    expect(parsePartitionValue('-0.5', decimal(5, 2), where)).toBe('-0.50');
    expect(parsePartitionValue('-0', decimal(5, 2), where)).toBe('0.00');
    expect(parsePartitionValue('1E-7', decimal(10, 7), where)).toBe('0.0000001');
    expect(parsePartitionValue('1.2E+3', decimal(6, 1), where)).toBe('1200.0');
    expect(parsePartitionValue('12345678901234567890.123456789012345678', decimal(38, 18), where)).toBe(
      '12345678901234567890.123456789012345678',
    );
    expect(parsePartitionValue('1.500', decimal(3, 1), where)).toBe('1.5');
    expect(thrown(() => parsePartitionValue('1.55', decimal(3, 1), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue('1000', decimal(5, 2), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue('1.2.3', decimal(5, 2), where)).code).toBe('CORRUPT_DATA');
  });

  it('rounds decimal statistics outward on request', () => {
    expect(parseDecimalText('1.234', 5, 2, 'floor')).toBe('1.23');
    expect(parseDecimalText('1.234', 5, 2, 'ceil')).toBe('1.24');
    expect(parseDecimalText('-1.234', 5, 2, 'floor')).toBe('-1.24');
    expect(parseDecimalText('-1.234', 5, 2, 'ceil')).toBe('-1.23');
    expect(parseDecimalText('1E-300', 5, 2, 'ceil')).toBe('0.01');
    expect(parseDecimalText('1E-300', 5, 2, 'floor')).toBe('0.00');
    expect(parseDecimalText('1E+300', 5, 2, 'floor')).toBeUndefined();
  });

  it('reads dates, booleans and binary', () => {
    expect(parsePartitionValue('2020-02-29', primitive('date'), where)).toBe('2020-02-29');
    expect(thrown(() => parsePartitionValue('2021-02-29', primitive('date'), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue('2021-1-1', primitive('date'), where)).code).toBe('CORRUPT_DATA');
    expect(parsePartitionValue('TRUE', primitive('boolean'), where)).toBe(true);
    expect(thrown(() => parsePartitionValue('yes', primitive('boolean'), where)).code).toBe('CORRUPT_DATA');
    expect(parsePartitionValue('\u0001\u0002\u0003', primitive('binary'), where)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reads timestamps as UTC micros and timestamp_ntz as wall-clock micros', () => {
    const ts = primitive('timestamp');
    const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
    expect(parsePartitionValue('1970-01-01 00:00:00', ts, where)).toBe(0n);
    expect(parsePartitionValue('1970-01-01 00:00:00.123456', ts, where)).toBe(123456n);
    expect(parsePartitionValue('1970-01-01T00:00:00.123456Z', ts, where)).toBe(123456n);
    expect(parsePartitionValue('1970-01-01T01:00:00+01:00', ts, where)).toBe(0n);
    expect(parsePartitionValue('1969-12-31 23:59:59.999999', ts, where)).toBe(-1n);
    expect(parsePartitionValue('1969-01-01 00:00:00', ts, where)).toBe(at('1969-01-01T00:00:00Z'));
    expect(parsePartitionValue('2020-01-01 08:09:10.001', ts, where)).toBe(at('2020-01-01T08:09:10.001Z'));
    expect(parsePartitionValue('2013-07-05 17:01:00.123456', primitive('timestamp_ntz'), where)).toBe(at('2013-07-05T17:01:00.123Z') + 456n);
    expect(thrown(() => parsePartitionValue('2013-07-05 17:01:00+02:00', primitive('timestamp_ntz'), where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parsePartitionValue('2013-07-05 25:01:00', ts, where)).code).toBe('CORRUPT_DATA');
    expect(parseTimestampText('0001-01-01 00:00:00', 'utc')).toBe(-62135596800000000n);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
  });

  it('names table, file, column and value in errors', () => {
    const error = thrown(() => parsePartitionValue('abc', primitive('integer'), where));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toBe('delta partition value: table t file f.parquet column c: cannot read "abc" as integer');
    const nested: DataType = { kind: 'array', element: primitive('integer'), containsNull: true };
    expect(thrown(() => parsePartitionValue('1', nested, where)).code).toBe('PROTOCOL_VIOLATION');
  });

  it('looks partition values up by physical name and returns them by logical name', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [{ name: 'Company Name', type: primitive('string'), nullable: true, physicalName: 'col-1' }],
    };
    expect(parsePartitionValues({ 'col-1': 'acme' }, schema, ['Company Name'])).toEqual(new Map([['Company Name', 'acme']]));
    expect(parsePartitionValues({}, schema, ['Company Name'])).toEqual(new Map([['Company Name', null]]));
    expect(thrown(() => parsePartitionValues({}, schema, ['missing'])).code).toBe('PROTOCOL_VIOLATION');
  });
});
