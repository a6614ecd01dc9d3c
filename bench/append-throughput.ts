import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Loch } from '../src/index.js';
import { report } from './support.js';

/**
 * Bulk append: `INSERT INTO delta.`…` SELECT <ROWS generated rows>` through loch.sql against
 * DuckDB itself writing the same rows with `COPY (SELECT …) TO 'x.parquet'` (its own connection,
 * same process, same machine). The gap is what the Delta write adds on top of DuckDB's parquet
 * writer: casts to the table schema, RETURN_STATS, stats JSON, the commit.
 * LOCH_BENCH_APPEND_ROWS overrides the row count (default 10M).
 */
const ROWS = Number(process.env['LOCH_BENCH_APPEND_ROWS'] ?? 10_000_000);
const RUNS = 3;
const PARTITIONS = 16;

const source = (partitioned: boolean): string =>
  `SELECT range AS id, range % 1000 AS k, md5(range::VARCHAR) AS s, range * 0.5 AS x${partitioned ? `, range % ${PARTITIONS} AS p` : ''} FROM range(${ROWS})`;

const tableColumns = (partitioned: boolean): string => `(id BIGINT, k BIGINT, s STRING, x DOUBLE${partitioned ? ', p BIGINT' : ''})${partitioned ? ' PARTITIONED BY (p)' : ''}`;

/** Median of RUNS timed runs, each after an untimed `reset`; no warm-up (every run is seconds long). */
async function medianOf(reset: () => Promise<void>, run: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    await reset();
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function lochAppend(loch: Loch, dir: string, partitioned: boolean): Promise<void> {
  const result = await loch.sql(`INSERT INTO delta.\`${dir}\` ${source(partitioned)}`);
  const rows = await result.all();
  const inserted = Number(rows[0]?.[1]);
  if (inserted !== ROWS) throw new Error(`bench: INSERT reported ${inserted} rows, expected ${ROWS}`);
}

async function duckCopy(connection: DuckDBConnection, target: string, partitioned: boolean): Promise<void> {
  const options = partitioned ? `FORMAT parquet, PARTITION_BY (p)` : 'FORMAT parquet';
  await connection.run(`COPY (${source(partitioned)}) TO '${target}' (${options})`);
}

const perSecond = (ms: number): string => `${((ROWS / ms) * 1000 / 1e6).toFixed(2)}M rows/s`;

export async function benchAppendThroughput(loch: Loch, root: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const partitioned of [false, true]) {
      const dir = join(root, partitioned ? 'append-partitioned' : 'append');
      const baseline = join(root, partitioned ? 'append-duckdb-partitioned' : 'append-duckdb.parquet');
      const lochMs = await medianOf(
        async () => {
          await rm(dir, { recursive: true, force: true });
          await (await loch.sql(`CREATE TABLE delta.\`${dir}\` ${tableColumns(partitioned)}`)).all();
        },
        () => lochAppend(loch, dir, partitioned),
      );
      const duckMs = await medianOf(
        () => rm(baseline, { recursive: true, force: true }),
        () => duckCopy(connection, baseline, partitioned),
      );
      const label = `append ${ROWS / 1e6}M rows${partitioned ? `, ${PARTITIONS} partitions` : ''}`;
      report(label, lochMs, duckMs, 'duckdb COPY');
      console.log(`${''.padEnd(48)} loch ${perSecond(lochMs)}   duckdb COPY ${perSecond(duckMs)}`);
      await rm(dir, { recursive: true, force: true });
      await rm(baseline, { recursive: true, force: true });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
