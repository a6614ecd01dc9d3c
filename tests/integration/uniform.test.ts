import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifestList } from '../../src/formats/iceberg/manifests/manifest-list.js';
import { decodeManifest } from '../../src/formats/iceberg/manifests/manifest.js';
import { parseTableMetadata } from '../../src/formats/iceberg/spec/table-metadata.js';
import type { TableMetadata } from '../../src/formats/iceberg/model.js';
import { protocolSupports } from '../../src/formats/delta/write/protocol-for.js';
import { openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/** The newest Iceberg metadata of a UniForm table, found the way icebird does (version hint). */
async function icebergMetadata(dir: string): Promise<{ metadata: TableMetadata; version: number }> {
  const hint = (await readFile(join(dir, 'metadata', 'version-hint.text'), 'utf8')).trim();
  const text = await readFile(join(dir, 'metadata', `v${hint}.metadata.json`), 'utf8');
  return { metadata: parseTableMetadata(text, dir), version: Number(hint) };
}

/** Paths of the live data files of the current snapshot, read from the manifests directly. */
async function liveDataFiles(metadata: TableMetadata): Promise<string[]> {
  const snapshot = metadata.snapshots.find((s) => s.snapshotId === metadata.currentSnapshotId);
  if (snapshot?.manifestList === undefined) return [];
  const local = (uri: string) => decodeURIComponent(uri.replace(/^file:\/\//, ''));
  const list = decodeManifestList(await readFile(local(snapshot.manifestList)), 'list');
  const out: string[] = [];
  for (const m of list) {
    const { entries } = decodeManifest(await readFile(local(m.manifestPath)), m.manifestPath);
    for (const e of entries) if (e.status !== 'deleted') out.push(e.dataFile.filePath);
  }
  return out.sort();
}

describe('UniForm: Delta tables with Iceberg metadata', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  /** Iceberg (Loch's iceberg_scan) and Delta give the same rows. */
  async function expectSameRows(dir: string, orderBy = 'id'): Promise<Record<string, unknown>[]> {
    const delta = await h.rows(`SELECT * FROM delta.\`${dir}\` ORDER BY ${orderBy}`);
    const iceberg = await h.rows(`SELECT * FROM iceberg_scan('${dir}') ORDER BY ${orderBy}`);
    expect(iceberg).toEqual(delta);
    return delta;
  }

  async function deltaFiles(dir: string): Promise<string[]> {
    const snap = await (await h.loch.deltaTable(dir)).snapshot();
    return snap.delta.files.map((f) => `file://${join(dir, decodeURIComponent(f.path))}`).sort();
  }

  it('mirrors every Delta commit: insert, update, delete, optimize, add column', async () => {
    const dir = h.path('uniform-steps');
    const t = `delta.\`${dir}\``;
    await h.rows(
      `CREATE TABLE ${t} (id INT, name STRING, tags ARRAY<STRING>, attrs MAP<STRING, INT>, s STRUCT<a: INT, b: STRING>, region STRING) PARTITIONED BY (region) ` +
        `TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg')`,
    );
    const snap = await (await h.loch.deltaTable(dir)).snapshot();
    expect(snap.properties['delta.enableIcebergCompatV2']).toBe('true');
    expect(snap.properties['delta.columnMapping.mode']).toBe('name');
    expect(snap.properties['delta.enableDeletionVectors']).toBe('false');
    expect(protocolSupports(snap.delta.protocol, 'icebergCompatV2')).toBe(true);
    const tagsField = snap.schema.fields.find((f) => f.name === 'tags');
    expect(Object.keys((tagsField?.metadata?.['delta.columnMapping.nested.ids'] ?? {}) as object)).toEqual([`${tagsField?.physicalName}.element`]);
    let { metadata } = await icebergMetadata(dir);
    expect(metadata.properties['delta-version']).toBe('0');
    expect(metadata.currentSnapshotId).toBeUndefined();
    const schemaFields = metadata.schemas[0]?.fields ?? [];
    expect(schemaFields.map((f) => [f.name, f.id])).toEqual(snap.schema.fields.map((f) => [f.name, f.fieldId]));
    expect(metadata.partitionSpecs[0]?.fields.map((f) => [f.name, f.transform])).toEqual([['region', 'identity']]);

    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', array('x', 'y'), map('k', 1), named_struct('a', 1, 'b', 'p'), 'EU'), (2, 'b', array(), map(), NULL, 'US'), (3, NULL, NULL, NULL, named_struct('a', 3, 'b', NULL), NULL)`);
    ({ metadata } = await icebergMetadata(dir));
    expect(metadata.properties['delta-version']).toBe('1');
    expect(metadata.snapshots.at(-1)?.summary['operation']).toBe('append');
    expect(await liveDataFiles(metadata)).toEqual(await deltaFiles(dir));
    // Partition values live in the files too, and list/map ids are parquet field ids.
    const file = (await deltaFiles(dir))[0]!.replace('file://', '');
    const ids = await h.rows(`SELECT name, field_id FROM parquet_schema('${file}') WHERE field_id IS NOT NULL ORDER BY field_id`);
    // 6 columns, 2 struct fields, the list element, the map key and value: ids 1..11, region's included.
    expect(ids.map((r) => Number(r['field_id']))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(ids.find((r) => Number(r['field_id']) === 9)?.['name']).toBe('element');
    await expectSameRows(dir);

    await h.rows(`UPDATE ${t} SET name = 'bb' WHERE id = 2`);
    ({ metadata } = await icebergMetadata(dir));
    expect(metadata.snapshots.at(-1)?.summary['operation']).toBe('overwrite');
    await expectSameRows(dir);

    await h.rows(`DELETE FROM ${t} WHERE id = 1`);
    ({ metadata } = await icebergMetadata(dir));
    expect(metadata.snapshots.at(-1)?.summary['operation']).toBe('delete');
    await expectSameRows(dir);

    await h.rows(`INSERT INTO ${t} VALUES (4, 'd', array('z'), map('q', 4), named_struct('a', 4, 'b', 'r'), 'US')`);
    await h.rows(`OPTIMIZE ${t}`);
    ({ metadata } = await icebergMetadata(dir));
    expect(metadata.snapshots.at(-1)?.summary['operation']).toBe('replace');
    expect(await liveDataFiles(metadata)).toEqual(await deltaFiles(dir));
    await expectSameRows(dir);

    await h.rows(`ALTER TABLE ${t} ADD COLUMNS (score DOUBLE)`);
    await h.rows(`INSERT INTO ${t} VALUES (5, 'e', NULL, NULL, NULL, 'EU', 1.5)`);
    ({ metadata } = await icebergMetadata(dir));
    expect(metadata.schemas.length).toBe(2);
    expect(metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId)?.fields.at(-1)?.name).toBe('score');
    const version = (await (await h.loch.deltaTable(dir)).snapshot()).version;
    expect(metadata.properties['delta-version']).toBe(String(version));
    const rows = await expectSameRows(dir);
    expect(rows.map((r) => r['id'])).toEqual([2, 3, 4, 5]);
  });

  it('refuses deletion vectors on a UniForm table', async () => {
    const dir = h.path('uniform-dv');
    const t = `delta.\`${dir}\``;
    const e1 = await h.error(`CREATE TABLE ${t} (id INT) TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg', 'delta.enableDeletionVectors' = 'true')`);
    expect(e1.message).toContain('DELETION_VECTORS_SHOULD_BE_DISABLED');
    expect(e1.message).toContain(dir);
    await h.rows(`CREATE TABLE ${t} (id INT) TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg')`);
    const e2 = await h.error(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')`);
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(e2.message).toContain(`table ${dir}`);
    expect(e2.message).toContain('IcebergCompatV2 requires deletion vectors to be disabled');
  });

  it('enabling UniForm on an existing table with deletion vectors purges them and mirrors every live file', async () => {
    const dir = h.path('uniform-enable');
    const t = `delta.\`${dir}\``;
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, p STRING) PARTITIONED BY (p)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 'x'), (2, 'b', 'x'), (3, 'c', 'y')`);
    await h.rows(`DELETE FROM ${t} WHERE id = 2`);
    const before = await (await h.loch.deltaTable(dir)).snapshot();
    expect(before.delta.files.some((f) => f.deletionVector !== undefined)).toBe(true);
    await expect(readdir(join(dir, 'metadata'))).rejects.toThrow();

    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg')`);
    const after = await (await h.loch.deltaTable(dir)).snapshot();
    expect(after.properties['delta.enableDeletionVectors']).toBe('false');
    expect(after.properties['delta.columnMapping.mode']).toBe('name');
    expect(after.delta.files.some((f) => f.deletionVector !== undefined)).toBe(false);
    const { metadata } = await icebergMetadata(dir);
    expect(metadata.properties['delta-version']).toBe(String(after.version));
    expect(await liveDataFiles(metadata)).toEqual(await deltaFiles(dir));
    await expectSameRows(dir);
    await h.rows(`INSERT INTO ${t} VALUES (4, 'd', 'y')`);
    expect((await expectSameRows(dir)).map((r) => r['id'])).toEqual([1, 3, 4]);
  });
  it('a failed conversion never fails the Delta commit: it warns, and the next commit catches up', async () => {
    const dir = h.path('uniform-catch-up');
    const t = `delta.\`${dir}\``;
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg')`);
    const warnings: string[] = [];
    const listen = (w: Error & { code?: string }) => {
      if (w.code === 'LOCH_UNIFORM_CONVERSION') warnings.push(w.message);
    };
    process.on('warning', listen);
    try {
      // A broken newest metadata file makes the next conversion fail.
      await writeFile(join(dir, 'metadata', 'v2.metadata.json'), '{ not json');
      await h.rows(`INSERT INTO ${t} VALUES (1, 'a')`);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`delta uniform: table ${dir}: converting version 1 to Iceberg metadata failed`);
      expect(await h.rows(`SELECT * FROM ${t}`)).toEqual([{ id: 1, v: 'a' }]);
      await rm(join(dir, 'metadata', 'v2.metadata.json'));
      await h.rows(`INSERT INTO ${t} VALUES (2, 'b')`);
      const { metadata } = await icebergMetadata(dir);
      expect(metadata.properties['delta-version']).toBe('2');
      // Versions 1 and 2 became one Iceberg append.
      expect(metadata.snapshots).toHaveLength(1);
      expect(metadata.snapshots[0]?.summary['added-records']).toBe('2');
      expect(await liveDataFiles(metadata)).toEqual(await deltaFiles(dir));
      await expectSameRows(dir);
    } finally {
      process.off('warning', listen);
    }
  });
});
