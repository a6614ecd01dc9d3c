import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { utf8Encode } from '../../src/core/bytes.js';
import { tempDir } from '../support/delta-fixture.js';
import { localS3 } from '../support/local-s3.js';

/**
 * A whole warehouse on S3 (the real Ceph gateway .ci/run starts): managed tables and volumes
 * under `s3://bucket/prefix`, the metastore and the file cache in a local folder. A second Loch
 * on the same warehouse and metastore sees everything the first one made.
 */
const { endpoint, credentials, available } = await localS3('S3 WAREHOUSE SUITE');

describe.skipIf(!available)('a warehouse on S3', () => {
  const bucket = `loch-warehouse-${Date.now().toString(36)}`;
  const warehouse = `s3://${bucket}/lake`;
  const storage = { s3: { endpoint, region: 'us-east-1', credentials } };
  const client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  let loch: Loch;
  let local: string;

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    local = await tempDir('loch-s3-warehouse-');
    loch = await Loch.open({ warehouse, storage, stateDir: join(local, 'state'), threads: 2 });
  });
  afterAll(async () => loch?.close());

  const rows = async (sql: string) => (await loch.sql(sql)).all();

  it('keeps managed tables under the warehouse prefix and queries, changes and time-travels them', async () => {
    await rows('CREATE SCHEMA sales');
    await rows('CREATE TABLE sales.orders (id BIGINT, amount DOUBLE)');
    await rows('INSERT INTO sales.orders VALUES (1, 10.5), (2, 20)');
    await rows('UPDATE sales.orders SET amount = amount * 2 WHERE id = 2');
    expect(await rows('SELECT id, amount FROM sales.orders ORDER BY id')).toEqual([
      [1n, 10.5],
      [2n, 40],
    ]);
    expect(await rows('SELECT sum(amount) FROM sales.orders VERSION AS OF 1')).toEqual([[30.5]]);
    const info = await loch.catalog.getTable({ catalog: 'main', schema: 'sales', name: 'orders' });
    expect(info.location).toMatch(new RegExp(`^s3://${bucket}/lake/tables/`));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lake/tables/' }));
    expect((listed.Contents ?? []).some((o) => o.Key?.endsWith('/_delta_log/00000000000000000000.json'))).toBe(true);
  });

  it('stores volume files on S3 and reads them with read_files and COPY INTO', async () => {
    await rows('CREATE VOLUME sales.landing');
    const file = await loch.catalog.resolveVolumePath('/Volumes/main/sales/landing/in/a.json');
    await file.store.put(file.key, utf8Encode('{"id": 3, "amount": 1.5}\n{"id": 4, "amount": 2.5}\n'));
    expect(await rows("SELECT id, amount FROM read_files('/Volumes/main/sales/landing/in/', format => 'json') ORDER BY id")).toEqual([
      [3n, 1.5],
      [4n, 2.5],
    ]);
    const copy = "COPY INTO sales.orders FROM '/Volumes/main/sales/landing/in/' FILEFORMAT = JSON";
    expect((await rows(copy))[0]?.[1]).toBe(2n);
    expect((await rows(copy))[0]?.[1]).toBe(0n);
    expect(await rows('SELECT count(*) FROM sales.orders')).toEqual([[4n]]);
    const volume = await loch.catalog.getVolume({ catalog: 'main', schema: 'sales', name: 'landing' });
    expect(volume.location).toMatch(new RegExp(`^s3://${bucket}/lake/volumes/`));
  });

  it('a second process on the same warehouse and metastore sees the catalog, and UNDROP works', async () => {
    const other = await Loch.open({ warehouse, storage, stateDir: join(local, 'state'), threads: 1 });
    try {
      expect(await (await other.sql('SELECT count(*) FROM main.sales.orders')).all()).toEqual([[4n]]);
      await other.sql('DROP TABLE main.sales.orders');
      await expect(loch.sql('SELECT * FROM sales.orders')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await loch.sql('UNDROP TABLE sales.orders');
      expect(await (await other.sql('SELECT count(*) FROM main.sales.orders')).all()).toEqual([[4n]]);
    } finally {
      await other.close();
    }
  });
});
