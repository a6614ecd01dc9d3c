import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LochError } from '../core/errors.js';
import { LocalStore } from './local/local-store.js';
import type { LocalStoreOptions } from './local/local-store.js';
import { MemoryStore } from './memory/memory-store.js';
import type { ObjectStore } from './object-store.js';
import type { S3Options } from './s3/s3-config.js';
import { S3Store } from './s3/s3-store.js';

/** Where a store URL points, before any store is built. */
export type StoreLocation =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'memory'; readonly name: string };

export interface OpenStoreOptions {
  /** Connection settings for s3:// URLs (environment fallbacks apply to what is left out). */
  readonly s3?: S3Options;
  /** Options for local folders. */
  readonly local?: LocalStoreOptions;
  /** Base of relative paths; defaults to process.cwd(). */
  readonly cwd?: string;
}

const memoryStores = new Map<string, MemoryStore>();

/**
 * Parses a store location:
 * - `file:///abs/dir`, `/abs/dir`, `./rel/dir` or `rel/dir` (resolved against `cwd`) → local;
 * - `s3://bucket/prefix` or `s3a://bucket/prefix` → s3 (prefix without surrounding slashes);
 * - `memory://name` → memory.
 * Any other scheme, an empty location, a bucket-less S3 URL or a nameless memory URL throws
 * INVALID_ARGUMENT.
 */
export function parseLocation(url: string, cwd: string = process.cwd()): StoreLocation {
  if (url === '') throw invalid(url, 'the location is empty');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: isAbsolute(url) ? resolve(url) : resolve(cwd, url) };
  switch (scheme) {
    case 'file':
      return { kind: 'local', path: filePath(url) };
    case 's3':
    case 's3a':
      return s3Location(url);
    case 'memory': {
      const name = url.slice('memory://'.length);
      if (!url.startsWith('memory://') || name === '') throw invalid(url, 'expected memory://<name>');
      return { kind: 'memory', name };
    }
    default:
      throw invalid(url, `unknown scheme '${scheme}:' (expected file:, s3:, s3a:, memory: or a path)`);
  }
}

/**
 * Opens the ObjectStore a URL names (see `parseLocation`). `memory://name` returns one
 * process-wide MemoryStore per name, so two callers opening the same name share objects.
 */
export function openStore(url: string, options: OpenStoreOptions = {}): ObjectStore {
  const location = parseLocation(url, options.cwd);
  switch (location.kind) {
    case 'local':
      return new LocalStore(location.path, options.local);
    case 's3':
      return new S3Store({ ...options.s3, bucket: location.bucket, prefix: location.prefix });
    case 'memory':
      return namedMemoryStore(location.name);
  }
}

/** The process-wide MemoryStore called `name`, created on first use. */
export function namedMemoryStore(name: string): MemoryStore {
  let store = memoryStores.get(name);
  if (store === undefined) {
    store = new MemoryStore(name);
    memoryStores.set(name, store);
  }
  return store;
}

/**
 * Makes `memory://<name>` resolve to `store` (tests use it to put an instrumented or faulty
 * MemoryStore behind a URL). Replaces any store of that name.
 */
export function registerMemoryStore(name: string, store: MemoryStore): void {
  memoryStores.set(name, store);
}

/** Forgets the process-wide MemoryStore called `name` (tests); returns whether it existed. */
export function dropMemoryStore(name: string): boolean {
  return memoryStores.delete(name);
}

function filePath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', `storage: location ${url} is not a valid file URL`, { cause: error, context: { url } });
  }
}

function s3Location(url: string): StoreLocation {
  const rest = url.replace(/^[a-zA-Z0-9]+:\/\//, '');
  if (rest === url) throw invalid(url, 'expected s3://bucket/prefix');
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (bucket === '') throw invalid(url, 'the bucket name is missing');
  return { kind: 's3', bucket, prefix };
}

function invalid(url: string, reason: string): LochError {
  return new LochError('INVALID_ARGUMENT', `storage: cannot open location ${JSON.stringify(url)}: ${reason}`, { context: { url } });
}
