import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import type { ColumnDef } from '../parse/write-clauses.js';
import { sqlBigint, sqlIdent, sqlString } from '../sql-text.js';
import type { LocalFile } from './file-materialize.js';
import type { FileFormat, ReaderOptions } from './reader-options.js';

/**
 * The DuckDB relation that reads `files` the way Databricks' read_files reads them, as a
 * parenthesised SELECT usable wherever a table is:
 * - csv → read_csv; without a header the columns are _c0, _c1, … (Spark's names);
 * - json → read_json (JSON Lines or JSON documents, nested values as STRUCT/LIST);
 * - parquet → read_parquet;
 * - text → one row per line, column `value` (`wholeText`: one row per file);
 * - binaryfile → path (the user's path), modificationTime, length, content.
 * `schema` fixes columns and types (CSV by position, others by name), `schemaHints` casts some
 * inferred columns, `mergeSchema` unions files by column name. Hive-style `k=v` folders are not
 * turned into columns (a cached remote copy has no folders to read them from).
 */
export function readerSql(format: FileFormat, files: readonly LocalFile[], options: ReaderOptions, what: string): string {
  if (files.length === 0) throw new LochError('INTERNAL', `files: ${what}: no files to read`);
  const list = `[${files.map((f) => sqlString(f.local)).join(', ')}]`;
  let select: string;
  switch (format) {
    case 'csv':
      select = csvSelect(list, options);
      break;
    case 'json':
      select = jsonSelect(list, options, what);
      break;
    case 'parquet':
      select = parquetSelect(list, options);
      break;
    case 'text':
      select = textSelect(list, options);
      break;
    case 'binaryfile':
      return `(${binarySelect(list, files)})`;
  }
  return `(${withHints(select, options.schemaHints)})`;
}

function csvSelect(list: string, o: ReaderOptions): string {
  const params = [list, `header = ${o.header}`, 'hive_partitioning = false', `union_by_name = ${o.mergeSchema}`];
  if (!o.inferTypes) params.push('all_varchar = true');
  if (o.dropMalformed) params.push('ignore_errors = true');
  const names: Record<string, string> = { sep: 'delim', quote: 'quote', escape: 'escape', nullValue: 'nullstr', comment: 'comment', encoding: 'encoding' };
  for (const [setting, value] of Object.entries(o.csv)) params.push(`${names[setting] as string} = ${sqlString(value)}`);
  if (o.schema !== undefined) params.push(`columns = ${columnsStruct(o.schema)}`);
  const reader = `read_csv(${params.join(', ')})`;
  // DuckDB names headerless columns column0 (column00 from ten on); Spark names them _c0.
  if (!o.header && o.schema === undefined) return `SELECT COLUMNS('^column0*(\\d+)$') AS '_c\\1' FROM ${reader}`;
  return `SELECT * FROM ${reader}`;
}

function jsonSelect(list: string, o: ReaderOptions, what: string): string {
  if (!o.inferTypes) throw new LochError('NOT_IMPLEMENTED', `files: ${what}: inferColumnTypes = false is supported for CSV only`);
  const params = [list, "format = 'auto'", 'hive_partitioning = false', `union_by_name = ${o.mergeSchema}`];
  if (o.dropMalformed) params.push('ignore_errors = true');
  if (o.schema !== undefined) params.push(`columns = ${columnsStruct(o.schema)}`);
  return `SELECT * FROM read_json(${params.join(', ')})`;
}

function parquetSelect(list: string, o: ReaderOptions): string {
  const reader = `read_parquet(${list}, hive_partitioning = false, union_by_name = ${o.mergeSchema})`;
  if (o.schema === undefined) return `SELECT * FROM ${reader}`;
  return `SELECT ${o.schema.map((c) => `CAST(${sqlIdent(c.name)} AS ${dataTypeToDuckDb(c.type)}) AS ${sqlIdent(c.name)}`).join(', ')} FROM ${reader}`;
}

/** Spark's text source: a final line break does not start an empty line; an empty file has no lines. */
function textSelect(list: string, o: ReaderOptions): string {
  const reader = `read_text(${list})`;
  if (o.wholeText) return `SELECT content AS value FROM ${reader} ORDER BY filename`;
  const split =
    o.lineSep === undefined
      ? `regexp_split_to_array(regexp_replace(content, '\\r?\\n$', ''), '\\r?\\n')`
      : `string_split(CASE WHEN suffix(content, ${sqlString(o.lineSep)}) THEN left(content, length(content) - ${o.lineSep.length}) ELSE content END, ${sqlString(o.lineSep)})`;
  return `SELECT unnest(CASE WHEN content = '' THEN []::VARCHAR[] ELSE ${split} END) AS value FROM (SELECT content FROM ${reader} ORDER BY filename)`;
}

/** DuckDB's read_blob names the local copy; the user sees the path they wrote and its listing facts. */
function binarySelect(list: string, files: readonly LocalFile[]): string {
  const facts = files.map((f) => `(${sqlString(f.local)}, ${sqlString(f.path)}, make_timestamptz(${sqlBigint(f.lastModified)} * 1000), ${sqlBigint(f.size)})`).join(', ');
  return (
    'SELECT f.path, f.modificationTime, f.length, b.content ' +
    `FROM read_blob(${list}) AS b JOIN (VALUES ${facts}) AS f(local, path, modificationTime, length) ON b.filename = f.local ORDER BY f.path`
  );
}

function columnsStruct(columns: readonly ColumnDef[]): string {
  return `{${columns.map((c) => `${sqlString(c.name)}: ${sqlString(dataTypeToDuckDb(c.type))}`).join(', ')}}`;
}

function withHints(select: string, hints: readonly ColumnDef[] | undefined): string {
  if (hints === undefined || hints.length === 0) return select;
  const casts = hints.map((c) => `CAST(${sqlIdent(c.name)} AS ${dataTypeToDuckDb(c.type)}) AS ${sqlIdent(c.name)}`);
  return `SELECT * REPLACE (${casts.join(', ')}) FROM (${select})`;
}
