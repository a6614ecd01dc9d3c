import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import type { ObjectStore } from '../../src/index.js';
import { namedMemoryStore } from '../../src/storage/open-store.js';
import { S3Store } from '../../src/storage/s3/s3-store.js';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';
import { localS3 } from '../support/local-s3.js';

/** Tables whose files are not on the local disk: log through the store, data through the cache. */
const TABLES = ['golden-dv-with-columnmapping', 'kernelrs-v2-checkpoints-parquet-with-sidecars', 'deltars-cdf-table'];

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesOf(path) : [path];
  });
}

async function upload(table: string, store: ObjectStore, prefix: string): Promise<void> {
  const root = join(DELTA_CORPUS, table);
  await Promise.all(filesOf(root).map((f) => store.put(`${prefix}${relative(root, f)}`, readFileSync(f))));
}

function expected(table: string): { latest: { rows?: unknown[]; row_count: number; rows_first_sorted?: unknown[] } } {
  return JSON.parse(readFileSync(join(DELTA_CORPUS, `${table}.expected.json`), 'utf8'));
}

async function checkTable(loch: Loch, location: string, table: string): Promise<void> {
  const result = await loch.sql(`SELECT * FROM delta.\`${location}\``);
  const rows = canonicalRows(result.columns, await result.all());
  const want = expected(table).latest;
  expect(rows.length).toBe(want.row_count);
  if (want.rows) expect(sortedJson(rows)).toEqual(sortedJson(want.rows));
  if (want.rows_first_sorted) expect(sortedJson(rows).slice(0, want.rows_first_sorted.length)).toEqual(sortedJson(want.rows_first_sorted));
}

describe('tables in a memory store (data files reach DuckDB through the file cache)', () => {
  let loch: Loch;
  beforeAll(async () => {
    for (const table of TABLES) await upload(table, namedMemoryStore(`remote-${table}`), '');
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), cacheBytes: 64 * 1024 });
  });
  afterAll(async () => loch?.close());

  for (const table of TABLES) {
    it(table, async () => {
      await checkTable(loch, `memory://remote-${table}`, table);
      // A second read with a tiny cache evicts and downloads again; the answer is the same.
      await checkTable(loch, `memory://remote-${table}`, table);
    });
  }
});

const { endpoint, credentials, available: s3Available } = await localS3('S3 TABLE SUITE');

describe.skipIf(!s3Available)('tables on S3', () => {
  const bucket = `loch-tables-${Date.now().toString(36)}`;
  let loch: Loch;
  beforeAll(async () => {
    const client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3Store({ endpoint, region: 'us-east-1', credentials, bucket });
    for (const table of TABLES) await upload(table, store, `lake/${table}/`);
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), storage: { s3: { endpoint, region: 'us-east-1', credentials } } });
  });
  afterAll(async () => loch?.close());

  for (const table of TABLES) {
    it(table, async () => {
      await checkTable(loch, `s3://${bucket}/lake/${table}`, table);
      const history = await (await loch.sql(`DESCRIBE HISTORY delta.\`s3://${bucket}/lake/${table}\``)).all();
      expect(history.length).toBeGreaterThan(0);
    });
  }

  it('time travel and change data feed on S3', async () => {
    const location = `s3://${bucket}/lake/deltars-cdf-table`;
    const rows = await (await loch.sql(`SELECT count(*) FROM table_changes('${location}', 0, 3)`)).all();
    expect(Number(rows[0]?.[0])).toBe(23);
    const v0 = await (await loch.sql(`SELECT count(*) FROM delta.\`${location}\` VERSION AS OF 0`)).all();
    expect(Number(v0[0]?.[0])).toBeGreaterThan(0);
  });
});
