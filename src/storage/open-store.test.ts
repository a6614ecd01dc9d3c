import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../core/bytes.js';
import { isLochError } from '../core/errors.js';
import { LocalStore } from './local/local-store.js';
import { MemoryStore } from './memory/memory-store.js';
import { dropMemoryStore, openStore, parseLocation } from './open-store.js';
import { S3Store } from './s3/s3-store.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isLochError(error) ? error.code : 'not a LochError';
  }
}

describe('parseLocation', () => {
  it('reads local paths in every spelling', () => {
    expect(parseLocation('file:///data/lake')).toEqual({ kind: 'local', path: '/data/lake' });
    expect(parseLocation('file:///data/my%20lake')).toEqual({ kind: 'local', path: '/data/my lake' });
    expect(parseLocation('/data/lake/')).toEqual({ kind: 'local', path: '/data/lake' });
    expect(parseLocation('./lake', '/home/u')).toEqual({ kind: 'local', path: '/home/u/lake' });
    expect(parseLocation('lake/sub', '/home/u')).toEqual({ kind: 'local', path: '/home/u/lake/sub' });
    expect(parseLocation('../lake', '/home/u')).toEqual({ kind: 'local', path: '/home/lake' });
  });

  it('reads s3, s3a and memory URLs', () => {
    expect(parseLocation('s3://bucket')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseLocation('s3://bucket/')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseLocation('s3://bucket/lake/prod/')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'lake/prod' });
    expect(parseLocation('s3a://bucket/lake')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'lake' });
    expect(parseLocation('memory://tests')).toEqual({ kind: 'memory', name: 'tests' });
  });

  it.each(['', 'http://x/y', 'gs://b/p', 's3://', 's3:bucket', 'memory://', 'file://host/x'])('rejects %j with INVALID_ARGUMENT', (url) => {
    expect(codeOf(() => parseLocation(url))).toBe('INVALID_ARGUMENT');
  });
});

describe('openStore', () => {
  it('opens a LocalStore for paths and file URLs, relative to cwd', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loch-open-'));
    try {
      const store = openStore('sub/lake', { cwd: dir });
      expect(store).toBeInstanceOf(LocalStore);
      expect(store.url).toBe(`file://${dir}/sub/lake`);
      await store.put('a', utf8Encode('x'));
      const again = openStore(`file://${dir}/sub/lake`);
      expect(await again.get('a')).toEqual(utf8Encode('x'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shares one MemoryStore per name across the process', async () => {
    const a = openStore('memory://shared-test');
    const b = openStore('memory://shared-test');
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(MemoryStore);
    expect(openStore('memory://other-test')).not.toBe(a);
    await a.put('k', utf8Encode('v'));
    expect(await b.get('k')).toEqual(utf8Encode('v'));
    expect(dropMemoryStore('shared-test')).toBe(true);
    expect(openStore('memory://shared-test')).not.toBe(a);
    dropMemoryStore('shared-test');
    dropMemoryStore('other-test');
  });

  it('opens an S3Store with the bucket and prefix of the URL', () => {
    const store = openStore('s3a://bucket/lake/prod', { s3: { endpoint: 'http://127.0.0.1:1', region: 'eu-west-1' } });
    expect(store).toBeInstanceOf(S3Store);
    expect(store.url).toBe('s3://bucket/lake/prod');
    (store as S3Store).destroy();
  });

  it('rejects an S3 prefix that escapes', () => {
    expect(codeOf(() => openStore('s3://bucket/a/../b', { s3: { endpoint: 'http://127.0.0.1:1' } }))).toBe('PATH_ESCAPE');
  });
});
