import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseAction, parseCommitFile } from '../../src/formats/delta/spec/action-parse.js';
import type { Action, AddFile, Metadata, Protocol } from '../../src/formats/delta/spec/actions.js';
import { validateCommit } from '../../src/formats/delta/write/validate-actions.js';

/**
 * The writer-side check of a whole local Delta table: every commit Loch wrote must pass
 * validateCommit given the protocol and metadata before it, and the log as a whole must be
 * coherent (contiguous versions, files on disk, no file added twice while live, commitInfo with
 * operation and metrics, `_last_checkpoint` pointing at a real checkpoint).
 */
export interface LogReport {
  /** Versions of the JSON commits found, in order. */
  readonly versions: number[];
  /** commitInfo of each version, keyed by version. */
  readonly commitInfos: Map<number, Record<string, unknown>>;
  /** Checkpoint versions found. */
  readonly checkpoints: number[];
  readonly problems: string[];
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;

/** Validates the table at `dir`; throws an Error listing every problem when there is one. */
export async function validateTableLog(dir: string): Promise<LogReport> {
  const report = await inspectTableLog(dir);
  if (report.problems.length > 0) throw new Error(`log validator: table ${dir}:\n  ${report.problems.join('\n  ')}`);
  return report;
}

interface Db {
  readonly connection: DuckDBConnection;
  rows(sql: string): Promise<unknown[][]>;
}

/** The problems of the table at `dir` (empty when valid) and what the log holds. */
export async function inspectTableLog(dir: string): Promise<LogReport> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const db: Db = { connection, rows: async (sql) => (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][] };
  try {
    return await inspectWith(db, dir);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function inspectWith(db: Db, dir: string): Promise<LogReport> {
  const logDir = join(dir, '_delta_log');
  const names = (await readdir(logDir)).sort();
  const versions = names.flatMap((n) => (COMMIT.exec(n) ? [Number(n.slice(0, 20))] : []));
  const checkpoints = names.flatMap((n) => (CHECKPOINT.exec(n) ? [Number(n.slice(0, 20))] : []));
  const problems: string[] = [];
  const commitInfos = new Map<number, Record<string, unknown>>();
  if (versions.length === 0) return { versions, commitInfos, checkpoints, problems: [`no commit files in ${logDir}`] };
  const first = versions[0] as number;
  versions.forEach((v, i) => {
    if (v !== first + i) problems.push(`versions are not contiguous: ${versions.join(', ')}`);
  });
  let state: State = { live: new Map() };
  // After log clean-up the log starts at a checkpoint (kept with its own commit, or just before it).
  const base = first === 0 ? -1 : [first, first - 1].find((c) => checkpoints.includes(c));
  if (base === undefined) problems.push(`the log starts at version ${first} without a checkpoint at version ${first} or ${first - 1}`);
  else if (base >= 0) state = await checkpointState(db, join(logDir, `${pad(base)}.checkpoint.parquet`), problems);
  for (const v of versions) {
    const bytes = await readFile(join(logDir, `${pad(v)}.json`));
    let actions: Action[];
    try {
      actions = parseCommitFile(bytes, { table: dir, version: v });
    } catch (error) {
      problems.push(`version ${v}: ${(error as Error).message}`);
      continue;
    }
    checkCommitInfo(v, actions, commitInfos, problems);
    // A commit the starting checkpoint already holds has no known state before it.
    if (base !== undefined && v <= base) continue;
    const before = state.protocol !== undefined && state.metadata !== undefined ? { protocol: state.protocol, metadata: state.metadata } : undefined;
    for (const p of validateCommit(actions, before, { table: dir, version: v })) problems.push(`version ${v}: ${p}`);
    state = applyCommit(dir, v, actions, state, problems);
    const checkable = (add: AddFile) => add.stats !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(add.path) && existsSync(join(dir, decodeURIComponent(add.path)));
    for (const a of actions) if (a.kind === 'add' && checkable(a.add)) problems.push(...(await statsAgainstData(db, dir, a.add)).map((p) => `version ${v}: ${p}`));
    if (checkpoints.includes(v) && v !== base) await compareCheckpoint(db, join(logDir, `${pad(v)}.checkpoint.parquet`), v, state, problems);
  }
  await checkLastCheckpoint(logDir, checkpoints, problems);
  return { versions, commitInfos, checkpoints, problems };
}

interface State {
  protocol?: Protocol;
  metadata?: Metadata;
  /** Live files by path. */
  live: Map<string, AddFile>;
}

function pad(v: number): string {
  return String(v).padStart(20, '0');
}

function checkCommitInfo(v: number, actions: readonly Action[], infos: Map<number, Record<string, unknown>>, problems: string[]): void {
  const info = actions.find((a) => a.kind === 'commitInfo');
  const raw = info?.kind === 'commitInfo' ? info.commitInfo.raw : undefined;
  if (raw === undefined) return void problems.push(`version ${v}: no commitInfo`);
  infos.set(v, raw);
  if (typeof raw['operation'] !== 'string' || raw['operation'] === '') problems.push(`version ${v}: commitInfo has no operation`);
  const metrics = raw['operationMetrics'];
  if (typeof metrics !== 'object' || metrics === null) problems.push(`version ${v}: commitInfo has no operationMetrics`);
  else for (const [k, m] of Object.entries(metrics)) if (typeof m !== 'string') problems.push(`version ${v}: operationMetrics.${k} is not a string`);
  if (typeof raw['timestamp'] !== 'number') problems.push(`version ${v}: commitInfo has no numeric timestamp`);
}

function identity(path: string, dv: { storageType: string; pathOrInlineDv: string; offset?: number } | undefined): string {
  return dv === undefined ? path : `${path}#${dv.storageType}${dv.pathOrInlineDv}@${dv.offset ?? ''}`;
}

/** The relative DV file of a 'u' descriptor: optional prefix, then deletion_vector_<uuid>.bin (uuid from its Z85 tail). */
function dvFileName(pathOrInlineDv: string): string {
  const prefix = pathOrInlineDv.slice(0, -20);
  const hex = z85Hex(pathOrInlineDv.slice(-20));
  const name = `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}.bin`;
  return prefix === '' ? name : join(prefix, name);
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 text (a multiple of 5 characters) as hex, decoded here rather than with Loch's decoder. */
function z85Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (const ch of text.slice(i, i + 5)) value = value * 85 + Z85.indexOf(ch);
    hex += value.toString(16).padStart(8, '0');
  }
  return hex;
}

/** Reconciles adds and removes; every add's file must exist and no live path may be added again. */
function applyCommit(dir: string, v: number, actions: readonly Action[], state: State, problems: string[]): State {
  const live = new Map(state.live);
  let { protocol, metadata } = state;
  const removed = new Set<string>();
  for (const a of actions) {
    if (a.kind === 'protocol') protocol = a.protocol;
    else if (a.kind === 'metaData') metadata = a.metaData;
    else if (a.kind === 'remove') {
      if (!live.has(a.remove.path)) problems.push(`version ${v}: remove of ${a.remove.path}, which is not live`);
      live.delete(a.remove.path);
      removed.add(identity(a.remove.path, a.remove.deletionVector));
    }
  }
  for (const a of actions) {
    if (a.kind === 'cdc' && !existsSync(join(dir, decodeURIComponent(a.cdc.path)))) problems.push(`version ${v}: cdc path ${a.cdc.path} does not exist on disk`);
    if (a.kind !== 'add') continue;
    const path = a.add.path;
    if (live.has(path)) problems.push(`version ${v}: add of ${path}, which is already live`);
    // A file may be removed and re-added in one commit only with another deletion vector (PROTOCOL.md).
    if (removed.has(identity(path, a.add.deletionVector))) problems.push(`version ${v}: ${path} is both removed and added with the same deletion vector`);
    const dv = a.add.deletionVector;
    if (dv?.storageType === 'u' && !existsSync(join(dir, dvFileName(dv.pathOrInlineDv)))) problems.push(`version ${v}: deletion vector file of ${path} (${dv.pathOrInlineDv}) does not exist on disk`);
    live.set(path, a.add);
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) problems.push(`version ${v}: add path ${path} is absolute; Loch writes relative paths`);
    else if (!existsSync(join(dir, decodeURIComponent(path)))) problems.push(`version ${v}: add path ${path} does not exist on disk (decoded ${decodeURIComponent(path)})`);
  }
  return { ...(protocol !== undefined ? { protocol } : {}), ...(metadata !== undefined ? { metadata } : {}), live };
}

