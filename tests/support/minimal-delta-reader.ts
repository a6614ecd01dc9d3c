import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * An independent Delta reader that knows only what PROTOCOL.md requires of a reader, written
 * without any of Loch's own Delta or table code: it replays the JSON commits (from the newest
 * classic checkpoint at or before the version, read with DuckDB), reconciles adds and removes,
 * and reads each data file with DuckDB by logical name, physical name (column mapping 'name')
 * or parquet field id (column mapping 'id'), filling partition columns from partitionValues.
 *
 * Every value comes back as DuckDB's VARCHAR text of the value cast to the column's type, so a
 * comparison with Loch's read is `SELECT CAST(COLUMNS(*) AS VARCHAR) FROM delta.\`dir\``.
 */
export interface MinimalRead {
  readonly version: number;
  readonly columns: string[];
  readonly rows: (string | null)[][];
  /** Reader features of the protocol this reader accepted. */
  readonly readerFeatures: string[];
}

/** Reader features this reader implements (deletion vectors only as long as none are present). */
const KNOWN_READER_FEATURES = new Set(['columnMapping', 'deletionVectors', 'timestampNtz']);

interface JsonField {
  name: string;
  type: JsonType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}
type JsonType = string | { type: 'struct'; fields: JsonField[] } | { type: 'array'; elementType: JsonType } | { type: 'map'; keyType: JsonType; valueType: JsonType };

interface LiveFile {
  path: string;
  partitionValues: Record<string, string | null>;
}

interface TableState {
  protocol?: { minReaderVersion: number; readerFeatures?: string[] };
  metadata?: { schemaString: string; partitionColumns: string[]; configuration: Record<string, string> };
  live: Map<string, LiveFile>;
}

/** One node of a parquet file's schema tree (from DuckDB's parquet_schema). */
interface ParquetNode {
  name: string;
  fieldId: number | null;
  children: ParquetNode[];
}

export async function minimalRead(dir: string, version?: number): Promise<MinimalRead> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const { state, version: v } = await replayLog(connection, dir, version);
    const { protocol, metadata } = state;
    if (protocol === undefined || metadata === undefined) throw new Error(`minimal reader: ${dir} v${v}: no protocol or metaData`);
    if (protocol.minReaderVersion > 3) throw new Error(`minimal reader: reader version ${protocol.minReaderVersion} unsupported`);
    const features = protocol.minReaderVersion === 3 ? protocol.readerFeatures ?? [] : [];
    for (const f of features) if (!KNOWN_READER_FEATURES.has(f)) throw new Error(`minimal reader: unsupported reader feature ${f}`);
    const mode = (metadata.configuration['delta.columnMapping.mode'] ?? 'none') as 'none' | 'name' | 'id';
    if (mode !== 'none' && protocol.minReaderVersion < 2) throw new Error('minimal reader: column mapping on a reader-version-1 table');
    const schema = JSON.parse(metadata.schemaString) as { fields: JsonField[] };
    const selects: string[] = [];
    for (const file of state.live.values()) selects.push(await fileSelect(connection, dir, file, schema.fields, metadata.partitionColumns, mode));
    const columns = schema.fields.map((f) => f.name);
    if (selects.length === 0) return { version: v, columns, rows: [], readerFeatures: features };
    const reader = await connection.runAndReadAll(selects.join('\nUNION ALL\n'));
    return { version: v, columns, rows: reader.getRowsJS() as (string | null)[][], readerFeatures: features };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

