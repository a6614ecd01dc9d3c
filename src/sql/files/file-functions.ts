/**
 * CONTRACT CHANGE (H5 → H4, binder): `rewriteFileCall` returns
 * `Promise<FileCallRewrite | undefined>`, i.e. `{ sql: string; release(): void }`, not a bare
 * string. Files of remote volumes (s3://, memory://) are pinned in the file cache while the
 * statement runs; the binder must call `release()` once the query's result has been read (with
 * the scans' releases), or when binding fails. `release` is idempotent; for local files it
 * does nothing.
 */
import { LochError } from '../../core/errors.js';
import type { Token } from '../parse/lexer.js';
import { replaceSpans } from '../parse/lake-refs.js';
import { literalValue, parseFunctionCall, stringItems } from '../parse/file-call.js';
import type { CallArg, FunctionCall } from '../parse/file-call.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import { globFiles, requireFiles } from './file-listing.js';
import { isVolumePath, locateFiles } from './file-location.js';
import type { FileLocation } from './file-location.js';
import { materialize } from './file-materialize.js';
import { formatFromExtensions, parseFormat, readerOptions } from './reader-options.js';
import { readerSql } from './reader-sql.js';

/** Replacement SQL for a table-function call, and the end of the loan of the files it reads. */
export interface FileCallRewrite {
  readonly sql: string;
  release(): void;
}

/** The table functions whose calls the binder hands to `rewriteFileCall`. */
export const FILE_FUNCTIONS: ReadonlySet<string> = new Set(['read_files', 'read_csv', 'read_csv_auto', 'read_json', 'read_json_auto', 'read_ndjson', 'read_parquet', 'parquet_scan', 'read_text', 'read_blob']);

/**
 * Given the exact text of a table-function call found in a query:
 * - `read_files(path [, option => value …])` → a relation reading the files like Databricks
 *   (see readerSql; options as in reader-options.ts; the format comes from the file names when
 *   `format` is absent). Works for /Volumes paths, local paths, s3:// and memory:// URLs.
 * - DuckDB readers (`read_csv`, `read_parquet`, `read_json[_auto]`, `read_text`, `read_blob`, …)
 *   → the same call with each `/Volumes/…` path (a string or an item of a list literal in the
 *   first argument) replaced by local files: the volume's own folder for local volumes (globs
 *   left to DuckDB), else pinned cached copies of the matching objects. Undefined when the call
 *   names no volume path, so everything else reaches DuckDB as written.
 * Errors: PATH_ESCAPE for `..` in a volume path, NOT_FOUND for a missing volume or when nothing
 * matches, INVALID_ARGUMENT for malformed calls and options.
 */
export async function rewriteFileCall(env: SqlEnv, call: { readonly name: string; readonly text: string }): Promise<FileCallRewrite | undefined> {
  const name = call.name.toLowerCase();
  if (!FILE_FUNCTIONS.has(name)) return undefined;
  const parsed = parseFunctionCall(call.text);
  if (name === 'read_files') return readFiles(env, parsed);
  return rewriteReaderPaths(env, call.text, parsed);
}

async function readFiles(env: SqlEnv, call: FunctionCall): Promise<FileCallRewrite> {
  const what = 'read_files';
  const [first, ...rest] = call.args;
  const path = first === undefined || first.name !== undefined ? undefined : literalValue(first);
  if (path?.kind !== 'string') throw new LochError('INVALID_ARGUMENT', `files: ${what} expects a path string as its first argument`);
  const raw: Record<string, string> = {};
  for (const arg of rest) {
    if (arg.name === undefined) throw new LochError('INVALID_ARGUMENT', `files: ${what}: options must be named (option => value), got ${arg.text}`);
    if (Object.hasOwn(raw, arg.name)) throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${arg.name} is given twice`);
    raw[arg.name] = optionText(arg, what);
  }
  const { format: formatName, ...readerRaw } = raw;
  const options = readerOptions(readerRaw, what);
  if (options.ignoreCorruptFiles) throw new LochError('NOT_IMPLEMENTED', `files: ${what}: ignoreCorruptFiles is supported by COPY INTO only`);
  const location = await locateFiles(env, path.value, what);
  const entries = await requireFiles(location, what, options.filter);
  const format = formatName === undefined ? formatFromExtensions(entries.map((e) => e.path), what) : parseFormat(formatName, what);
  const local = await materialize(env.ctx, location, entries);
  try {
    return { sql: readerSql(format, local.files, options, what), release: local.release };
  } catch (error) {
    local.release();
    throw error;
  }
}

function optionText(arg: CallArg, what: string): string {
  const value = literalValue(arg);
  if (value === undefined) throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${arg.name ?? ''} expects a literal (string, number, true or false), got ${arg.text}`);
  return String(value.value);
}

async function rewriteReaderPaths(env: SqlEnv, text: string, call: FunctionCall): Promise<FileCallRewrite | undefined> {
  const first = call.args[0];
  const items = first === undefined || first.name !== undefined ? undefined : stringItems(first);
  const volumeItems = (items ?? []).filter((t) => isVolumePath(t.value ?? ''));
  if (first === undefined || volumeItems.length === 0) return undefined;
  const isList = literalValue(first) === undefined;
  const releases: (() => void)[] = [];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    const spans = [];
    for (const item of volumeItems) {
      const files = await localFilesFor(env, item, call.name, releases);
      spans.push({ start: item.start, end: item.end, text: isList ? files.join(', ') : files.length === 1 ? (files[0] as string) : `[${files.join(', ')}]` });
    }
    return { sql: replaceSpans(text, spans), release };
  } catch (error) {
    release();
    throw error;
  }
}

/** SQL string literals of the local files for one /Volumes path of a DuckDB reader. */
async function localFilesFor(env: SqlEnv, item: Token, fn: string, releases: (() => void)[]): Promise<string[]> {
  const location = await locateFiles(env, item.value ?? '', fn);
  const direct = localGlob(location, fn);
  const entries = await globFiles(location);
  // Checked here even when DuckDB globs itself, so the error names the /Volumes path, not the folder behind it.
  if (entries.length === 0) {
    const path = location.display(location.key);
    throw new LochError('NOT_FOUND', `files: ${fn}: no files at ${path} (PATH_NOT_FOUND)`, { context: { path } });
  }
  if (direct !== undefined) return [sqlString(direct)];
  const local = await materialize(env.ctx, location, entries);
  releases.push(local.release);
  return local.files.map((f) => sqlString(f.local));
}

/** A local volume's path for DuckDB to glob itself; undefined for remote stores. */
function localGlob(location: FileLocation, fn: string): string | undefined {
  if (location.store.localPath === undefined) return undefined;
  if (location.key === '') {
    throw new LochError('INVALID_ARGUMENT', `files: ${fn}: ${location.display('')} is a volume, not a file; name a file or a glob inside it`, { context: { path: location.display('') } });
  }
  return location.store.localPath(location.key);
}
