import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { LochError } from '../../core/errors.js';
import { checkKey, checkPrefix, checkRange } from '../check-key.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../object-store.js';
import type { S3Options } from './s3-config.js';
import { resolveS3ClientConfig } from './s3-config.js';
import { errorName, httpStatus, isNotFound, s3Error } from './s3-errors.js';

export interface S3StoreOptions extends S3Options {
  readonly bucket: string;
  /** Key prefix inside the bucket that acts as the store's root ("lake/prod"); default none. */
  readonly prefix?: string;
  /** A ready client (shared connection pool, custom middleware); the other options are then ignored. */
  readonly client?: S3Client;
  /** How often a putIfAbsent answered with 409 ConditionalRequestConflict is tried again. Default 4. */
  readonly conflictRetries?: number;
  /** First pause between those tries, doubling each time. Default 25 ms. */
  readonly conflictBackoffMs?: number;
}

/**
 * An ObjectStore over an S3 bucket (url `s3://bucket/prefix`), for AWS S3 and compatible servers.
 *
 * `putIfAbsent` is a PutObject with `If-None-Match: *`: 412 means another writer got there first.
 * S3 answers 409 ConditionalRequestConflict while a concurrent conditional write on the same key
 * is in flight; we try again a few times and, if it persists, report 'exists' only when the
 * object is then visible (so a commit is never claimed without an object to show for it).
 * Listings come back from S3 in UTF-8 binary order already; folder markers ("x/") are skipped.
 * Every SDK failure becomes STORAGE_ERROR, retryable for 5xx, throttling and network errors.
 */
export class S3Store implements ObjectStore {
  readonly url: string;
  readonly bucket: string;
  /** The store's root inside the bucket, without a trailing '/'; '' for the whole bucket. */
  readonly prefix: string;
  private client: S3Client | undefined;
  private readonly clientOptions: S3StoreOptions;
  private readonly ownsClient: boolean;
  private readonly keyBase: string;
  private readonly conflictRetries: number;
  private readonly conflictBackoffMs: number;