/** Protocol, metadata and live files of a classic checkpoint, read with DuckDB. */
async function checkpointState(db: Db, path: string, problems: string[]): Promise<State> {
  const rows = await db.rows(`SELECT to_json(protocol)::VARCHAR, to_json(metaData)::VARCHAR, add.path, to_json(add)::VARCHAR FROM read_parquet('${path.replaceAll("'", "''")}')`);
  const state: State = { live: new Map() };
  for (const [protocol, metaData, addPath, add] of rows) {
    if (typeof protocol === 'string') state.protocol = (parseAction({ protocol: JSON.parse(protocol) }, { table: path, version: -1 }) as { protocol: Protocol }).protocol;
    if (typeof metaData === 'string') state.metadata = (parseAction({ metaData: JSON.parse(metaData) }, { table: path, version: -1 }) as { metaData: Metadata }).metaData;
    if (typeof addPath === 'string' && typeof add === 'string') state.live.set(addPath, JSON.parse(add) as AddFile);
  }
  if (state.protocol === undefined || state.metadata === undefined) problems.push(`checkpoint ${path} has no protocol or metaData row`);
  return state;
}

/** A checkpoint must hold exactly the state the commits up to its version replay to. */
async function compareCheckpoint(db: Db, path: string, v: number, state: State, problems: string[]): Promise<void> {
  const problemsBefore = problems.length;
  const fromCheckpoint = await checkpointState(db, path, problems);
  if (problems.length > problemsBefore) return;
  const a = [...fromCheckpoint.live.keys()].sort();
  const b = [...state.live.keys()].sort();
  if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`checkpoint ${v} lists files ${a.join(', ')} but the commits replay to ${b.join(', ')}`);
  if (fromCheckpoint.metadata?.id !== state.metadata?.id || fromCheckpoint.metadata?.schemaString !== state.metadata?.schemaString) problems.push(`checkpoint ${v} has other metadata than the commits`);
  if (JSON.stringify(fromCheckpoint.protocol) !== JSON.stringify(state.protocol)) {
    problems.push(`checkpoint ${v} protocol ${JSON.stringify(fromCheckpoint.protocol)} differs from the commits' ${JSON.stringify(state.protocol)}`);
  }
}

