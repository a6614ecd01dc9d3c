import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

let loch: Loch;
let dir: string;
beforeAll(async () => {
  dir = await tempDir('loch-iceberg-sql-');
  loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
});
afterAll(async () => loch?.close());

const rows = async (sql: string) => (await (await loch.sql(sql)).all()) as unknown[][];
const metadataJson = async (path: string) => {
  const hint = (await readFile(join(path, 'metadata', 'version-hint.text'), 'utf8')).trim();
  return JSON.parse(await readFile(join(path, 'metadata', `v${hint}.metadata.json`), 'utf8')) as Record<string, unknown>;
};

describe('Iceberg writes through SQL', () => {
  it('CREATE TABLE iceberg.`path` with transforms, INSERT, INSERT OVERWRITE', async () => {
    const t = join(dir, 'events');
    await rows(`CREATE TABLE iceberg.\`${t}\` (id BIGINT NOT NULL, name STRING, ts TIMESTAMP, amount DECIMAL(10, 2))
      USING ICEBERG PARTITIONED BY (days(ts), bucket(4, id), truncate(2, name)) TBLPROPERTIES ('write.delete.mode' = 'merge-on-read')`);
    const meta1 = await metadataJson(t);
    expect(meta1['format-version']).toBe(2);
    expect((meta1['partition-specs'] as { fields: unknown[] }[])[0]?.fields).toEqual([
      { 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' },
      { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[4]' },
      { 'source-id': 2, 'field-id': 1002, name: 'name_trunc', transform: 'truncate[2]' },
    ]);
    expect(await rows(`INSERT INTO iceberg.\`${t}\` SELECT i, 'n' || i, TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR, i * 1.25 FROM range(48) r(i)`)).toEqual([[48n, 48n]]);
    expect(await rows(`SELECT count(*), sum(id), sum(amount) FROM iceberg.\`${t}\``)).toEqual([[48n, 1128n, '1410.00']]);
    expect(await rows(`SELECT count(*) FROM iceberg.\`${t}\` WHERE ts >= TIMESTAMP '2024-01-02'`)).toEqual([[24n]]);
    await rows(`INSERT OVERWRITE iceberg.\`${t}\` SELECT 1, 'x', TIMESTAMP '2025-01-01', 1`);
    expect(await rows(`SELECT id, name FROM iceberg.\`${t}\``)).toEqual([[1n, 'x']]);
    const meta = await metadataJson(t);
    expect((meta.snapshots as unknown[]).length).toBe(2);
    expect(meta['last-sequence-number']).toBe(2);
  });

  it('CTAS, v3, and field ids in the data files', async () => {
    const t = join(dir, 'ctas');
    await rows(`CREATE TABLE iceberg.\`${t}\` TBLPROPERTIES ('format-version' = '3') AS SELECT i AS id, {'a': i, 'b': [i, i]} AS s FROM range(5) r(i)`);
    expect(await rows(`SELECT sum(id), sum(s.a) FROM iceberg.\`${t}\``)).toEqual([[10n, 10n]]);
    const meta = await metadataJson(t);
    expect(meta['format-version']).toBe(3);
    expect(meta['next-row-id']).toBe(5);
    const dataDir = join(t, 'data');
    const files = (await readdir(dataDir, { recursive: true })).filter((f) => f.endsWith('.parquet'));
    expect(files.length).toBe(1);
    const ids = await rows(`SELECT name, field_id FROM parquet_schema('${join(dataDir, files[0] as string)}') WHERE field_id IS NOT NULL ORDER BY field_id`);
    expect(ids.map((r) => [r[0], Number(r[1])])).toEqual([['id', 1], ['s', 2], ['a', 3], ['b', 4], ['element', 5]]);
  });
});

describe('Iceberg schema and partition evolution through SQL', () => {
  it('ADD/RENAME/DROP COLUMN, type promotion, properties, partition fields', async () => {
    const t = join(dir, 'evolve');
    const T = `iceberg.\`${t}\``;
    await rows(`CREATE TABLE ${T} (id INT, name STRING, v FLOAT) USING ICEBERG`);
    await rows(`INSERT INTO ${T} VALUES (1, 'a', 1.5)`);
    await rows(`ALTER TABLE ${T} ADD COLUMNS (extra STRING)`);
    await rows(`ALTER TABLE ${T} RENAME COLUMN name TO label`);
    await rows(`ALTER TABLE ${T} ALTER COLUMN id TYPE BIGINT`);
    await rows(`ALTER TABLE ${T} ALTER COLUMN v TYPE DOUBLE`);
    await expect(loch.sql(`ALTER TABLE ${T} ALTER COLUMN label TYPE INT`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await rows(`INSERT INTO ${T} VALUES (2, 'b', 2.5, 'x')`);
    expect(await rows(`SELECT id, label, v, extra FROM ${T} ORDER BY id`)).toEqual([
      [1n, 'a', 1.5, null],
      [2n, 'b', 2.5, 'x'],
    ]);
    await rows(`ALTER TABLE ${T} DROP COLUMN extra`);
    await rows(`ALTER TABLE ${T} SET TBLPROPERTIES ('k' = 'v', 'format-version' = '3')`);
    await rows(`ALTER TABLE ${T} ADD PARTITION FIELD bucket(4, id)`);
    await rows(`INSERT INTO ${T} VALUES (3, 'c', 3.5)`);
    await rows(`ALTER TABLE ${T} REPLACE PARTITION FIELD id_bucket WITH truncate(10, id) AS id_t`);
    await rows(`ALTER TABLE ${T} UNSET TBLPROPERTIES ('k')`);
    await rows(`INSERT INTO ${T} VALUES (14, 'd', 4.5)`);
    expect(await rows(`SELECT id, label FROM ${T} ORDER BY id`)).toEqual([[1n, 'a'], [2n, 'b'], [3n, 'c'], [14n, 'd']]);
    const meta = await metadataJson(t);
    expect(meta['format-version']).toBe(3);
    expect(meta.properties).not.toHaveProperty('k');
    const specs = meta['partition-specs'] as { 'spec-id': number; fields: { name: string; transform: string; 'field-id': number }[] }[];
    expect(specs.map((s) => s.fields.map((f) => `${f.name}:${f.transform}:${f['field-id']}`))).toEqual([[], ['id_bucket:bucket[4]:1000'], ['id_t:truncate[10]:1001']]);
    expect(meta['default-spec-id']).toBe(2);
    const fields = ((meta.schemas as { 'schema-id': number; fields: { id: number; name: string; type: unknown }[] }[]).find((s) => s['schema-id'] === meta['current-schema-id'])?.fields ?? []).map((f) => [f.id, f.name, f.type]);
    expect(fields).toEqual([[1, 'id', 'long'], [2, 'label', 'string'], [3, 'v', 'double']]);
  });
});
