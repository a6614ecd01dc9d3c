import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { field, primitive, type StructType } from '../../expr/types.js';
import { DuckDbEngine } from './database.js';
import { writeRowsAsParquet } from './rows-parquet.js';
import type { Session } from './session.js';
import type { Row } from './values.js';

const str = primitive('string');
const long = primitive('long');

let engine: DuckDbEngine;
let session: Session;
let dir: string;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2 });
  session = await engine.session();
  dir = await mkdtemp(join(tmpdir(), 'loch-rows-test-'));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function query(sql: string): Promise<Row[]> {
  return (await session.query(sql)).all();
}

const checkpointSchema: StructType = {
  kind: 'struct',
  fields: [
    field('txn', { kind: 'struct', fields: [field('appId', str), field('version', long)] }),
    field('add', {
      kind: 'struct',
      fields: [
        field('path', str),
        field('partitionValues', { kind: 'map', key: str, value: str, valueContainsNull: true }),
        field('size', long),
        field('dataChange', primitive('boolean')),
        field('tags', { kind: 'map', key: str, value: str, valueContainsNull: true }),
        field('stats_parsed', { kind: 'struct', fields: [field('numRecords', long), field('minValues', { kind: 'struct', fields: [field('d', primitive('double')), field('ts', primitive('timestamp'))] })] }),
      ],
    }),
    field('protocol', { kind: 'struct', fields: [field('readerFeatures', { kind: 'array', element: str, containsNull: true })] }),
  ],
};

describe('writeRowsAsParquet', () => {
  it('writes nested structs, maps, lists, nulls and bigints that read back exactly', async () => {
    const path = join(dir, 'nested', '00010.checkpoint.parquet');
    const rows = [
      { txn: { appId: "it's", version: 9007199254740993n } },
      {
        add: {
          path: 'p=a%20b/part-0.parquet',
          partitionValues: { p: 'a b', q: null },
          size: 123,
          dataChange: false,
          stats_parsed: { numRecords: 2n, minValues: { d: Number.NaN, ts: '2020-01-02T03:04:05.123456Z' } },
          ignored: 'x',
        },
      },
      { protocol: { readerFeatures: ['deletionVectors', 'columnMapping'] }, add: null },
    ];
    const result = await writeRowsAsParquet(session, rows, checkpointSchema, path);
    expect(result.rowCount).toBe(3);
    expect(result.sizeBytes).toBe((await stat(path)).size);
    const back = await query(`SELECT txn, add, protocol FROM read_parquet('${path}')`);
    expect(back[0]?.[0]).toEqual({ appId: "it's", version: 9007199254740993n });
    expect(back[0]?.[1]).toBeNull();
    expect(back[1]?.[1]).toEqual({
      path: 'p=a%20b/part-0.parquet',
      partitionValues: [
        { key: 'p', value: 'a b' },
        { key: 'q', value: null },
      ],
      size: 123n,
      dataChange: false,
      tags: null,
      stats_parsed: { numRecords: 2n, minValues: { d: Number.NaN, ts: '2020-01-02T03:04:05.123456Z' } },
    });
    expect(back[2]).toEqual([null, null, { readerFeatures: ['deletionVectors', 'columnMapping'] }]);
    const types = await query(`SELECT name, type FROM parquet_schema('${path}') WHERE name IN ('version', 'size', 'dataChange')`);
    expect(new Map(types.map((r) => [r[0], r[1]]))).toEqual(new Map([['version', 'INT64'], ['size', 'INT64'], ['dataChange', 'BOOLEAN']]));
  });

  it('streams 200k rows from a generator quickly', async () => {
    const path = join(dir, 'big.parquet');
    function* rows() {
      for (let i = 0; i < 200_000; i += 1) {
        yield { add: { path: `part-${i}.parquet`, partitionValues: { p: String(i % 7) }, size: i, dataChange: true, stats_parsed: { numRecords: BigInt(i) } } };
      }
    }
    const started = Date.now();
    const result = await writeRowsAsParquet(session, rows(), checkpointSchema, path, { rowGroupRows: 50_000 });
    expect(result.rowCount).toBe(200_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    // DuckDB rounds row groups up to whole 2048-row vectors.
    const groups = await query(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${path}')`);
    expect(groups).toEqual([[4n]]);
    const back = await query(`SELECT count(*), sum(add.size), max(add.stats_parsed.numRecords), count(DISTINCT add.partitionValues['p']) FROM read_parquet('${path}')`);
    expect(back).toEqual([[200_000n, 19_999_900_000n, 199_999n, 7n]]);
  });

  it('writes a valid empty file for zero rows and replaces an existing file', async () => {
    const path = join(dir, 'empty.parquet');
    await writeFile(path, 'old bytes');
    expect((await writeRowsAsParquet(session, [], checkpointSchema, path)).rowCount).toBe(0);
    expect(await query(`SELECT count(*) FROM read_parquet('${path}')`)).toEqual([[0n]]);
    const columns = await query(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
    expect(columns.map((r) => r[0])).toEqual(['txn', 'add', 'protocol']);
  });

  it('fails on a value that does not fit its column, leaving no file and no temp file', async () => {
    const path = join(dir, 'bad.parquet');
    const temp = await mkdtemp(join(dir, 'temp-'));
    const error = await writeRowsAsParquet(session, [{ txn: { appId: 'a', version: 'not a number' } }], checkpointSchema, path, { tempDir: temp }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    expect((error as LochError).message).toMatch(/^parquet rows: cannot write 1 rows to .*bad\.parquet: /);
    expect(existsSync(path)).toBe(false);
    expect(await readdir(temp)).toEqual([]);
  });

  it('rejects an empty schema and binary values', async () => {
    await expect(writeRowsAsParquet(session, [], { kind: 'struct', fields: [] }, join(dir, 'x.parquet'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const schema: StructType = { kind: 'struct', fields: [field('b', primitive('binary'))] };
    await expect(writeRowsAsParquet(session, [{ b: new Uint8Array([1]) }], schema, join(dir, 'y.parquet'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(join(dir, 'y.parquet'))).toBe(false);
  });
});
