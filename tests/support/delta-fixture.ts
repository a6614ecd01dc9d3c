import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Builds small Delta tables for tests (until Loch writes tables itself): each file is written by
 * DuckDB from a SELECT, and its `add` carries statistics computed by DuckDB from the same rows.
 */
export interface FixtureFile {
  /** A SELECT producing the file's data columns (no partition columns). */
  readonly select: string;
  readonly partitionValues?: Record<string, string | null>;
  /** Leave statistics out of the add action (as old writers did). */
  readonly noStats?: boolean;
}

export interface FixtureColumn {
  readonly name: string;
  readonly type: string;
}

export async function tempDir(prefix = 'loch-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeDeltaFixture(
  dir: string,
  columns: readonly FixtureColumn[],
  commits: readonly (readonly FixtureFile[])[],
  options: { partitionColumns?: string[] } = {},
): Promise<void> {
  await mkdir(join(dir, '_delta_log'), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    let fileNo = 0;
    for (const [version, files] of commits.entries()) {
      const lines: string[] = [JSON.stringify({ commitInfo: { timestamp: 1_700_000_000_000 + version * 60_000, operation: 'WRITE' } })];
      if (version === 0) lines.push(...header(columns, options.partitionColumns ?? []));
      for (const file of files) {
        const name = `part-${String(fileNo++).padStart(5, '0')}.parquet`;
        const folder = Object.entries(file.partitionValues ?? {}).map(([k, v]) => `${k}=${v === null ? '__HIVE_DEFAULT_PARTITION__' : encodeURIComponent(v)}`).join('/');
        const rel = folder === '' ? name : `${folder}/${name}`;
        await mkdir(join(dir, folder), { recursive: true });
        await connection.run(`COPY (${file.select}) TO '${join(dir, rel)}' (FORMAT parquet)`);
        const stats = file.noStats ? undefined : await fileStats(connection, join(dir, rel), columns, options.partitionColumns ?? []);
        lines.push(JSON.stringify({ add: { path: rel, partitionValues: file.partitionValues ?? {}, size: 1, modificationTime: 0, dataChange: true, ...(stats ? { stats } : {}) } }));
      }
      await writeFile(join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`), `${lines.join('\n')}\n`);
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

function header(columns: readonly FixtureColumn[], partitionColumns: string[]): string[] {
  const schemaString = JSON.stringify({ type: 'struct', fields: columns.map((c) => ({ name: c.name, type: c.type, nullable: true, metadata: {} })) });
  return [
    JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
    JSON.stringify({ metaData: { id: 'fixture', format: { provider: 'parquet', options: {} }, schemaString, partitionColumns, configuration: {}, createdTime: 1_700_000_000_000 } }),
  ];
}

async function fileStats(connection: Awaited<ReturnType<DuckDBInstance['connect']>>, path: string, columns: readonly FixtureColumn[], partitionColumns: string[]): Promise<string> {
  const dataColumns = columns.filter((c) => !partitionColumns.includes(c.name));
  const parts = dataColumns.flatMap((c) => [`min("${c.name}")::VARCHAR`, `max("${c.name}")::VARCHAR`, `count(*) - count("${c.name}")`]);
  const reader = await connection.runAndReadAll(`SELECT count(*), ${parts.join(', ')} FROM read_parquet('${path}')`);
  const row = reader.getRows()[0] ?? [];
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  dataColumns.forEach((c, i) => {
    const numeric = ['integer', 'long', 'short', 'byte', 'double', 'float'].includes(c.type);
    const min = row[1 + i * 3];
    const max = row[2 + i * 3];
    if (min !== null) minValues[c.name] = numeric ? Number(min) : min;
    if (max !== null) maxValues[c.name] = numeric ? Number(max) : max;
    nullCount[c.name] = Number(row[3 + i * 3]);
  });
  return JSON.stringify({ numRecords: Number(row[0]), minValues, maxValues, nullCount });
}
