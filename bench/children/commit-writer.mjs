// Child of bench/commit-rate.ts: one writer process. Arguments: <loch|duckdb> <dir> <count> <writer>.
// One DuckDB thread per process (the writers share the cores). Prints "ready" once set up, waits
// for "go" on stdin, does <count> one-row writes and prints one JSON line {start, end, attempts[]}
// (epoch ms; attempts per commit, loch mode only).
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const [mode, dir, countText, writer] = process.argv.slice(2);
const count = Number(countText);

async function setUp() {
  if (mode === 'loch') {
    const { Loch } = await import('../../dist/index.js');
    const loch = await Loch.open({ warehouse: join(dir, '..', `warehouse-${writer}`), threads: 1 });
    const table = await loch.deltaTable(dir);
    return {
      async write(i) {
        const outcome = await table.write({ rows: [{ id: Number(writer) * 1_000_000 + i, k: i % 1000, s: `w${writer}-${i}`, x: i * 0.5 }] });
        if (outcome.kind !== 'committed') throw new Error(`commit-writer: write ${i} was ${outcome.kind}`);
        return outcome.commit.attempts;
      },
      close: () => loch.close(),
    };
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  return {
    async write(i) {
      const id = Number(writer) * 1_000_000 + i;
      await connection.run(`COPY (SELECT ${id}::BIGINT AS id, ${i % 1000}::BIGINT AS k, 'w${writer}-${i}' AS s, ${i * 0.5}::DOUBLE AS x) TO '${join(dir, `w${writer}-${i}.parquet`)}' (FORMAT parquet)`);
      return 1;
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

const writerApi = await setUp();
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();
const attempts = [];
const start = Date.now();
for (let i = 0; i < count; i += 1) attempts.push(await writerApi.write(i));
const end = Date.now();
await writerApi.close();
process.stdout.write(`${JSON.stringify({ start, end, attempts })}\n`);