async function checkLastCheckpoint(logDir: string, checkpoints: readonly number[], problems: string[]): Promise<void> {
  const path = join(logDir, '_last_checkpoint');
  if (!existsSync(path)) {
    if (checkpoints.length > 0) problems.push(`checkpoints ${checkpoints.join(', ')} exist but _last_checkpoint does not`);
    return;
  }
  let hint: { version?: unknown; size?: unknown };
  try {
    hint = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; size?: unknown };
  } catch {
    return void problems.push('_last_checkpoint is not JSON');
  }
  if (typeof hint.version !== 'number' || !checkpoints.includes(hint.version)) problems.push(`_last_checkpoint names version ${String(hint.version)}, but the checkpoints are ${checkpoints.join(', ') || 'none'}`);
  else if (hint.version !== Math.max(...checkpoints)) problems.push(`_last_checkpoint names version ${hint.version}, not the newest checkpoint ${Math.max(...checkpoints)}`);
  if (typeof hint.size !== 'number') problems.push('_last_checkpoint has no size');
}

/**
 * The statistics of an add must be true of its file (PROTOCOL.md "Per-file Statistics"):
 * numRecords and each top-level column's nullCount exact, every value within [min, max] as
 * DuckDB orders them (strings by UTF-8 bytes, as other readers compare them; timestamps with the
 * millisecond truncation of max allowed; NaN outside any bound).
 */
