import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Column mapping mode `id`: data files are matched to columns by parquet field id, not by name.
 * The fixture's parquet column names deliberately match neither the logical nor the physical
 * names, so only ids can find the data.
 */
describe('column mapping by field id', () => {
  let dir: string;
  let loch: Loch;
  beforeAll(async () => {
    dir = await tempDir();
    const table = join(dir, 'ids');
    await mkdir(join(table, '_delta_log'), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT i AS zz_a, 'v' || i AS zz_b FROM range(5) t(i)) TO '${join(table, 'part-0.parquet')}' (FORMAT parquet, FIELD_IDS {zz_a: 1, zz_b: 2})`);
    await c.run(`COPY (SELECT i AS yy_b, i * 10 AS yy_a FROM range(5, 8) t(i)) TO '${join(table, 'part-1.parquet')}' (FORMAT parquet, FIELD_IDS {yy_b: 2, yy_a: 1})`);
    c.closeSync();
    db.closeSync();
    const meta = (name: string, id: number) => ({ 'delta.columnMapping.id': id, 'delta.columnMapping.physicalName': `col-${name}-phys` });
    const schemaString = JSON.stringify({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: true, metadata: meta('id', 1) },
        { name: 'label', type: 'string', nullable: true, metadata: meta('label', 2) },
      ],
    });
    const lines = [
      { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
      {
        metaData: {
          id: 'ids',
          format: { provider: 'parquet', options: {} },
          schemaString,
          partitionColumns: [],
          configuration: { 'delta.columnMapping.mode': 'id', 'delta.columnMapping.maxColumnId': '2' },
        },
      },
      { add: { path: 'part-0.parquet', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } },
      { add: { path: 'part-1.parquet', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } },
    ];
    await writeFile(join(table, '_delta_log', '00000000000000000000.json'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => {
    await loch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every column through its field id', async () => {
    const result = await loch.sql(`SELECT id, label FROM delta.\`${join(dir, 'ids')}\` ORDER BY id`);
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'label']);
    expect(await result.all()).toEqual([[0n, 'v0'], [1n, 'v1'], [2n, 'v2'], [3n, 'v3'], [4n, 'v4'], [50n, '5'], [60n, '6'], [70n, '7']]);
  });
});
