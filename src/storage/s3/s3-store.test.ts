import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../../core/bytes.js';
import { isLochError } from '../../core/errors.js';
import type { LochError } from '../../core/errors.js';
import { resolveS3ClientConfig } from './s3-config.js';
import { S3Store } from './s3-store.js';

interface Sent {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

type Responder = (sent: Sent, call: number) => unknown;

/** Stands in for S3Client.send: records each command and answers with `respond`. */
function fakeStore(respond: Responder, prefix = 'root'): { store: S3Store; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const entry = { command: command.constructor.name.replace(/Command$/, ''), input: command.input };
      sent.push(entry);
      const answer = respond(entry, sent.length);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    destroy: () => undefined,
  } as unknown as S3Client;
  return { store: new S3Store({ bucket: 'bkt', prefix, client, conflictBackoffMs: 1 }), sent };
}

function sdkError(name: string, status: number | undefined): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) });
}

function body(text: string): { Body: { transformToByteArray(): Promise<Uint8Array> } } {
  return { Body: { transformToByteArray: async () => utf8Encode(text) } };
}

async function caught(promise: Promise<unknown>): Promise<LochError> {
  const error = await promise.then(() => undefined, (value: unknown) => value);
  if (!isLochError(error)) throw new Error(`expected a LochError, got ${String(error)}`);
  return error;
}

describe('S3Store.putIfAbsent', () => {
  it('sends If-None-Match: * under the store prefix and maps 412 to exists', async () => {
    const { store, sent } = fakeStore(() => sdkError('PreconditionFailed', 412));
    expect(await store.putIfAbsent('t/_delta_log/0.json', utf8Encode('{}'))).toBe('exists');
    expect(sent[0]).toMatchObject({ command: 'PutObject', input: { Bucket: 'bkt', Key: 'root/t/_delta_log/0.json', IfNoneMatch: '*' } });
  });

  it('retries 409 ConditionalRequestConflict and then creates', async () => {
    const { store, sent } = fakeStore((_, call) => (call <= 2 ? sdkError('ConditionalRequestConflict', 409) : {}));
    expect(await store.putIfAbsent('k', utf8Encode('x'))).toBe('created');
    expect(sent.map((entry) => entry.command)).toEqual(['PutObject', 'PutObject', 'PutObject']);
  });

  it('after persistent 409s reports exists only when the object is visible', async () => {
    const visible = fakeStore((sent) => (sent.command === 'HeadObject' ? { ContentLength: 2 } : sdkError('ConditionalRequestConflict', 409)));
    expect(await visible.store.putIfAbsent('k', utf8Encode('x'))).toBe('exists');
    expect(visible.sent.filter((entry) => entry.command === 'PutObject')).toHaveLength(5);

    const invisible = fakeStore((sent) => (sent.command === 'HeadObject' ? sdkError('NotFound', 404) : sdkError('ConditionalRequestConflict', 409)));
    const error = await caught(invisible.store.putIfAbsent('k', utf8Encode('x')));
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.retryable).toBe(true);
  });
});

describe('S3Store reads', () => {
  it('asks for an inclusive byte range and trims what the server sends', async () => {
    const { store, sent } = fakeStore(() => ({ ...body('34567'), ContentRange: 'bytes 3-7/16' }));
    expect(utf8Decode(await store.getRange('k', 3, 5))).toBe('34567');
    expect(sent[0]?.input.Range).toBe('bytes=3-7');
  });

  it('cuts the range itself when the server ignores Range', async () => {
    const { store } = fakeStore(() => body('0123456789'));
    expect(utf8Decode(await store.getRange('k', 8, 5))).toBe('89');
    expect((await store.getRange('k', 12, 5)).byteLength).toBe(0);
  });

  it('maps 416 to an empty array and a missing key to NOT_FOUND', async () => {
    expect((await fakeStore(() => sdkError('InvalidRange', 416)).store.getRange('k', 99, 1)).byteLength).toBe(0);
    expect((await caught(fakeStore(() => sdkError('NoSuchKey', 404)).store.getRange('k', 0, 1))).code).toBe('NOT_FOUND');
  });

  it('maps missing objects to undefined but a missing bucket to STORAGE_ERROR', async () => {
    expect(await fakeStore(() => sdkError('NoSuchKey', 404)).store.get('k')).toBeUndefined();
    expect(await fakeStore(() => sdkError('NotFound', 404)).store.head('k')).toBeUndefined();
    const error = await caught(fakeStore(() => sdkError('NoSuchBucket', 404)).store.get('k'));
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.context).toMatchObject({ bucket: 'bkt', key: 'root/k', status: 404 });
  });

  it('marks 5xx, throttling and network failures retryable, and access errors not', async () => {
    const slow = await caught(fakeStore(() => sdkError('SlowDown', 503)).store.put('k', utf8Encode('x')));
    expect(slow.retryable).toBe(true);
    expect(slow.message).toMatch(/^storage s3: put s3:\/\/bkt\/root\/k failed: HTTP 503 SlowDown/);
    const reset = await caught(fakeStore(() => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).store.get('k'));
    expect(reset.retryable).toBe(true);
    const denied = await caught(fakeStore(() => sdkError('AccessDenied', 403)).store.delete('k'));
    expect(denied.retryable).toBe(false);
  });
});

describe('S3Store.list', () => {
  it('follows continuation tokens, strips the prefix and skips folder markers', async () => {
    const { store, sent } = fakeStore((_, call) =>
      call === 1
        ? { Contents: [{ Key: 'root/a/', Size: 0 }, { Key: 'root/a/1', Size: 1, LastModified: new Date(5000) }], IsTruncated: true, NextContinuationToken: 'tok' }
        : { Contents: [{ Key: 'root/a/2', Size: 2 }], IsTruncated: false },
    );
    const metas = [];
    for await (const meta of store.list('a/', { startAfter: 'a/0' })) metas.push(meta);
    expect(metas).toEqual([
      { key: 'a/1', size: 1, lastModified: 5000 },
      { key: 'a/2', size: 2, lastModified: 0 },
    ]);
    expect(sent[0]?.input).toMatchObject({ Prefix: 'root/a/', StartAfter: 'root/a/0' });
    expect(sent[1]?.input).toMatchObject({ ContinuationToken: 'tok', StartAfter: undefined });
  });
});

describe('resolveS3ClientConfig', () => {
  it('falls back to the environment and turns on path style with an endpoint', () => {
    const config = resolveS3ClientConfig({
      env: { AWS_ENDPOINT_URL: 'http://aws-endpoint', LOCH_S3_ENDPOINT: 'http://loch:7480', AWS_ACCESS_KEY_ID: 'ak', AWS_SECRET_ACCESS_KEY: 'sk' },
    });
    expect(config).toMatchObject({ endpoint: 'http://loch:7480', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'ak', secretAccessKey: 'sk' } });
  });

  it('prefers explicit options and leaves credentials to the SDK chain when none are set', () => {
    const config = resolveS3ClientConfig({ region: 'eu-central-1', env: { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'only-half' } });
    expect(config.region).toBe('eu-central-1');
    expect(config.endpoint).toBeUndefined();
    expect(config.forcePathStyle).toBe(false);
    expect(config.credentials).toBeUndefined();
    expect(resolveS3ClientConfig({ env: { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://e' } })).toMatchObject({ region: 'us-west-2', endpoint: 'http://e' });
  });
});