async function statsAgainstData(db: Db, dir: string, add: AddFile): Promise<string[]> {
  const file = sqlString(join(dir, decodeURIComponent(add.path)));
  const text = add.stats ?? '{}';
  const [min, max, nulls, records] = [rawMembers(text, 'minValues'), rawMembers(text, 'maxValues'), rawMembers(text, 'nullCount'), rawMembers(text)?.get('numRecords')];
  const columns = (await db.rows(`DESCRIBE SELECT * FROM read_parquet(${file}, hive_partitioning = false)`)).map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const checks: [label: string, sql: string][] = [['numRecords wrong', `count(*) = ${records ?? 'NULL'}`]];
  for (const { name, type } of columns) {
    const c = `"${name.replaceAll('"', '""')}"`;
    const nullCount = nulls?.get(name);
    if (!type.startsWith('STRUCT') && nullCount !== undefined) checks.push([`${name}: nullCount wrong`, `count(*) FILTER (WHERE ${c} IS NULL) = ${nullCount}`]);
    if (/^(STRUCT|MAP)|\]$/.test(type)) continue;
    const literal = (raw: string | undefined) => (raw === undefined ? undefined : `CAST(${sqlString(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw)} AS ${type})`);
    const notNaN = /FLOAT|DOUBLE/.test(type) ? ` AND NOT isnan(${c})` : '';
    const low = literal(min?.get(name));
    if (low !== undefined) checks.push([`${name}: a value below minValues`, `count(*) FILTER (WHERE ${c} < ${low}${notNaN}) = 0`]);
    const high = literal(max?.get(name));
    const widen = type.startsWith('TIMESTAMP') ? ' + INTERVAL 999 MICROSECONDS' : '';
    if (high !== undefined) checks.push([`${name}: a value above maxValues`, `count(*) FILTER (WHERE ${c} > ${high}${widen}${notNaN}) = 0`]);
  }
  const sql = `SELECT ${checks.map(([label, check]) => `${check} AS ${sqlString(label)}`).join(', ')} FROM read_parquet(${file}, hive_partitioning = false)`;
  const reader = await db.connection.runAndReadAll(sql);
  const row = reader.getRowsJS()[0] ?? [];
  return reader.columnNames().flatMap((name, i) => (row[i] === true ? [] : [`add ${add.path}: stats ${name} (${text})`]));
}

/**
 * The members of the object at `key` of a JSON text (the root when no key), each as its raw
 * JSON text: JSON.parse would round 38-digit decimal bounds to doubles.
 */
function rawMembers(text: string, key?: string): Map<string, string> | undefined {
  let i = 0;
  const skipSpace = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const readString = (): string => {
    const from = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(from, i);
  };
  const readValue = (): string => {
    const from = i;
    if (text[i] === '"') {
      readString();
      return text.slice(from, i);
    }
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        const ch = text[i];
        if (ch === '"') {
          readString();
          continue;
        }
        if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') depth--;
        i++;
      } while (depth > 0 && i < text.length);
      return text.slice(from, i);
    }
    while (i < text.length && !/[,}\]\s]/.test(text[i] as string)) i++;
    return text.slice(from, i);
  };
  const readObject = (): Map<string, string> => {
    const out = new Map<string, string>();
    i++;
    for (skipSpace(); text[i] !== '}'; skipSpace()) {
      const name = JSON.parse(readString()) as string;
      skipSpace();
      i++;
      skipSpace();
      out.set(name, readValue());
      skipSpace();
      if (text[i] === ',') i++;
      skipSpace();
    }
    return out;
  };
  skipSpace();
  const root = readObject();
  if (key === undefined) return root;
  const inner = root.get(key);
  if (inner === undefined) return undefined;
  text = inner;
  i = 0;
  return readObject();
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Runs one query on a throwaway in-memory DuckDB (test support only). */
export async function duckRows(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