  constructor(options: S3StoreOptions) {
    const bucket = options.bucket;
    if (bucket === '' || bucket.includes('/')) {
      throw new LochError('INVALID_ARGUMENT', `storage s3: bucket name ${JSON.stringify(bucket)} is not valid`, { context: { bucket } });
    }
    const prefix = (options.prefix ?? '').replace(/\/+$/, '');
    this.url = prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
    if (prefix !== '') checkKey(prefix, this.url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.keyBase = prefix === '' ? '' : `${prefix}/`;
    this.ownsClient = options.client === undefined;
    this.client = options.client;
    this.clientOptions = options;
    this.conflictRetries = options.conflictRetries ?? 4;
    this.conflictBackoffMs = options.conflictBackoffMs ?? 25;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const full = this.objectKey(key);
    try {
      const out = await (await this.connect()).send(new (await sdk()).GetObjectCommand({ Bucket: this.bucket, Key: full }));
      return await bodyBytes(out);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw s3Error(error, 'get', this.bucket, full);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const full = this.objectKey(key);
    checkRange(this.url, key, offset, length);
    if (length === 0) {
      if ((await this.head(key)) === undefined) throw this.notFound(key);
      return new Uint8Array(0);
    }
    const range = `bytes=${offset}-${offset + length - 1}`;
    try {
      const out = await (await this.connect()).send(new (await sdk()).GetObjectCommand({ Bucket: this.bucket, Key: full, Range: range }));
      const bytes = await bodyBytes(out);
      // A server that ignores Range answers 200 with the whole object: cut it ourselves.
      if (out.ContentRange === undefined) return bytes.slice(Math.min(offset, bytes.byteLength), offset + length);
      return bytes.byteLength > length ? bytes.subarray(0, length) : bytes;
    } catch (error) {
      if (httpStatus(error) === 416 || errorName(error) === 'InvalidRange') return new Uint8Array(0);
      if (isNotFound(error)) throw this.notFound(key);
      throw s3Error(error, 'getRange', this.bucket, full);
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const full = this.objectKey(key);
    try {
      const out = await (await this.connect()).send(new (await sdk()).HeadObjectCommand({ Bucket: this.bucket, Key: full }));
      return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw s3Error(error, 'head', this.bucket, full);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncGenerator<ObjectMeta> {
    checkPrefix(prefix, this.url);
    const fullPrefix = this.keyBase + prefix;
    const startAfter = options.startAfter === undefined ? undefined : this.keyBase + options.startAfter;
    let token: string | undefined;
    do {
      const page = await this.listPage(fullPrefix, startAfter, token);
      for (const item of page.Contents ?? []) {
        const full = item.Key;
        if (full === undefined || full.endsWith('/') || !full.startsWith(this.keyBase)) continue;
        yield { key: full.slice(this.keyBase.length), size: item.Size ?? 0, lastModified: item.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const full = this.objectKey(key);
    try {
      await (await this.connect()).send(new (await sdk()).PutObjectCommand({ Bucket: this.bucket, Key: full, Body: bytes, ContentLength: bytes.byteLength }));
    } catch (error) {
      throw s3Error(error, 'put', this.bucket, full);
    }
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    const full = this.objectKey(key);
    for (let attempt = 0; attempt <= this.conflictRetries; attempt += 1) {
      try {
        await (await this.connect()).send(new (await sdk()).PutObjectCommand({ Bucket: this.bucket, Key: full, Body: bytes, ContentLength: bytes.byteLength, IfNoneMatch: '*' }),
        );
        return 'created';
      } catch (error) {
        const status = httpStatus(error);
        if (status === 412) return 'exists';
        if (status !== 409) throw s3Error(error, 'putIfAbsent', this.bucket, full);
      }
      await sleep(this.conflictBackoffMs * 2 ** attempt);
    }
    if ((await this.head(key)) !== undefined) return 'exists';
    throw new LochError('STORAGE_ERROR', `storage s3: putIfAbsent s3://${this.bucket}/${full} kept answering 409 ConditionalRequestConflict after ${this.conflictRetries + 1} attempts`, {
      retryable: true,
      context: { bucket: this.bucket, key: full, op: 'putIfAbsent', status: 409 },
    });
  }

  async delete(key: string): Promise<void> {
    const full = this.objectKey(key);
    try {
      await (await this.connect()).send(new (await sdk()).DeleteObjectCommand({ Bucket: this.bucket, Key: full }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw s3Error(error, 'delete', this.bucket, full);
    }
  }

  /** Closes the connection pool of a client this store created (not of one passed in). */
  destroy(): void {
    if (this.ownsClient) this.client?.destroy();
  }

  /** The client, created on first use: the SDK is loaded only by processes that touch S3. */
  private async connect(): Promise<S3Client> {
    if (this.client === undefined) {
      const { S3Client: Client } = await sdk();
      this.client ??= new Client(resolveS3ClientConfig(this.clientOptions));
    }
    return this.client;
  }

  private async listPage(prefix: string, startAfter: string | undefined, token: string | undefined) {
    try {
      return await (await this.connect()).send(new (await sdk()).ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          StartAfter: token === undefined ? startAfter : undefined,
          ContinuationToken: token,
        }),
      );
    } catch (error) {
      throw s3Error(error, 'list', this.bucket, prefix);
    }
  }

  private objectKey(key: string): string {
    checkKey(key, this.url);
    return this.keyBase + key;
  }

  private notFound(key: string): LochError {
    return new LochError('NOT_FOUND', `storage s3: object ${key} not found in ${this.url}`, {
      context: { store: this.url, bucket: this.bucket, key: this.keyBase + key },
    });
  }
}

async function bodyBytes(out: GetObjectCommandOutput): Promise<Uint8Array> {
  if (out.Body === undefined) return new Uint8Array(0);
  return out.Body.transformToByteArray();
}

type Sdk = typeof import('@aws-sdk/client-s3');
let sdkModule: Promise<Sdk> | undefined;

/** The AWS SDK takes ~0.5 s to import; every process that never opens an S3 table is spared it. */
function sdk(): Promise<Sdk> {
  sdkModule ??= import('@aws-sdk/client-s3');
  return sdkModule;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
