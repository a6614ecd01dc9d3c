import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../src/core/bytes.js';
import { isLochError } from '../../src/core/errors.js';
import { LocalStore } from '../../src/storage/local/local-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { S3Credentials } from '../../src/storage/s3/s3-config.js';
import { S3Store } from '../../src/storage/s3/s3-store.js';
import { objectStoreContract } from './object-store.contract.js';

let counter = 0;

objectStoreContract('MemoryStore', async () => ({
  store: new MemoryStore(`contract-${(counter += 1)}`),
  cleanup: async () => undefined,
}));

objectStoreContract('LocalStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loch-contract-'));
  return { store: new LocalStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

// ---- S3: a real server (scripts/s3-local.sh) or whatever LOCH_S3_ENDPOINT points at ----

const endpoint = process.env.LOCH_S3_ENDPOINT ?? 'http://127.0.0.1:7480';
const credentials: S3Credentials = process.env.LOCH_S3_ENDPOINT
  ? { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'lochtest', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'lochtestsecret' }
  : { accessKeyId: 'lochtest', secretAccessKey: 'lochtestsecret' };
const region = process.env.AWS_REGION ?? 'us-east-1';

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

const s3Available = await answers(endpoint);
if (!s3Available) {
  process.stderr.write(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! S3 CONTRACT SUITE NOT RUN: no S3 server at ${endpoint}`,
      '!! S3Store is UNTESTED in this run. Start one with:',
      '!!   scripts/s3-local.sh start      (then re-run; or set LOCH_S3_ENDPOINT + AWS keys)',
      '!! Set LOCH_S3_REQUIRED=1 to make this a failure instead of a skip.',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

if (!s3Available && process.env.LOCH_S3_REQUIRED === '1') {
  describe('S3 server required', () => {
    it(`answers at ${endpoint}`, () => {
      expect.fail(`LOCH_S3_REQUIRED=1 but no S3 server answers at ${endpoint}; run scripts/s3-local.sh start`);
    });
  });
}

describe.skipIf(!s3Available)(`S3Store against ${endpoint}`, () => {
  const bucket = `loch-contract-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  const admin = new S3Client({ endpoint, region, credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const makeS3 = (prefix: string): S3Store => new S3Store({ bucket, prefix, endpoint, region, credentials });

  beforeAll(async () => {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await emptyBucket(admin, bucket);
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
    admin.destroy();
  });

  objectStoreContract('S3Store', async () => {
    const store = makeS3(`t${(counter += 1)}`);
    return { store, cleanup: async () => store.destroy() };
  });

  describe('S3Store specifics', () => {
    it('keeps stores with sibling prefixes apart', async () => {
      const a = makeS3('iso/a');
      const ab = makeS3('iso/a-b');
      await a.put('x', utf8Encode('a'));
      await ab.put('x', utf8Encode('ab'));
      expect((await collect(a)).map((meta) => meta.key)).toEqual(['x']);
      expect((await collect(ab)).map((meta) => meta.key)).toEqual(['x']);
      expect(a.url).toBe(`s3://${bucket}/iso/a`);
      a.destroy();
      ab.destroy();
    });

    it('maps a missing bucket to STORAGE_ERROR with bucket and key in context', async () => {
      const store = new S3Store({ bucket: `${bucket}-missing`, endpoint, region, credentials });
      const error = await store.get('k').then(() => undefined, (caught: unknown) => caught);
      expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
      if (isLochError(error)) {
        expect(error.context).toMatchObject({ bucket: `${bucket}-missing`, key: 'k' });
        expect(error.retryable).toBe(false);
      }
      store.destroy();
    });

    it('maps an unreachable endpoint to a retryable STORAGE_ERROR', async () => {
      const store = new S3Store({ bucket, endpoint: 'http://127.0.0.1:9', region, credentials, maxAttempts: 1 });
      const error = await store.head('k').then(() => undefined, (caught: unknown) => caught);
      expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
      expect(isLochError(error) && error.retryable).toBe(true);
      store.destroy();
    });
  });
});

async function collect(store: S3Store): Promise<{ key: string }[]> {
  const out: { key: string }[] = [];
  for await (const meta of store.list('')) out.push(meta);
  return out;
}

async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).flatMap((item) => (item.Key === undefined ? [] : [{ Key: item.Key }]));
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
