import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { protocolSupports } from '../../src/formats/delta/write/protocol-for.js';
import type { StructField } from '../../src/expr/types.js';
import { duckRows, validateTableLog } from '../support/log-validator.js';
import { RoundTrip, expectRows, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/** The value of `key` in DESCRIBE HISTORY's operationParameters (a list of {key, value}). */
function param(map: unknown, key: string): unknown {
  return (map as { key: string; value: unknown }[]).find((e) => e.key === key)?.value;
}

function fieldNamed(fields: readonly StructField[], name: string): StructField {
  const found = fields.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no field ${name} among ${fields.map((f) => f.name).join(', ')}`);
  return found;
}

/** ALTER TABLE schema changes through SQL, each one commit, checked against the log validator. */
describe('ALTER TABLE schema changes on Delta tables', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  const snapshot = async (path: string, version?: number) => (await h.loch.deltaTable(path)).snapshot(version === undefined ? {} : { version });
  const history = async (path: string) => h.rows(`DESCRIBE HISTORY ${h.ref(path)}`);

  it('RENAME and DROP need column mapping; turning it on for a table with data keeps the files readable', async () => {
    const path = h.path('enable-mapping');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, p STRING) PARTITIONED BY (p)`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 'x'), (2, 'b', 'y')`);
    const rows = table(['id', 'v', 'p'], [1, 'a', 'x'], [2, 'b', 'y']);
    await rt.expectLatest(rows);
    for (const sql of [`ALTER TABLE ${t} RENAME COLUMN v TO w`, `ALTER TABLE ${t} DROP COLUMN v`]) {
      const e = await h.error(sql);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(`table ${path}`);
      expect(e.message).toContain("'delta.columnMapping.mode' = 'name'");
    }
    const toId = await h.error(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'id')`);
    expect(toId.message).toContain(`table ${path}: cannot change delta.columnMapping.mode from 'none' to 'id'`);

    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    const snap = await snapshot(path);
    expect(snap.delta.columnMapping).toBe('name');
    expect(protocolSupports(snap.delta.protocol, 'columnMapping')).toBe(true);
    expect(snap.schema.fields.map((f) => [f.name, f.physicalName, f.fieldId])).toEqual([
      ['id', 'id', 1],
      ['v', 'v', 2],
      ['p', 'p', 3],
    ]);
    expect(snap.properties['delta.columnMapping.maxColumnId']).toBe('3');
    expect(snap.fileCount).toBe(2);
    await rt.expectLatest(rows);

    for (const sql of [
      `ALTER TABLE ${t} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'id')`,
      `ALTER TABLE ${t} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'none')`,
      `ALTER TABLE ${t} UNSET TBLPROPERTIES ('delta.columnMapping.mode')`,
    ]) {
      const e = await h.error(sql);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/cannot change delta\.columnMapping\.mode from 'name' to '(id|none)'/);
    }
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN v TO w`);
    await h.rows(`INSERT INTO ${t} VALUES (3, 'c', 'x')`);
    await rt.expectLatest(table(['id', 'w', 'p'], [1, 'a', 'x'], [2, 'b', 'y'], [3, 'c', 'x']));
    await rt.verify();
  });

  it('RENAME COLUMN of a column, a partition column and a nested field; old versions keep the old names', async () => {
    const path = h.path('rename');
    const t = h.ref(path);
    await h.rows(
      `CREATE TABLE ${t} (id INT, v STRING, p STRING, s STRUCT<x: INT, y: STRING>) PARTITIONED BY (p) ` +
        `TBLPROPERTIES ('delta.columnMapping.mode' = 'name', 'delta.dataSkippingStatsColumns' = 'id,v,s.x')`,
    );
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 'x', {'x': 1, 'y': 'q'})`);
    await rt.expectLatest(table(['id', 'v', 'p', 's'], [1, 'a', 'x', { x: 1, y: 'q' }]));
    const first = await snapshot(path);
    const physical = first.schema.fields.map((f) => f.physicalName);
    const filesAt1 = first.delta.files.map((f) => f.path);

    await h.rows(`ALTER TABLE ${t} RENAME COLUMN v TO w`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN p TO part`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN S.x TO z`);
    await rt.expectLatest(table(['id', 'w', 'part', 's'], [1, 'a', 'x', { z: 1, y: 'q' }]));
    await h.rows(`INSERT INTO ${t} VALUES (2, 'b', 'y', {'z': 2, 'y': 'r'})`);
    await rt.expectLatest(table(['id', 'w', 'part', 's'], [1, 'a', 'x', { z: 1, y: 'q' }], [2, 'b', 'y', { z: 2, y: 'r' }]));
    await expectRows(h, `SELECT id FROM ${t} WHERE part = 'y' AND s.z = 2`, table(['id'], [2]));

    const snap = await snapshot(path);
    expect(snap.partitionColumns).toEqual(['part']);
    expect(snap.schema.fields.map((f) => f.physicalName)).toEqual(physical);
    expect(snap.properties['delta.dataSkippingStatsColumns']).toBe('id,w,s.z');
    // The file written after the renames names its columns (and partition value) physically.
    const newest = snap.delta.files.find((f) => !filesAt1.includes(f.path));
    expect(newest).toBeDefined();
    const partPhysical = fieldNamed(snap.schema.fields, 'part').physicalName;
    expect(Object.keys(newest!.partitionValues)).toEqual([partPhysical]);
    const columns = (await duckRows(`SELECT name FROM parquet_schema('${join(path, newest!.path)}')`)).map((r) => r[0]);
    expect(columns).toContain(fieldNamed(snap.schema.fields, 'w').physicalName);
    expect(columns).not.toContain('w');

    const renames = (await history(path)).filter((r) => r['operation'] === 'RENAME COLUMN');
    expect(renames.map((r) => [param(r['operationParameters'], 'oldColumnPath'), param(r['operationParameters'], 'newColumnPath')])).toEqual([
      ['s.x', 's.z'],
      ['p', 'part'],
      ['v', 'w'],
    ]);
    expect(await h.error(`ALTER TABLE ${t} RENAME COLUMN w TO ID`)).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('column id already exists') });
    const missing = await h.error(`ALTER TABLE ${t} RENAME COLUMN s.nope TO n`);
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain(`table ${path} has no column s.nope`);
    await rt.verify();
  });
  it('RENAME COLUMN in id mode, through SQL and the TypeScript API', async () => {
    const path = h.path('rename-id');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT, b STRING) TBLPROPERTIES ('delta.columnMapping.mode' = 'id')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'x')`);
    await rt.expectLatest(table(['a', 'b'], [1, 'x']));
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN a TO first`);
    await (await h.loch.deltaTable(path)).alter({ kind: 'rename_column', path: ['b'], newName: 'second' });
    await h.rows(`INSERT INTO ${t} VALUES (2, 'y')`);
    await rt.expectLatest(table(['first', 'second'], [1, 'x'], [2, 'y']));
    await rt.verify();
  });

  it('DROP COLUMN[S]: files untouched, INSERT after a drop, a re-added name starts empty, and what cannot be dropped', async () => {
    const path = h.path('drop');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, a STRING, b INT, p STRING, s STRUCT<x: INT, y: INT>) PARTITIONED BY (p) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a1', 10, 'x', {'x': 1, 'y': 2})`);
    await rt.expectLatest(table(['id', 'a', 'b', 'p', 's'], [1, 'a1', 10, 'x', { x: 1, y: 2 }]));
    const before = (await snapshot(path)).delta.files.map((f) => f.path);

    await h.rows(`ALTER TABLE ${t} DROP COLUMN a`);
    await rt.expectLatest(table(['id', 'b', 'p', 's'], [1, 10, 'x', { x: 1, y: 2 }]));
    expect((await snapshot(path)).delta.files.map((f) => f.path)).toEqual(before);
    await h.rows(`INSERT INTO ${t} VALUES (2, 20, 'y', {'x': 3, 'y': 4})`);
    await rt.expectLatest(table(['id', 'b', 'p', 's'], [1, 10, 'x', { x: 1, y: 2 }], [2, 20, 'y', { x: 3, y: 4 }]));
    await h.rows(`ALTER TABLE ${t} DROP COLUMNS IF EXISTS (B, nope)`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN s.y`);
    await rt.expectLatest(table(['id', 'p', 's'], [1, 'x', { x: 1 }], [2, 'y', { x: 3 }]));
    await h.rows(`ALTER TABLE ${t} ADD COLUMNS (a STRING)`);
    await h.rows(`INSERT INTO ${t} VALUES (3, 'z', {'x': 5}, 'new')`);
    await rt.expectLatest(table(['id', 'p', 's', 'a'], [1, 'x', { x: 1 }, null], [2, 'y', { x: 3 }, null], [3, 'z', { x: 5 }, 'new']));

    const refused: [string, string, string][] = [
      [`ALTER TABLE ${t} DROP COLUMN p`, 'INVALID_ARGUMENT', 'cannot drop column p: it is a partition column'],
      [`ALTER TABLE ${t} DROP COLUMN s.x`, 'INVALID_ARGUMENT', 'cannot drop column s.x: it is the only field of s'],
      [`ALTER TABLE ${t} DROP COLUMN nope`, 'NOT_FOUND', `table ${path} has no column nope`],
      [`ALTER TABLE ${t} DROP COLUMNS (id, s, a)`, 'INVALID_ARGUMENT', 'every column is a partition column'],
      [`ALTER TABLE ${t} DROP COLUMN s.element`, 'NOT_FOUND', 'has no column s.element'],
    ];
    for (const [sql, code, message] of refused) {
      const e = await h.error(sql);
      expect(e.code, sql).toBe(code);
      expect(e.message, sql).toContain(message);
    }
    const drops = (await history(path)).filter((r) => r['operation'] === 'DROP COLUMNS');
    expect(drops.map((r) => param(r['operationParameters'], 'columns'))).toEqual(['["s.y"]', '["b"]', '["a"]']);

    const single = h.path('drop-single');
    await h.rows(`CREATE TABLE ${h.ref(single)} (only INT) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    expect((await h.error(`ALTER TABLE ${h.ref(single)} DROP COLUMN only`)).message).toContain("cannot drop column only: it is the table's only column");
    await rt.verify();
  });

  it('a CHECK constraint blocks renaming, dropping and retyping the columns it uses', async () => {
    const path = h.path('constrained');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (qty INT, label STRING, other INT) TBLPROPERTIES ('delta.columnMapping.mode' = 'name', 'delta.enableTypeWidening' = 'true')`);
    await h.rows(`ALTER TABLE ${t} ADD CONSTRAINT pos CHECK (qty > 0)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 2)`);
    for (const sql of [`ALTER TABLE ${t} RENAME COLUMN qty TO n`, `ALTER TABLE ${t} DROP COLUMN QTY`, `ALTER TABLE ${t} ALTER COLUMN qty TYPE BIGINT`]) {
      const e = await h.error(sql);
      expect(e.code, sql).toBe('INVALID_ARGUMENT');
      expect(e.message, sql).toContain(`table ${path}`);
      expect(e.message, sql).toContain('CHECK constraint pos (qty > 0) uses column qty');
    }
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN label TO name`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN other`);
    await h.rows(`ALTER TABLE ${t} DROP CONSTRAINT pos`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN qty TO quantity`);
    await expectRows(h, `SELECT * FROM ${t}`, table(['quantity', 'name'], [1, 'a']));
    await validateTableLog(path);
  });

  it('COMMENT on columns and nested fields, recorded as CHANGE COLUMN', async () => {
    const path = h.path('comment');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, s STRUCT<x: INT>, arr ARRAY<INT>)`);
    await h.rows(`ALTER TABLE ${t} ALTER COLUMN id COMMENT 'the key'`);
    await h.rows(`ALTER TABLE ${t} CHANGE COLUMN s.x COMMENT 'inner'`);
    const snap = await snapshot(path);
    expect(fieldNamed(snap.schema.fields, 'id').metadata?.['comment']).toBe('the key');
    const s = fieldNamed(snap.schema.fields, 's').type;
    expect(s.kind === 'struct' ? s.fields[0]?.metadata?.['comment'] : undefined).toBe('inner');
    const change = (await history(path)).find((r) => r['operation'] === 'CHANGE COLUMN');
    expect(JSON.parse(param(change?.['operationParameters'], 'column') as string)).toEqual({ name: 's.x', type: 'integer', nullable: true, metadata: { comment: 'inner' } });
    expect((await h.error(`ALTER TABLE ${t} ALTER COLUMN arr.element COMMENT 'no'`)).message).toContain('array elements and map keys and values are not named columns');
    await validateTableLog(path);
  });

  it('type widening needs delta.enableTypeWidening; old files read in the wider type and filters on it stay right', async () => {
    const path = h.path('widen');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v INT, d DATE, f FLOAT, dec DECIMAL(5,2), s STRUCT<x: SMALLINT>, arr ARRAY<INT>, m MAP<STRING, FLOAT>, name STRING)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 2147483647, DATE '2024-01-02', 1.5, 123.45, {'x': 7}, [1, 2], MAP {'k': 0.5}, 'one'), (2, -5, DATE '2023-06-01', -0.25, -1.5, {'x': -3}, [], MAP {}, 'two')`);
    const disabled = await h.error(`ALTER TABLE ${t} ALTER COLUMN v TYPE BIGINT`);
    expect(disabled.code).toBe('INVALID_ARGUMENT');
    expect(disabled.message).toBe(
      `delta: table ${path}: cannot change column v from integer to long: type widening is not enabled; set TBLPROPERTIES ('delta.enableTypeWidening' = 'true') first`,
    );

    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`);
    const protocol = (await snapshot(path)).delta.protocol;
    expect(protocol.minReaderVersion).toBe(3);
    expect(protocol.minWriterVersion).toBe(7);
    expect(protocol.readerFeatures).toContain('typeWidening');
    expect(protocol.writerFeatures).toContain('typeWidening');
    const widenedAt = (await snapshot(path)).version;
    for (const change of ['v TYPE BIGINT', 'd TYPE TIMESTAMP_NTZ', 'f TYPE DOUBLE', 'dec TYPE DECIMAL(7,3)', 's.x TYPE INT', 'arr.element TYPE BIGINT', 'm.value TYPE DOUBLE']) {
      await h.rows(`ALTER TABLE ${t} ALTER COLUMN ${change}`);
    }
    await h.rows(`INSERT INTO ${t} VALUES (3, 5000000000, TIMESTAMP '2024-01-02 10:00:00', 2.25, 1234.567, {'x': 100000}, [5000000000], MAP {'k': 1e300}, 'three')`);

    const read = `SELECT id, v, CAST(d AS VARCHAR) AS d, f, CAST(dec AS VARCHAR) AS dec, s.x AS sx, arr, m['k'] AS mk FROM ${t}`;
    const all = table(
      ['id', 'v', 'd', 'f', 'dec', 'sx', 'arr', 'mk'],
      [1, 2147483647, '2024-01-02 00:00:00', 1.5, '123.450', 7, [1, 2], 0.5],
      [2, -5, '2023-06-01 00:00:00', -0.25, '-1.500', -3, [], null],
      [3, 5000000000, '2024-01-02 10:00:00', 2.25, '1234.567', 100000, [5000000000], 1e300],
    );
    await expectRows(h, read, all);
    const typesSql = `SELECT DISTINCT typeof(v) AS v, typeof(d) AS d, typeof(f) AS f, typeof(dec) AS dec, typeof(s.x) AS sx, typeof(arr) AS arr, typeof(m) AS m FROM ${t}`;
    const types = [{ v: 'BIGINT', d: 'TIMESTAMP', f: 'DOUBLE', dec: 'DECIMAL(7,3)', sx: 'INTEGER', arr: 'BIGINT[]', m: 'MAP(VARCHAR, DOUBLE)' }];
    expect(await h.rows(typesSql)).toEqual(types);
    // A checkpoint of the widened table (old stats in the old types) reads back the same.
    await (await h.loch.deltaTable(path)).checkpoint();
    await expectRows(h, read, all);
    expect(await h.rows(typesSql)).toEqual(types);
    const ids = async (where: string) => (await h.rows(`SELECT id FROM ${t} WHERE ${where} ORDER BY id`)).map((r) => r['id']);
    expect(await ids('v > 2147483647')).toEqual([3]);
    expect(await ids('v = 2147483647')).toEqual([1]);
    expect(await ids('v < 0')).toEqual([2]);
    expect(await ids(`d < TIMESTAMP '2024-01-02 00:00:01'`)).toEqual([1, 2]);
    expect(await ids(`d > TIMESTAMP '2024-01-02 00:00:00'`)).toEqual([3]);
    expect(await ids('f = 1.5')).toEqual([1]);
    expect(await ids('dec > 1000')).toEqual([3]);
    expect(await ids('s.x > 7')).toEqual([3]);

    const snap = await snapshot(path);
    expect(fieldNamed(snap.schema.fields, 'v').metadata?.['delta.typeChanges']).toEqual([{ fromType: 'integer', toType: 'long' }]);
    expect(fieldNamed(snap.schema.fields, 'd').metadata?.['delta.typeChanges']).toEqual([{ fromType: 'date', toType: 'timestamp_ntz' }]);
    expect(fieldNamed(snap.schema.fields, 'arr').metadata?.['delta.typeChanges']).toEqual([{ fromType: 'integer', toType: 'long', fieldPath: 'element' }]);
    const s = fieldNamed(snap.schema.fields, 's').type;
    expect(s.kind === 'struct' ? s.fields[0]?.metadata?.['delta.typeChanges'] : undefined).toEqual([{ fromType: 'short', toType: 'integer' }]);
    expect(fieldNamed(snap.schema.fields, 'm').metadata?.['delta.typeChanges']).toEqual([{ fromType: 'float', toType: 'double', fieldPath: 'value' }]);
    expect(protocolSupports(snap.delta.protocol, 'timestampNtz')).toBe(true);
    // Older versions keep their types.
    expect(await h.rows(`SELECT DISTINCT typeof(v) AS v, typeof(d) AS d FROM ${t} VERSION AS OF ${widenedAt}`)).toEqual([{ v: 'INTEGER', d: 'DATE' }]);

    const refused: [string, string, string][] = [
      ['v TYPE INT', 'INVALID_ARGUMENT', `table ${path}: cannot change column v from long to integer: not a supported widening`],
      ['name TYPE INT', 'INVALID_ARGUMENT', `table ${path}: cannot change column name from string to integer: not a supported widening`],
      ['f TYPE FLOAT', 'INVALID_ARGUMENT', 'cannot change column f from double to float'],
      ['dec TYPE DECIMAL(8,5)', 'INVALID_ARGUMENT', 'cannot change column dec from decimal(7,3) to decimal(8,5)'],
      ['s TYPE STRUCT<x: BIGINT>', 'INVALID_ARGUMENT', 'only primitive types can be widened'],
      ['nope TYPE BIGINT', 'NOT_FOUND', `table ${path} has no column nope`],
    ];
    for (const [change, code, message] of refused) {
      const e = await h.error(`ALTER TABLE ${t} ALTER COLUMN ${change}`);
      expect(e.code, change).toBe(code);
      expect(e.message, change).toContain(message);
    }
    const changes = (await history(path)).filter((r) => r['operation'] === 'CHANGE COLUMN');
    expect(changes).toHaveLength(7);
    await validateTableLog(path);
  });

  it('widening a partition column reads old partition values in the new type', async () => {
    const path = h.path('widen-partition');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (v STRING, p INT) PARTITIONED BY (p) TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`);
    await h.rows(`INSERT INTO ${t} VALUES ('old', 1)`);
    await h.rows(`ALTER TABLE ${t} CHANGE COLUMN p TYPE BIGINT`);
    await h.rows(`INSERT INTO ${t} VALUES ('new', 5000000000)`);
    await expectRows(h, `SELECT v, p FROM ${t}`, table(['v', 'p'], ['old', 1], ['new', 5000000000]));
    await expectRows(h, `SELECT v FROM ${t} WHERE p > 2147483647`, table(['v'], ['new']));
    await expectRows(h, `SELECT v FROM ${t} WHERE p = 1`, table(['v'], ['old']));
    expect((await snapshot(path)).columns.find((c) => c.name === 'p')?.type).toBe('long');
    await validateTableLog(path);
  });

  it('table_changes reads across a rename and a drop with the latest schema', async () => {
    const path = h.path('cdf');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, gone INT) TBLPROPERTIES ('delta.columnMapping.mode' = 'name', 'delta.enableChangeDataFeed' = 'true')`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 9)`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN v TO w`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN gone`);
    await h.rows(`INSERT INTO ${t} VALUES (2, 'b')`);
    const changes = await h.rows(`SELECT * FROM table_changes('${path}', 1)`);
    expect(changes.map((r) => Object.keys(r))).toEqual([
      ['id', 'w', '_change_type', '_commit_version', '_commit_timestamp'],
      ['id', 'w', '_change_type', '_commit_version', '_commit_timestamp'],
    ]);
    expect(changes.map((r) => [r['id'], r['w'], r['_change_type'], r['_commit_version']]).sort()).toEqual([
      [1, 'a', 'insert', 1],
      [2, 'b', 'insert', 4],
    ]);
    await validateTableLog(path);
  });

  it('CLUSTER BY through ALTER TABLE; a clustering column cannot be dropped', async () => {
    const path = h.path('cluster');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT, b STRING) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'x')`);
    await h.rows(`ALTER TABLE ${t} CLUSTER BY (a)`);
    expect((await history(path))[0]?.['operation']).toBe('CLUSTER BY');
    expect((await h.error(`ALTER TABLE ${t} DROP COLUMN a`)).message).toContain('cannot drop column a: it is a clustering column');
    await h.rows(`ALTER TABLE ${t} CLUSTER BY NONE`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN a`);
    await expectRows(h, `SELECT * FROM ${t}`, table(['b'], ['x']));
    await validateTableLog(path);
  });
});
