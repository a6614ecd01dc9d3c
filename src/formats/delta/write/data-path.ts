import { utf8Encode } from '../../../core/bytes.js';
import { LochError } from '../../../core/errors.js';

/**
 * Paths of data files as a Delta writer records them.
 *
 * Spark names a file in two steps: the partition directory is built with Hive's path escaping
 * (`a=x%3Ay` for the value 'x:y'), then the relative path goes through Hadoop's `Path.toUri`,
 * which percent-encodes what a URI path may not hold — including the '%' of the Hive escapes
 * (`a=x%253Ay`). Readers percent-decode `add.path` once (log/file-identity.ts canonicalPath,
 * table/location.ts), which gives back the key of the object in the store.
 */

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** ASCII characters java.net.URI keeps raw in a path: unreserved, punct, '/' and '@'. */
const URI_PATH_SAFE = /^[A-Za-z0-9\-_.!~*'(),;$&+=@/]$/;
const HEX = '0123456789ABCDEF';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** In 'u' mode a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function invalidPath(path: string, detail: string): LochError {
  return new LochError('INVALID_ARGUMENT', `delta data path: '${path}' ${detail}`, { context: { path } });
}

function percentBytes(text: string): string {
  let out = '';
  for (const byte of utf8Encode(text)) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  return out;
}

/** Non-ASCII characters java.net.URI escapes: space separators and ISO control characters. */
function needsEscapeBeyondAscii(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return (code >= 0x80 && code <= 0x9f) || /^\p{Z}$/u.test(ch);
}

function checkRelative(path: string): void {
  if (path === '') throw invalidPath(path, 'is empty');
  if (path.startsWith('/')) throw invalidPath(path, 'is absolute; data paths must be relative to the table root');
  if (SCHEME.test(path)) throw invalidPath(path, 'looks like a URI; data paths must be relative to the table root');
  for (const segment of path.split('/')) {
    if (segment === '') throw invalidPath(path, 'has an empty segment');
    if (segment === '.' || segment === '..') throw invalidPath(path, `has a '${segment}' segment`);
  }
  if (LONE_SURROGATE.test(path)) throw invalidPath(path, 'is not valid Unicode (lone surrogate)');
}

/**
 * The `path` of an add action for a file at `relativePath` under the table root ('/'-separated,
 * as the object key is). Encodes like Spark's `new Path(relative).toUri.toString`: ASCII letters,
 * digits and `-_.!~*'(),;$&+=@/` stay, other ASCII characters (space, '%', '"', '#', '?', …)
 * become %XX of their byte; non-ASCII characters stay raw except spaces and controls, which
 * become %XX of their UTF-8 bytes. ':' is always encoded: a colon in the first segment would
 * read as a URI scheme (Spark never writes one, since Hive escaping removes colons).
 * Empty paths, absolute paths or URIs, empty, '.' or '..' segments and lone surrogates throw
 * INVALID_ARGUMENT. `decodeDataPath(encodeDataPath(p)) === p`.
 */
export function encodeDataPath(relativePath: string): string {
  checkRelative(relativePath);
  let out = '';
  for (const ch of relativePath) {
    if (ch.length === 1 && ch.charCodeAt(0) < 0x80) out += URI_PATH_SAFE.test(ch) ? ch : percentBytes(ch);
    else out += needsEscapeBeyondAscii(ch) ? percentBytes(ch) : ch;
  }
  return out;
}

/**
 * The inverse of encodeDataPath for a relative path from the log: percent-decoding (UTF-8).
 * A malformed escape throws CORRUPT_DATA naming the path. (Readers that must tolerate sloppy
 * writers use log/file-identity.ts canonicalPath, which keeps such paths literally.)
 */
export function decodeDataPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch (cause) {
    throw new LochError('CORRUPT_DATA', `delta data path: '${path}' is not a valid percent-encoded path`, { cause, context: { path } });
  }
}

/** Characters Hive's FileUtils.escapePathName (and Spark's ExternalCatalogUtils) escape. */
function hiveEscapes(code: number): boolean {
  if (code < 0x20 || code === 0x7f) return true;
  return '"#%\'*/:=?\\{[]^'.includes(String.fromCharCode(code));
}

/** A partition column name or value escaped like Hive's FileUtils.escapePathName: %XX, upper case. */
export function escapePartitionPathName(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code < 0x80 && hiveEscapes(code) ? `%${HEX[code >> 4]}${HEX[code & 15]}` : text[i];
  }
  return out;
}

/** The inverse of escapePartitionPathName (Hive's unescapePathName): '%XX' with two hex digits. */
export function unescapePartitionPathName(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface PartitionDirectoryColumn {
  /** The column name as it appears in the directory (physical name under column mapping). */
  readonly name: string;
  /** The serialised partition value (serializePartitionValue); null or '' for a null value. */
  readonly value: string | null;
}

/**
 * The Hive-style directory of a partition, e.g. 'a=1/b=__HIVE_DEFAULT_PARTITION__': one
 * `name=value` segment per column in the given order, name and value escaped with
 * escapePartitionPathName, a null or empty value written as __HIVE_DEFAULT_PARTITION__.
 * No columns give ''. An empty column name throws INVALID_ARGUMENT. The result is a store key
 * prefix; pass `dir/file` through encodeDataPath for the add action.
 */
export function partitionDirectory(columns: readonly PartitionDirectoryColumn[]): string {
  return columns
    .map(({ name, value }) => {
      if (name === '') throw new LochError('INVALID_ARGUMENT', 'delta data path: a partition column has an empty name');
      const text = value === null || value === '' ? HIVE_DEFAULT_PARTITION : escapePartitionPathName(value);
      return `${escapePartitionPathName(name)}=${text}`;
    })
    .join('/');
}
