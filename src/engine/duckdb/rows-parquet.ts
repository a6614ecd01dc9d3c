/**
 * Plain JavaScript rows as one parquet file (Delta checkpoints): the rows are streamed as
 * newline-delimited JSON into a temporary file, which DuckDB reads with the schema's column types
 * (`read_json(…, columns = {…})`) and copies to parquet. Memory stays bounded by one chunk of
 * lines, so checkpoints of millions of actions are fine. The temporary file lives in the OS
 * temp directory or `options.tempDir` (not next to the output, where log listings would see it)
 * and is always removed.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { formatDuckDbError } from './errors.js';
import type { Session } from './session.js';

export interface RowsParquetOptions {
  /** Rows per parquet row group (default DuckDB's, 122 880). */
  readonly rowGroupRows?: number;
  /** Where the temporary NDJSON file goes (default the OS temp directory). */
  readonly tempDir?: string;
}

/** Lines are gathered into chunks of about this many characters before each file write. */
const CHUNK_CHARS = 1 << 20;
/** Largest single row (JSON text) read_json accepts. */
const MAX_ROW_BYTES = 1 << 28;

/**
 * JSON cannot hold bigints or non-finite numbers; DuckDB casts the strings used instead into the
 * column's numeric type exactly.
 */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (value instanceof Uint8Array) throw new LochError('INVALID_ARGUMENT', 'parquet rows: binary values cannot be written as JSON rows');
  return value;
}

/** Streams the rows as NDJSON into `path`; returns the number of rows. */
async function writeNdjson(path: string, rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>): Promise<number> {
  const handle = await open(path, 'w');
  try {
    let count = 0;
    let chunk: string[] = [];
    let chars = 0;
    for await (const row of rows) {
      const line = JSON.stringify(row, replacer);
      chunk.push(line);
      chars += line.length + 1;
      count += 1;
      if (chars >= CHUNK_CHARS) {
        await handle.write(`${chunk.join('\n')}\n`);
        chunk = [];
        chars = 0;
      }
    }
    if (chunk.length > 0) await handle.write(`${chunk.join('\n')}\n`);
    return count;
  } finally {
    await handle.close();
  }
}

function copySql(jsonPath: string, schema: StructType, outputPath: string, options: RowsParquetOptions): string {
  const columns = schema.fields.map((f) => `${quoteString(f.name)}: ${quoteString(dataTypeToDuckDb(f.type))}`).join(', ');
  const select = schema.fields.map((f) => quoteIdentifier(f.name)).join(', ');
  const source = `read_json(${quoteString(jsonPath)}, columns = {${columns}}, format = 'newline_delimited', maximum_object_size = ${MAX_ROW_BYTES})`;
  const rowGroup = options.rowGroupRows === undefined ? '' : `, ROW_GROUP_SIZE ${options.rowGroupRows}`;
  return `COPY (SELECT ${select} FROM ${source}) TO ${quoteString(outputPath)} (FORMAT parquet, COMPRESSION snappy${rowGroup})`;
}

function checkArguments(schema: StructType, options: RowsParquetOptions): void {
  if (schema.fields.length === 0) throw new LochError('INVALID_ARGUMENT', 'parquet rows: the schema has no columns');
  const n = options.rowGroupRows;
  if (n !== undefined && !(Number.isSafeInteger(n) && n > 0)) {
    throw new LochError('INVALID_ARGUMENT', `parquet rows: rowGroupRows must be a positive integer, got ${n}`);
  }
}

/**
 * Writes `rows` as one parquet file at `outputPath` (parent directories created, an existing
 * file replaced), columns and nested fields named by the schema's `name`s and typed by its types.
 * Rows are plain JSON-able objects: struct values as objects, arrays as arrays, map values as
 * plain objects (key → value), long values as bigint or number, timestamps as ISO-8601 text with
 * an offset; missing keys are NULL, keys outside the schema are ignored. Zero rows give a valid
 * file without rows. A value that does not fit its column fails with INVALID_ARGUMENT; a
 * filesystem failure is STORAGE_ERROR. On failure no file is left at `outputPath` (unless one
 * was there before).
 */
export async function writeRowsAsParquet(
  session: Session,
  rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  schema: StructType,
  outputPath: string,
  options: RowsParquetOptions = {},
): Promise<{ sizeBytes: number; rowCount: number }> {
  checkArguments(schema, options);
  const target = resolve(outputPath);
  const existed = existsSync(target);
  let tempDir: string | undefined;
  try {
    tempDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'loch-rows-'));
    const jsonPath = join(tempDir, 'rows.ndjson');
    const rowCount = await writeNdjson(jsonPath, rows);
    await mkdir(dirname(target), { recursive: true });
    try {
      await session.run(copySql(jsonPath, schema, target, options));
    } catch (error) {
      const text = formatDuckDbError(error instanceof LochError && error.cause !== undefined ? error.cause : error);
      const code = text.startsWith('IO Error') ? 'STORAGE_ERROR' : 'INVALID_ARGUMENT';
      throw new LochError(code, `parquet rows: cannot write ${rowCount} rows to ${target}: ${text}`, { cause: error });
    }
    return { sizeBytes: (await stat(target)).size, rowCount };
  } catch (error) {
    if (!existed) await unlink(target).catch(() => undefined);
    if (error instanceof LochError) throw error;
    throw new LochError('STORAGE_ERROR', `parquet rows: cannot write ${target}: ${String(error)}`, { cause: error });
  } finally {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
