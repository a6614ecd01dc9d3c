import { LochError } from '../../../core/errors.js';

/**
 * File references of a table that no longer lives where it was written. Manifests and metadata
 * name files by the writer's URI (`s3a://bucket/t/data/x.parquet`, `/test-warehouse/t/...`,
 * `hdfs://nn:8020/...`) or even relative to some working directory (`lineitem_iceberg/data/…`,
 * `data/persistent/t/…`, `file://data/…`). A PathRewriter maps them onto the table's real
 * location.
 */

export interface PathRewriterOptions {
  /** Where the table really is (the directory URL or path the storage layer reads). */
  readonly tableLocation: string;
  /** The metadata's `location` field. */
  readonly metadataLocation?: string;
  /** Prefixes the table was written under; paths below any of them are moved to tableLocation. */
  readonly movedFrom?: readonly string[];
  /** Treat `metadataLocation` as a moved prefix too (the table was copied elsewhere whole). */
  readonly allowMoved?: boolean;
}

interface Key {
  /** Comparable spelling: no file: scheme, no HDFS authority, s3a/s3n → s3, single slashes, no trailing slash, no leading "./". */
  readonly key: string;
  readonly relative: boolean;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)(.*)$/;

function normalise(path: string): Key {
  let p = path.trim();
  if (/^file:/i.test(p)) {
    p = p.slice(5);
    // file:///x and file:/x are absolute; file://localhost/x too; "file://data/x" (seen in the wild) is relative.
    if (p.startsWith('//localhost/')) p = p.slice(11);
    else if (p.startsWith('///')) p = p.slice(2);
    else if (p.startsWith('//')) p = p.slice(2);
  }
  const m = SCHEME.exec(p);
  if (m !== null) {
    const scheme = m[1]!.toLowerCase();
    const rest = collapse(m[3]!);
    if (scheme === 'hdfs' || scheme === 'viewfs') return { key: rest === '' ? '/' : rest, relative: false };
    const canonical = scheme === 's3a' || scheme === 's3n' ? 's3' : scheme;
    return { key: `${canonical}://${m[2]}${rest}`, relative: false };
  }
  while (p.startsWith('./')) p = p.slice(2);
  const key = collapse(p);
  return { key: key === '' && p.startsWith('/') ? '/' : key, relative: !p.startsWith('/') };
}

function collapse(p: string): string {
  return p.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

function under(key: string, prefix: string): string | undefined {
  if (prefix === '/' && key.startsWith('/')) return key.slice(1);
  if (key === prefix) return '';
  return key.startsWith(`${prefix}/`) ? key.slice(prefix.length + 1) : undefined;
}

/**
 * Rewrites file references onto the table's real location. Rules, in order:
 * 1. a path under a moved prefix (compared after normalising `file:/`, `file:///`, HDFS
 *    authorities `hdfs://host:port/x` ≡ `/x`, `s3a://`/`s3n://` ≡ `s3://`, repeated and trailing
 *    slashes, leading `./`) becomes tableLocation + the rest. Moved prefixes are `movedFrom`,
 *    plus `metadataLocation` when `allowMoved`, when it is relative (it cannot name a real place)
 *    or when it normalises to the table location itself;
 * 2. another relative path resolves against the table location's parent when its first segment
 *    is the table directory's name (`t/data/x` for a table at `…/t`), else against the table
 *    location;
 * 3. any other absolute path is returned unchanged.
 */
export class PathRewriter {
  private readonly base: string;
  private readonly prefixes: readonly string[];

  constructor(options: PathRewriterOptions) {
    const base = options.tableLocation.trim().replace(/\/+$/, '');
    if (base === '') throw new LochError('INVALID_ARGUMENT', 'iceberg paths: the table location is empty');
    this.base = base;
    const prefixes = (options.movedFrom ?? []).map((p) => normalise(p).key);
    if (options.metadataLocation !== undefined && options.metadataLocation.trim() !== '') {
      const own = normalise(options.metadataLocation);
      if (options.allowMoved === true || own.relative || own.key === normalise(base).key) prefixes.push(own.key);
    }
    // Longest first, so that a nested prefix wins over its parent.
    this.prefixes = [...new Set(prefixes.filter((p) => p !== ''))].sort((a, b) => b.length - a.length);
  }

  /** The path to read for a reference written in the table's metadata or delete files. */
  rewrite(path: string): string {
    const { key, relative } = normalise(path);
    for (const prefix of this.prefixes) {
      const rest = under(key, prefix);
      if (rest !== undefined) return rest === '' ? this.base : `${this.base}/${rest}`;
    }
    if (!relative) return path;
    const name = this.base.slice(this.base.lastIndexOf('/') + 1);
    const first = key.split('/', 1)[0];
    if (first === name && this.base.includes('/')) return `${this.base.slice(0, this.base.lastIndexOf('/'))}/${key}`;
    return key === '' ? this.base : `${this.base}/${key}`;
  }

  /**
   * A spelling for comparing references (position-delete `file_path` against manifest paths):
   * equal for two spellings of one file under the rules of `rewrite`.
   */
  key(path: string): string {
    return normalise(this.rewrite(path)).key;
  }
}
