import { LochError } from '../../core/errors.js';
import type { ColumnDef } from '../parse/write-clauses.js';
import { expectEnd, readColumnDef, statementCursor } from '../parse/write-clauses.js';
import { isPunct } from '../parse/token-cursor.js';
import type { ListingFilter } from './file-listing.js';

/** The file formats Loch reads (Databricks' names, lower-cased). */
export type FileFormat = 'csv' | 'json' | 'parquet' | 'text' | 'binaryfile';

/** Databricks reader options (read_files arguments, COPY INTO FORMAT_OPTIONS), checked and typed. */
export interface ReaderOptions {
  /** CSV: the first line names the columns. Databricks' default is false (columns _c0, _c1, …). */
  readonly header: boolean;
  /** CSV: infer column types (read_files' inferColumnTypes default true); false → all STRING. */
  readonly inferTypes: boolean;
  /** Files with different columns are unioned by name. */
  readonly mergeSchema: boolean;
  /** text: one row per file instead of one per line. */
  readonly wholeText: boolean;
  /** mode = DROPMALFORMED: skip rows that do not parse (CSV, JSON). */
  readonly dropMalformed: boolean;
  /** COPY INTO: skip files that cannot be read (counted, not marked loaded). */
  readonly ignoreCorruptFiles: boolean;
  /** CSV dialect settings (sep, quote, escape, nullValue, comment, encoding), by Databricks name. */
  readonly csv: Readonly<Partial<Record<CsvSetting, string>>>;
  /** text: the line separator; default any of \n, \r\n. */
  readonly lineSep?: string;
  /** `schema => 'a INT, b STRING'`: the columns, their types and (CSV) their order. */
  readonly schema?: readonly ColumnDef[];
  /** `schemaHints => 'a INT'`: types for some of the inferred columns. */
  readonly schemaHints?: readonly ColumnDef[];
  readonly filter: ListingFilter;
}

export type CsvSetting = 'sep' | 'quote' | 'escape' | 'nullValue' | 'comment' | 'encoding';

type Setter = (out: MutableOptions, value: string, key: string, what: string) => void;
type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MutableOptions = Writable<Omit<ReaderOptions, 'csv' | 'filter'>> & { csv: Partial<Record<CsvSetting, string>>; filter: Writable<ListingFilter> };

const bool = (apply: (out: MutableOptions, v: boolean) => void): Setter => (out, value, key, what) => apply(out, parseBool(value, key, what));
const csvSetting = (name: CsvSetting): Setter => (out, value) => {
  out.csv[name] = value;
};

const SETTERS: Readonly<Record<string, Setter>> = {
  header: bool((o, v) => (o.header = v)),
  inferschema: bool((o, v) => (o.inferTypes = v)),
  infercolumntypes: bool((o, v) => (o.inferTypes = v)),
  mergeschema: bool((o, v) => (o.mergeSchema = v)),
  wholetext: bool((o, v) => (o.wholeText = v)),
  ignorecorruptfiles: bool((o, v) => (o.ignoreCorruptFiles = v)),
  // Always true here: directories are read recursively, and DuckDB handles quoted newlines in
  // CSV and both JSON Lines and JSON documents by itself.
  recursivefilelookup: bool(() => undefined),
  multiline: bool(() => undefined),
  sep: csvSetting('sep'),
  delimiter: csvSetting('sep'),
  quote: csvSetting('quote'),
  escape: csvSetting('escape'),
  nullvalue: csvSetting('nullValue'),
  comment: csvSetting('comment'),
  encoding: csvSetting('encoding'),
  charset: csvSetting('encoding'),
  linesep: (o, v) => (o.lineSep = v),
  mode: (o, v, key, what) => (o.dropMalformed = parseMode(v, key, what)),
  schema: (o, v, key, what) => (o.schema = parseColumns(v, key, what)),
  schemahints: (o, v, key, what) => (o.schemaHints = parseColumns(v, key, what)),
  pathglobfilter: (o, v) => (o.filter.nameGlob = v),
  filenamepattern: (o, v) => (o.filter.nameGlob = v),
  modifiedafter: (o, v, key, what) => (o.filter.modifiedAfter = parseInstant(v, key, what)),
  modifiedbefore: (o, v, key, what) => (o.filter.modifiedBefore = parseInstant(v, key, what)),
};

/**
 * Checks and types reader options given as text (keys case-insensitive). An unknown key, a bad
 * boolean, a bad schema or timestamp is INVALID_ARGUMENT naming `what` and the option.
 */
