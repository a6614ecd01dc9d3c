/**
 * The TEMP tables behind a registered scan: one row per file with its partition values and
 * extra columns, and one row per deleted (or kept) row position. Both are filled through the appender,
 * never through SQL text, so a million deleted rows cost one pass in memory.
 */
import { BIGINT, DuckDBDataChunk, UBIGINT } from '@duckdb/node-api';
import type { Literal } from '../../expr/nodes.js';
import { dataTypeToDuckDb, quoteIdentifier } from '../../expr/to-sql.js';
import type { DataType } from '../../expr/types.js';
import type { ScanFile } from '../scan-spec.js';
import type { ScanContext } from './scan-context.js';
import { literalToDuckDbValue } from './scan-values.js';

/** A per-file constant column: a partition column or an extra column. */
export interface FileColumn {
  readonly name: string;
  readonly type: DataType;
  readonly source: 'partition' | 'extra';
}

/** A per-file BOOLEAN column of the files table under its own SQL name (e.g. "file has column x"). */
export interface FileFlag {
  readonly name: string;
  /** One value per file, by file index. */
  readonly values: readonly boolean[];
}

/** SQL name of a TEMP table of this session. */
export function tempTable(name: string): string {
  return `temp.main.${quoteIdentifier(name)}`;
}

/** Column name of the i-th file column in the files table (names stay simple whatever the logical name). */
export function fileColumnName(index: number): string {
  return `c${index}`;
}

function valueFor(file: ScanFile, column: FileColumn): Literal | undefined {
  const values = column.source === 'partition' ? file.partitionValues : file.extraColumns;
  return values?.[column.name];
}

/**
 * Creates TABLE(file_idx UBIGINT, restricted BOOLEAN, c0 …, c1 …, <flags> BOOLEAN …) with one row
 * per file: file_idx is the list position, restricted says whether the file has `keepOnlyRows`.
 */
export async function createFilesTable(
  ctx: ScanContext,
  name: string,
  files: readonly ScanFile[],
  columns: readonly FileColumn[],
  flags: readonly FileFlag[] = [],
): Promise<void> {
  const defs = [
    'file_idx UBIGINT',
    'restricted BOOLEAN',
    ...columns.map((c, i) => `${fileColumnName(i)} ${dataTypeToDuckDb(c.type)}`),
    ...flags.map((f) => `${quoteIdentifier(f.name)} BOOLEAN`),
  ];
  await ctx.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${defs.join(', ')})`);
  const appender = await ctx.appender(name);
  try {
    files.forEach((file, f) => {
      appender.appendUBigInt(BigInt(f));
      appender.appendBoolean(file.keepOnlyRows !== undefined);
      columns.forEach((column, i) => {
        const where = `file ${file.localPath}: ${column.source} column "${column.name}"`;
        const value = literalToDuckDbValue(valueFor(file, column), column.type, where);
        if (value === null) appender.appendNull();
        else appender.appendValue(value, appender.columnType(i + 2));
      });
      for (const flag of flags) appender.appendBoolean(flag.values[f] === true);
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

const CHUNK_ROWS = 2048;

/**
 * Creates TABLE(file_idx UBIGINT, pos BIGINT) holding the row positions `positions` picks from
 * each file (its deleted rows, or the rows it keeps).
 */
export async function createPositionsTable(
  ctx: ScanContext,
  name: string,
  files: readonly ScanFile[],
  positions: (file: ScanFile) => ArrayLike<number> | undefined,
): Promise<void> {
  await ctx.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (file_idx UBIGINT, pos BIGINT)`);
  const appender = await ctx.appender(name);
  try {
    let fileIdx: bigint[] = [];
    let pos: bigint[] = [];
    const flush = (): void => {
      if (pos.length === 0) return;
      const chunk = DuckDBDataChunk.create([UBIGINT, BIGINT], pos.length);
      chunk.setColumns([fileIdx, pos]);
      appender.appendDataChunk(chunk);
      fileIdx = [];
      pos = [];
    };
    files.forEach((file, f) => {
      const rows = positions(file);
      if (!rows) return;
      const id = BigInt(f);
      for (let i = 0; i < rows.length; i += 1) {
        fileIdx.push(id);
        pos.push(BigInt(rows[i] as number));
        if (pos.length === CHUNK_ROWS) flush();
      }
    });
    flush();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
