import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { LochError } from '../../core/errors.js';
import type { Loch } from '../../sql/loch.js';
import { sqlString } from '../../sql/sql-text.js';
import type { FileFormat, ImportMode } from '../args.js';
import { displayPart, sqlName, tableNameParts } from '../names.js';
import type { ProgressLine } from '../progress.js';

export interface ImportRequest {
  readonly file: string;
  readonly table: string;
  readonly mode: ImportMode;
  readonly fileFormat?: FileFormat;
  readonly readerOptions: Readonly<Record<string, string>>;
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

const READERS: Record<FileFormat, string> = { csv: 'read_csv', json: 'read_json', parquet: 'read_parquet' };

/**
 * `loch import`: a table that does not exist is created from the file (CREATE TABLE … AS
 * SELECT); an existing one gets the rows appended BY NAME, or with mode overwrite is replaced
 * (CREATE OR REPLACE TABLE … AS SELECT, which keeps its history). Returns the message
 * "imported N rows into c.s.t".
 */
export async function importFile(loch: Loch, request: ImportRequest, progress: ProgressLine): Promise<string> {
  const source = await sourcePath(request.file);
  const format = request.fileFormat ?? formatOf(request.file);
  const name = tableNameParts(request.table, { catalog: 'main', schema: 'default' });
  const target = sqlName([name.catalog, name.schema, name.name]);
  const display = [name.catalog, name.schema, name.name].map(displayPart).join('.');
  const reader = `${READERS[format]}(${[sqlString(source), ...readerArguments(request.readerOptions)].join(', ')})`;
  const exists = (await loch.catalog.findTable(name)) !== undefined;
  const sql =
    request.mode === 'overwrite'
      ? `CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${reader}`
      : exists
        ? `INSERT INTO ${target} BY NAME SELECT * FROM ${reader}`
        : `CREATE TABLE ${target} AS SELECT * FROM ${reader}`;
  progress.start(`import ${request.file} → ${display}`, 0);
  try {
    const count = await insertedRows(loch, sql, target, sql.startsWith('CREATE'));
    return `imported ${count} row${count === '1' ? '' : 's'} into ${display}\n`;
  } finally {
    progress.stop();
  }
}

/** Runs the import; the count comes from its num_inserted_rows (else, for a new table, its count). */
async function insertedRows(loch: Loch, sql: string, target: string, created: boolean): Promise<string> {
  const result = await loch.sql(sql);
  const rows = await result.all();
  for (const column of ['num_inserted_rows', 'num_affected_rows']) {
    const index = result.columns.findIndex((c) => c.name === column);
    const value = rows[0]?.[index];
    if (index >= 0 && value !== undefined && value !== null) return String(value);
  }
  if (!created) return '?';
  const [count] = await (await loch.sql(`SELECT count(*) FROM ${target}`)).all();
  return String(count?.[0] ?? 0);
}

/** An absolute local path (checked to be a file), or a /Volumes/… path left to the SQL layer. */
async function sourcePath(file: string): Promise<string> {
  if (/^(dbfs:)?\/Volumes\//i.test(file) || /^s3:\/\//i.test(file)) return file;
  const path = resolve(file);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new LochError('NOT_FOUND', `import: file ${file} does not exist`);
  if (!info.isFile()) throw new LochError('INVALID_ARGUMENT', `import: ${file} is not a file`);
  return path;
}

function formatOf(file: string): FileFormat {
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) {
    throw new LochError('INVALID_ARGUMENT', `import: cannot tell the format of ${file} from its extension (use --file-format csv|json|parquet)`);
  }
  return format;
}

/** --option key=value as named arguments: true/false and numbers as they are, anything else quoted. */
function readerArguments(options: Readonly<Record<string, string>>): string[] {
  return Object.entries(options).map(([key, value]) => {
    const literal = /^(true|false)$/i.test(value) || /^-?\d+(\.\d+)?$/.test(value) ? value : sqlString(value);
    return `${key} = ${literal}`;
  });
}