export function readerOptions(raw: Readonly<Record<string, string>>, what: string): ReaderOptions {
  const out: MutableOptions = { header: false, inferTypes: true, mergeSchema: false, wholeText: false, dropMalformed: false, ignoreCorruptFiles: false, csv: {}, filter: {} };
  for (const [key, value] of Object.entries(raw)) {
    const setter = SETTERS[key.toLowerCase()];
    if (setter === undefined) {
      throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${key} is not supported (supported: ${Object.keys(SETTERS).join(', ')})`, { context: { option: key } });
    }
    setter(out, value, key, what);
  }
  return out;
}

const FORMATS: Readonly<Record<string, FileFormat>> = { csv: 'csv', json: 'json', parquet: 'parquet', text: 'text', binaryfile: 'binaryfile' };

/** A format name (any case); AVRO, ORC and XML are NOT_IMPLEMENTED, anything else INVALID_ARGUMENT. */
export function parseFormat(name: string, what: string): FileFormat {
  const format = FORMATS[name.toLowerCase()];
  if (format !== undefined) return format;
  if (['avro', 'orc', 'xml'].includes(name.toLowerCase())) {
    throw new LochError('NOT_IMPLEMENTED', `files: ${what}: format ${name.toUpperCase()} is not supported yet (use CSV, JSON, PARQUET, TEXT or BINARYFILE)`, { context: { format: name } });
  }
  throw new LochError('INVALID_ARGUMENT', `files: ${what}: unknown format ${name} (expected CSV, JSON, PARQUET, TEXT or BINARYFILE)`, { context: { format: name } });
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  csv: 'csv', tsv: 'csv', json: 'json', jsonl: 'json', ndjson: 'json', parquet: 'parquet', txt: 'text', text: 'text',
  avro: 'avro', orc: 'orc', xml: 'xml',
};
const COMPRESSION = new Set(['gz', 'gzip', 'zst', 'bz2', 'snappy', 'lz4']);

/**
 * The format the file names imply (`.csv[.gz]`, `.json`, `.jsonl`, `.parquet`, `.txt`, …). All
 * files must agree; an unknown extension or a mix is INVALID_ARGUMENT asking for `format`.
 */
export function formatFromExtensions(paths: readonly string[], what: string): FileFormat {
  const seen = new Set<string>();
  for (const path of paths) {
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    const parts = name.split('.').slice(1);
    if (parts.length > 1 && COMPRESSION.has(parts[parts.length - 1] as string)) parts.pop();
    const format = EXTENSIONS[parts[parts.length - 1] ?? ''];
    if (format === undefined) {
      throw new LochError('INVALID_ARGUMENT', `files: ${what}: cannot tell the format of ${path} from its name; give the format (csv, json, parquet, text or binaryFile)`, { context: { path } });
    }
    seen.add(format);
  }
  if (seen.size > 1) {
    throw new LochError('INVALID_ARGUMENT', `files: ${what}: the files have different formats (${[...seen].sort().join(', ')}); give the format or narrow the path`, { context: { formats: [...seen] } });
  }
  return parseFormat([...seen][0] ?? 'csv', what);
}

function parseBool(value: string, key: string, what: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${key} expects true or false, got ${value}`, { context: { option: key, value } });
}

function parseMode(value: string, key: string, what: string): boolean {
  const mode = value.toUpperCase();
  if (mode === 'DROPMALFORMED') return true;
  if (mode === 'PERMISSIVE' || mode === 'FAILFAST') return false;
  throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${key} expects PERMISSIVE, DROPMALFORMED or FAILFAST, got ${value}`, { context: { option: key, value } });
}

/** 'YYYY-MM-DD[THH:mm:ss[.SSS]][zone]' → epoch ms; no zone means UTC. */
function parseInstant(value: string, key: string, what: string): number {
  const text = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  if (!Number.isFinite(ms)) throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${key} expects a timestamp like 2024-01-31T12:00:00, got ${value}`, { context: { option: key, value } });
  return ms;
}

/** 'a INT, b STRING NOT NULL' → column definitions. */
function parseColumns(text: string, key: string, what: string): ColumnDef[] {
  const cursor = statementCursor(text);
  const columns: ColumnDef[] = [];
  do {
    if (columns.length > 0) cursor.next();
    columns.push(readColumnDef(cursor, `${what} option ${key}`, false));
  } while (isPunct(cursor.peek(), ','));
  expectEnd(cursor, `${what} option ${key}`);
  if (new Set(columns.map((c) => c.name.toLowerCase())).size !== columns.length) {
    throw new LochError('INVALID_ARGUMENT', `files: ${what}: option ${key} names a column twice`, { context: { option: key } });
  }
  return columns;
}
