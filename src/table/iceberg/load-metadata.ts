import { gunzipSync } from 'node:zlib';
import { LochError, isLochError } from '../../core/errors.js';
import { isGzip, metadataFileVersion, newestMetadataFile, parseVersionHint } from '../../formats/iceberg/metadata/file-names.js';
import { PathRewriter } from '../../formats/iceberg/metadata/paths.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { parseTableMetadata } from '../../formats/iceberg/spec/table-metadata.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { TableLocation } from '../location.js';
import { resolveLogPath } from '../location.js';

/** How to find an Iceberg table's metadata (the options of `iceberg_scan`). */
export interface IcebergOpenOptions {
  /** A metadata JSON file: absolute (path or URL) or relative to the table directory. */
  readonly metadataFile?: string;
  /** Original location prefixes of a copied table: file references under them resolve against the table directory. */
  readonly movedFrom?: readonly string[];
  /** Infer `movedFrom` from the metadata's own `location`. */
  readonly allowMovedPaths?: boolean;
}

/** One metadata file, read and parsed, with the path rewriting every file reference goes through. */
export interface LoadedMetadata {
  readonly metadata: TableMetadata;
  /** The metadata file as the user would name it (relative to the table when inside it). */
  readonly metadataFile: string;
  readonly paths: PathRewriter;
}

export const METADATA_DIR = 'metadata/';
const HINTS = ['metadata/version-hint.text', 'metadata/version-hint.txt'];

/**
 * Finds and parses the table's current metadata file, as Iceberg's Hadoop tables do: an explicit
 * file wins; otherwise the version hint names `v<N>` (a stale hint is passed over for the newest
 * `v<M>` with M ≥ N, as Java walks forward), otherwise the newest metadata file in `metadata/`.
 */
export async function loadMetadata(table: TableLocation, options: IcebergOpenOptions = {}): Promise<LoadedMetadata> {
  const { store, key, name } = await locateMetadata(table, options);
  const bytes = await store.get(key);
  if (bytes === undefined) {
    throw new LochError('NOT_FOUND', `iceberg: table ${table.name}: metadata file ${name} does not exist`, { context: { table: table.name, metadataFile: name } });
  }
  const metadata = parseTableMetadata(decodeText(table, name, bytes), `table ${table.name} metadata file ${name}`);
  if ((metadata.encryptionKeys?.length ?? 0) > 0) {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg: table ${table.name}: the table is encrypted (metadata file ${name} lists encryption keys); Loch cannot read encrypted tables`);
  }
  const paths = new PathRewriter({
    tableLocation: table.store.url,
    metadataLocation: metadata.location,
    ...(options.movedFrom !== undefined ? { movedFrom: options.movedFrom } : {}),
    ...(options.allowMovedPaths !== undefined ? { allowMoved: options.allowMovedPaths } : {}),
  });
  return { metadata, metadataFile: name, paths };
}

function decodeText(table: TableLocation, name: string, bytes: Uint8Array): string {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (cause) {
      throw new LochError('CORRUPT_DATA', `iceberg: table ${table.name}: metadata file ${name} is gzip-compressed but does not decompress`, { cause });
    }
  }
  return new TextDecoder('utf-8').decode(raw);
}

async function locateMetadata(table: TableLocation, options: IcebergOpenOptions): Promise<{ store: ObjectStore; key: string; name: string }> {
  if (options.metadataFile !== undefined) return explicitFile(table, options.metadataFile);
  const names = await listMetadataNames(table.store);
  const hinted = await readHint(table.store);
  if (hinted !== undefined) {
    const atOrAfter = names.filter((n) => n.startsWith('v') && (metadataFileVersion(n) ?? -1) >= hinted);
    const pick = newestMetadataFile(atOrAfter);
    if (pick !== undefined) return { store: table.store, key: METADATA_DIR + pick, name: METADATA_DIR + pick };
  }
  const newest = newestMetadataFile(names);
  if (newest === undefined) {
    throw new LochError('NOT_FOUND', `iceberg: table ${table.name}: no Iceberg metadata file in ${METADATA_DIR} (is this an Iceberg table directory?)`, { context: { table: table.name } });
  }
  return { store: table.store, key: METADATA_DIR + newest, name: METADATA_DIR + newest };
}

function explicitFile(table: TableLocation, file: string): { store: ObjectStore; key: string; name: string } {
  if (file.trim() === '') throw new LochError('INVALID_ARGUMENT', `iceberg: table ${table.name}: metadata_file is empty`);
  const ref = resolveLogPath(table, file);
  return { store: ref.store, key: ref.key, name: file };
}

/** Bare file names directly inside metadata/. */
export async function listMetadataNames(store: ObjectStore): Promise<string[]> {
  const names: string[] = [];
  for await (const meta of store.list(METADATA_DIR)) {
    const rest = meta.key.slice(METADATA_DIR.length);
    if (!rest.includes('/')) names.push(rest);
  }
  return names;
}

/** The hinted version, or undefined when there is no usable hint (missing, empty, not a number). */
async function readHint(store: ObjectStore): Promise<number | undefined> {
  for (const key of HINTS) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.get(key);
    } catch (error) {
      if (isLochError(error, 'PATH_ESCAPE') || isLochError(error, 'NOT_FOUND')) continue;
      throw error;
    }
    if (bytes !== undefined) return parseVersionHint(new TextDecoder().decode(bytes));
  }
  return undefined;
}
