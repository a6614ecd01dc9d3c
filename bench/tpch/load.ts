/**
 * Generating the TPC-H-shaped tables as Delta tables with Loch: one `CREATE TABLE delta.`…` AS
 * SELECT` per table (generation and write in one statement), into `<dir>/<table>`. With `keep`,
 * a folder already holding every table at this scale factor (per its marker file) is reused.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Loch } from '../../src/index.js';
import { TABLES, tableSql } from './generate.js';
import type { Scale, TableName } from './generate.js';

/** Bump when the generator's output changes, so kept data of an older generator is rebuilt. */
const GENERATOR_VERSION = 1;

export interface LoadedTable {
  readonly name: TableName;
  readonly dir: string;
  /** Absolute paths of the data files of the table's current snapshot. */
  readonly files: readonly string[];
  /** Logical column name → physical (parquet) name. */
  readonly columns: readonly (readonly [string, string])[];
  readonly rows: number;
  readonly bytes: number;
  /** Time of the CREATE TABLE … AS SELECT (0 when reused). */
  readonly ms: number;
}

export const deltaRef = (dir: string): string => `delta.\`${dir}\``;

/** Absolute local path of a data file from its log path (a relative or absolute URI). */
function dataFilePath(dir: string, path: string): string {
  if (path.startsWith('file:')) return fileURLToPath(path);
  const decoded = decodeURIComponent(path);
  return isAbsolute(decoded) ? decoded : join(dir, decoded);
}

async function describeTable(loch: Loch, name: TableName, dir: string, ms: number): Promise<LoadedTable> {
  const snapshot = await (await loch.deltaTable(dir)).snapshot();
  const withDeletes = snapshot.delta.files.filter((f) => f.deletionVector !== undefined).length;
  if (withDeletes > 0) throw new Error(`bench tpch: table ${name} has ${withDeletes} files with deletion vectors; the baseline cannot read them`);
  const files = snapshot.delta.files.map((f) => dataFilePath(dir, f.path));
  const rows = snapshot.delta.files.reduce((sum, f) => sum + Number((JSON.parse(f.stats ?? '{}') as { numRecords?: number }).numRecords ?? NaN), 0);
  const bytes = snapshot.delta.files.reduce((sum, f) => sum + f.size, 0);
  const columns = snapshot.schema.fields.map((f) => [f.name, f.physicalName] as const);
  return { name, dir, files, columns, rows, bytes, ms };
}

async function reusable(dir: string, sf: number): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(dir, 'generated.json'), 'utf8')) as { sf?: number; version?: number };
    return marker.sf === sf && marker.version === GENERATOR_VERSION;
  } catch {
    return false;
  }
}

/** Creates (or with `keep`, reuses) every table under `dir`, lineitem before orders. */
export async function loadTables(loch: Loch, dir: string, scale: Scale, keep: boolean): Promise<LoadedTable[]> {
  const reuse = keep && (await reusable(dir, scale.sf));
  if (!reuse) await rm(dir, { recursive: true, force: true });
  const tableDir = (t: TableName) => join(dir, t);
  const loaded: LoadedTable[] = [];
  for (const name of TABLES) {
    let ms = 0;
    if (!reuse) {
      const start = performance.now();
      const select = tableSql(name, scale, (t) => deltaRef(tableDir(t)));
      await (await loch.sql(`CREATE TABLE ${deltaRef(tableDir(name))} AS ${select}`)).all();
      ms = performance.now() - start;
    }
    loaded.push(await describeTable(loch, name, tableDir(name), ms));
  }
  if (!reuse) await writeFile(join(dir, 'generated.json'), JSON.stringify({ sf: scale.sf, version: GENERATOR_VERSION }));
  await stat(dir);
  return loaded;
}
