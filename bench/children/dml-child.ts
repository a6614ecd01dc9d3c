// Child of bench/merge-upsert.ts and bench/delete-dv.ts: runs one DML statement on one side
// (Loch on a Delta folder, or DuckDB on a native table in a database file) in a process of its
// own, so the peak RSS it reports belongs to that side alone. Argument: one JSON object
// {side, path, statement?, checks?, scans?, threads, warehouse} (see ChildJob in dml-shared.ts).
// Prints one JSON line (ChildReport). Peak RSS is read right after the statement, before the
// checks and scans, which read the whole table.
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { Loch } from '../../src/index.js';

interface Job {
  readonly side: 'loch' | 'duckdb';
  readonly path: string;
  readonly statement?: string;
  readonly checks?: Readonly<Record<string, string>>;
  readonly scans?: Readonly<Record<string, string>>;
  readonly threads: number;
  readonly warehouse: string;
}

type Cell = string | null;

interface Side {
  readonly ref: string;
  query(sql: string): Promise<Cell[][]>;
  /** Operation metrics of the latest commit (Loch only). */
  metrics(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;

const cell = (v: unknown): Cell => (v === null || v === undefined ? null : String(v));

async function openSide(): Promise<Side> {
  if (job.side === 'loch') {
    const loch = await Loch.open({ warehouse: job.warehouse, threads: job.threads });
    return {
      ref: `delta.\`${job.path}\``,
      query: async (sql) => (await (await loch.sql(sql)).all()).map((row) => row.map(cell)),
      async metrics() {
        const [entry] = await (await loch.deltaTable(job.path)).history(1);
        return Object.fromEntries(Object.entries(entry?.operationMetrics ?? {}).map(([k, v]) => [k, String(v)]));
      },
      close: () => loch.close(),
    };
  }
  const instance = await DuckDBInstance.create(job.path, { threads: String(job.threads) });
  const connection = await instance.connect();
  return {
    ref: 't',
    query: async (sql) => (await connection.runAndReadAll(sql)).getRowsJS().map((row) => row.map(cell)),
    metrics: async () => ({}),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function median3(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[1] as number;
}

const side = await openSide();
const sub = (sql: string): string => sql.replaceAll('{t}', side.ref);
try {
  let ms = 0;
  let result: Cell[] = [];
  if (job.statement !== undefined) {
    const start = performance.now();
    result = (await side.query(sub(job.statement)))[0] ?? [];
    ms = performance.now() - start;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const figures: Record<string, string | number> = {};
  for (const [name, sql] of Object.entries(job.checks ?? {})) figures[name] = (await side.query(sub(sql)))[0]?.[0] ?? 'NULL';
  const [count, checksum] = (await side.query(`SELECT count(*)::BIGINT, sum(hash(id, v, s, d))::VARCHAR FROM ${side.ref}`))[0] ?? [];
  for (const [name, sql] of Object.entries(job.scans ?? {})) figures[`scan ${name} ms`] = await median3(() => side.query(sub(sql)));
  if (job.statement !== undefined) for (const [k, v] of Object.entries(await side.metrics())) figures[`metric ${k}`] = v;
  console.log(JSON.stringify({ ms, peakRssMb, result, count: Number(count), checksum: checksum ?? 'NULL', figures }));
} finally {
  await side.close();
}