async function replayLog(connection: DuckDBConnection, dir: string, wanted?: number): Promise<{ state: TableState; version: number }> {
  const logDir = join(dir, '_delta_log');
  const names = await readdir(logDir);
  const commits = names.filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20))).sort((a, b) => a - b);
  const version = wanted ?? commits.at(-1) ?? -1;
  const checkpoint = names
    .filter((n) => /^\d{20}\.checkpoint\.parquet$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .filter((c) => c <= version)
    .sort((a, b) => b - a)[0];
  const state: TableState = checkpoint === undefined ? { live: new Map() } : await readCheckpoint(connection, join(logDir, `${pad(checkpoint)}.checkpoint.parquet`));
  const start = checkpoint === undefined ? 0 : checkpoint + 1;
  for (let v = start; v <= version; v++) {
    if (!commits.includes(v)) throw new Error(`minimal reader: ${dir}: commit ${v} is missing`);
    const text = await readFile(join(logDir, `${pad(v)}.json`), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') applyAction(state, JSON.parse(line) as Record<string, Record<string, unknown>>);
  }
  return { state, version };
}

function applyAction(state: TableState, action: Record<string, Record<string, unknown>>): void {
  if (action['protocol']) state.protocol = action['protocol'] as TableState['protocol'];
  if (action['metaData']) state.metadata = action['metaData'] as TableState['metadata'];
  const add = action['add'];
  if (add) {
    if (add['deletionVector']) throw new Error(`minimal reader: file ${String(add['path'])} has a deletion vector, which this reader does not apply`);
    state.live.set(add['path'] as string, { path: add['path'] as string, partitionValues: (add['partitionValues'] ?? {}) as Record<string, string | null> });
  }
  const remove = action['remove'];
  if (remove) state.live.delete(remove['path'] as string);
}

async function readCheckpoint(connection: DuckDBConnection, path: string): Promise<TableState> {
  const sql = `SELECT to_json(protocol)::VARCHAR, to_json(metaData)::VARCHAR, add.path, to_json(add.partitionValues)::VARCHAR FROM read_parquet(${str(path)}, hive_partitioning = false, binary_as_string = false)`;
  const state: TableState = { live: new Map() };
  for (const [protocol, metaData, addPath, partitionValues] of (await connection.runAndReadAll(sql)).getRowsJS()) {
    if (typeof protocol === 'string') state.protocol = JSON.parse(protocol) as TableState['protocol'];
    if (typeof metaData === 'string') state.metadata = JSON.parse(metaData) as TableState['metadata'];
    if (typeof addPath === 'string') state.live.set(addPath, { path: addPath, partitionValues: JSON.parse(String(partitionValues ?? '{}')) as Record<string, string | null> });
  }
  return state;
}

/** The SELECT of one data file: every logical column as VARCHAR text, in schema order. */
async function fileSelect(connection: DuckDBConnection, dir: string, file: LiveFile, fields: JsonField[], partitionColumns: string[], mode: 'none' | 'name' | 'id'): Promise<string> {
  const path = join(dir, decodeURIComponent(file.path));
  const root = await parquetTree(connection, path);
  const columns = fields.map((f) => {
    const physical = physicalName(f, mode);
    if (partitionColumns.includes(f.name)) {
      const raw = file.partitionValues[physical];
      if (raw === undefined) throw new Error(`minimal reader: ${file.path} has no partition value for ${physical}`);
      return raw === null ? 'NULL' : `CAST(CAST(${str(raw)} AS ${duckType(f.type, mode)}) AS VARCHAR)`;
    }
    const node = childFor(root, f, mode);
    return node === undefined ? 'NULL' : `CAST(${valueExpr(ident(node.name), node, f.type, mode)} AS VARCHAR)`;
  });
  return `SELECT ${columns.join(', ')} FROM read_parquet(${str(path)}, hive_partitioning = false, binary_as_string = false)`;
}

function physicalName(f: JsonField, mode: 'none' | 'name' | 'id'): string {
  if (mode === 'none') return f.name;
  const p = f.metadata['delta.columnMapping.physicalName'];
  if (typeof p !== 'string') throw new Error(`minimal reader: column ${f.name} has no physical name`);
  return p;
}

function childFor(node: ParquetNode, f: JsonField, mode: 'none' | 'name' | 'id'): ParquetNode | undefined {
  if (mode === 'id') {
    const id = f.metadata['delta.columnMapping.id'];
    return node.children.find((c) => c.fieldId === id);
  }
  const name = physicalName(f, mode);
  return node.children.find((c) => c.name === name);
}

/** The expression giving a column's value with logical names inside structs, arrays and maps. */
function valueExpr(expr: string, node: ParquetNode, type: JsonType, mode: 'none' | 'name' | 'id', depth = 0): string {
  if (typeof type === 'string') return `CAST(${expr} AS ${duckType(type, mode)})`;
  if (type.type === 'struct') {
    const parts = type.fields.map((f) => {
      const child = childFor(node, f, mode);
      const value = child === undefined ? `NULL::${duckType(f.type, mode)}` : valueExpr(`(${expr}).${ident(child.name)}`, child, f.type, mode, depth + 1);
      return `${ident(f.name)} := ${value}`;
    });
    return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${parts.join(', ')}) END`;
  }
  const v = `__x${depth}`;
  if (type.type === 'array') {
    const element = listElement(node);
    return `list_transform(${expr}, lambda ${v}: ${valueExpr(v, element, type.elementType, mode, depth + 1)})`;
  }
  const kv = node.children[0];
  const [keyNode, valueNode] = kv?.children ?? [];
  if (keyNode === undefined || valueNode === undefined) throw new Error(`minimal reader: map column ${node.name} has no key_value group`);
  return `map_from_entries(list_transform(map_entries(${expr}), lambda ${v}: {'key': ${valueExpr(`${v}.key`, keyNode, type.keyType, mode, depth + 1)}, 'value': ${valueExpr(`${v}.value`, valueNode, type.valueType, mode, depth + 1)}}))`;
}

/** The element node of a parquet LIST (three-level, or the legacy two-level form). */
function listElement(node: ParquetNode): ParquetNode {
  const repeated = node.children[0];
  if (repeated === undefined) throw new Error(`minimal reader: list column ${node.name} has no children`);
  return repeated.children.length === 1 ? (repeated.children[0] as ParquetNode) : repeated;
}

function duckType(type: JsonType, mode: 'none' | 'name' | 'id'): string {
  if (typeof type !== 'string') {
    if (type.type === 'array') return `${duckType(type.elementType, mode)}[]`;
    if (type.type === 'map') return `MAP(${duckType(type.keyType, mode)}, ${duckType(type.valueType, mode)})`;
    return `STRUCT(${type.fields.map((f) => `${ident(f.name)} ${duckType(f.type, mode)}`).join(', ')})`;
  }
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  const primitives: Record<string, string> = {
    boolean: 'BOOLEAN', byte: 'TINYINT', short: 'SMALLINT', integer: 'INTEGER', long: 'BIGINT', float: 'FLOAT', double: 'DOUBLE',
    string: 'VARCHAR', binary: 'BLOB', date: 'DATE', timestamp: 'TIMESTAMPTZ', timestamp_ntz: 'TIMESTAMP',
  };
  const t = primitives[type];
  if (t === undefined) throw new Error(`minimal reader: unknown type ${type}`);
  return t;
}

async function parquetTree(connection: DuckDBConnection, path: string): Promise<ParquetNode> {
  const rows = (await connection.runAndReadAll(`SELECT name, field_id, num_children FROM parquet_schema(${str(path)})`)).getRowsJS();
  let i = 0;
  const build = (): ParquetNode => {
    const [name, fieldId, numChildren] = rows[i++] as [string, number | bigint | null, number | bigint | null];
    const node: ParquetNode = { name, fieldId: fieldId === null ? null : Number(fieldId), children: [] };
    for (let c = 0; c < Number(numChildren ?? 0); c++) node.children.push(build());
    return node;
  };
  return build();
}

function pad(v: number): string {
  return String(v).padStart(20, '0');
}
function str(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
function ident(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
