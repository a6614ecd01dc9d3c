import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/index.js';
import type { Loch } from '../src/index.js';
import { report, timeMedian } from './support.js';

const FILES = 1000;
const ROWS_PER_FILE = 20_000;

/** FILES parquet files written by DuckDB, and a one-commit Delta log that adds them all. */
async function writeTable(dir: string, engine: DuckDbEngine): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, '_delta_log'), { recursive: true });
  const session = await engine.session();
  const paths: string[] = [];
  const adds: string[] = [];
  try {
    await session.run(`COPY (SELECT i AS id, i % 97 AS k, 'name-' || (i % 1000) AS name, (i * 0.5)::DOUBLE AS x FROM range(${FILES * ROWS_PER_FILE}) t(i))
      TO '${join(dir, 'data')}' (FORMAT parquet, PER_THREAD_OUTPUT false, FILE_SIZE_BYTES '1KB', ROW_GROUP_SIZE ${ROWS_PER_FILE})`).catch(async () => {
      throw new Error('bench: DuckDB could not write the data files');
    });
    const files = await (await session.query(`SELECT file, count(*) AS n, min(id), max(id) FROM read_parquet('${join(dir, 'data')}/*.parquet', filename=true) t(id, k, name, x, file) GROUP BY file ORDER BY file`)).all();
    for (const [file, n, min, max] of files) {
      const path = String(file);
      paths.push(path);
      const rel = path.slice(dir.length + 1);
      const stats = JSON.stringify({ numRecords: Number(n), minValues: { id: Number(min) }, maxValues: { id: Number(max) }, nullCount: { id: 0 } });
      adds.push(JSON.stringify({ add: { path: rel, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true, stats } }));
    }
  } finally {
    await session.close();
  }
  const schema = JSON.stringify({
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: true, metadata: {} },
      { name: 'k', type: 'long', nullable: true, metadata: {} },
      { name: 'name', type: 'string', nullable: true, metadata: {} },
      { name: 'x', type: 'double', nullable: true, metadata: {} },
    ],
  });
  const header = [
    JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
    JSON.stringify({ metaData: { id: 'bench-scan', format: { provider: 'parquet', options: {} }, schemaString: schema, partitionColumns: [], configuration: {} } }),
  ];
  await writeFile(join(dir, '_delta_log', `${'0'.padStart(20, '0')}.json`), `${[...header, ...adds].join('\n')}\n`);
  return paths;
}

export async function benchManyFileScan(loch: Loch, root: string): Promise<void> {
  const engine = await DuckDbEngine.create();
  try {
    const dir = join(root, 'many-files');
    const paths = await writeTable(dir, engine);
    const session = await engine.session();
    const list = `read_parquet([${paths.map((p) => `'${p}'`).join(', ')}])`;
    const queries: [string, (from: string) => string][] = [
      ['full scan', (from) => `SELECT count(*), sum(id), sum(x), count(DISTINCT name) FROM ${from} WHERE k < 50`],
      ['selective (stats prune)', (from) => `SELECT count(*), sum(x) FROM ${from} WHERE id BETWEEN 1000000 AND 1100000`],
    ];
    for (const [label, query] of queries) {
      const lochMs = await timeMedian(5, async () => (await loch.sql(query(`delta.\`${dir}\``))).all());
      const rawMs = await timeMedian(5, async () => (await session.query(query(list))).all());
      report(`${label}, ${paths.length} files x ~${ROWS_PER_FILE} rows`, lochMs, rawMs, 'read_parquet');
    }
    await session.close();
  } finally {
    await engine.close();
  }
}
