import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Loch } from '../src/index.js';
import { baseTables, checkAgree, FILES, measured, mib, ROWS, seconds, THREADS } from './children/dml-shared.js';
import type { ChildReport } from './children/dml-shared.js';

/**
 * P5: MERGE upserting 1% of a ROWS-row table (LOCH_BENCH_ROWS, default 10M; FILES files).
 * The source has ROWS/100 rows: half existing ids with new values, half new ids, all unique.
 * Two source shapes: 'spread' (ids scattered over the whole key space, so every file has
 * matches and key-range pruning cannot skip any) and 'clustered' (ids in one narrow range, so
 * pruning by the source's key range skips all files but one). Each runs on Loch with deletion
 * vectors on and off, and on DuckDB's own `MERGE INTO` on a native table with the same rows,
 * every run in a child process of its own on a fresh copy of the table (peak RSS per side).
 * Afterwards the row count, the updated and inserted row counts and a checksum of every row
 * must agree between all sides. Goal: Loch ≤ 2× DuckDB's time, peak RSS < 2 GB.
 */
const HALF = Math.floor(ROWS / 200);
/** A multiplier coprime with ROWS: i ↦ i·STRIDE mod ROWS is a permutation that scatters ids. */
const STRIDE = 7_368_787;

type Shape = 'spread' | 'clustered';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Row index (id / 2) of the i-th source row of each half. */
function indexSql(shape: Shape): string {
  if (shape === 'spread') return `((i * ${STRIDE}) % ${ROWS})`;
  return `(${Math.floor(ROWS / 2)} + i)`;
}

/** Existing ids (even) get new values; new ids (odd) sit right beside them in the key space. */
function sourceSql(shape: Shape): string {
  const index = indexSql(shape);
  const updates = `SELECT (2 * ${index})::BIGINT AS id, (-1 - i)::DOUBLE AS v, 'upd-' || i AS s, DATE '2030-01-01' AS d FROM range(${HALF}) AS r(i)`;
  const inserts = `SELECT (2 * ${index} + 1)::BIGINT AS id, (-1 - ${HALF} - i)::DOUBLE AS v, 'new-' || i AS s, DATE '2030-01-02' AS d FROM range(${HALF}) AS r(i)`;
  return `${updates} UNION ALL ${inserts}`;
}

const mergeSql = (shape: Shape): string =>
  `MERGE INTO {t} AS tgt USING (${sourceSql(shape)}) AS src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`;

const CHECKS = {
  updated: `SELECT count(*)::BIGINT FROM {t} WHERE s LIKE 'upd-%'`,
  inserted: `SELECT count(*)::BIGINT FROM {t} WHERE s LIKE 'new-%'`,
};

function checkCounts(what: string, reports: Readonly<Record<string, ChildReport>>): void {
  checkAgree(what, ROWS + HALF, reports);
  for (const [name, r] of Object.entries(reports)) {
    if (Number(r.figures['updated']) !== HALF || Number(r.figures['inserted']) !== HALF) {
      throw new Error(`bench: ${what}: ${name} shows ${r.figures['updated']} updated and ${r.figures['inserted']} inserted rows, expected ${HALF} each`);
    }
  }
}

const metric = (r: ChildReport, key: string): string => String(r.figures[`metric ${key}`] ?? '?');

function printVariant(shape: Shape, label: string, loch: ChildReport, duck: ChildReport): void {
  const name = `merge ${ROWS / 1e6}M, upsert 1%, ${shape}, ${label}`;
  console.log(
    `${name.padEnd(44)} loch ${seconds(loch.ms)} rss ${mib(loch.peakRssMb)}   duckdb ${seconds(duck.ms)} rss ${mib(duck.peakRssMb)}   ratio ${(loch.ms / duck.ms).toFixed(2)}x`,
  );
  console.log(
    `${''.padEnd(44)} files removed ${metric(loch, 'numTargetFilesRemoved')}, added ${metric(loch, 'numTargetFilesAdded')}, DVs added ${metric(loch, 'numTargetDeletionVectorsAdded')}, rows copied ${metric(loch, 'numTargetRowsCopied')}; scanTimeMs ${metric(loch, 'scanTimeMs')}, rewriteTimeMs ${metric(loch, 'rewriteTimeMs')}`,
  );
}

export async function benchMergeUpsert(loch: Loch, root: string): Promise<void> {
  if (gcd(STRIDE, ROWS) !== 1) throw new Error(`bench: LOCH_BENCH_ROWS=${ROWS} shares a factor with the id stride ${STRIDE}; pick another row count`);
  const base = await baseTables(loch, root);
  const work = join(root, 'merge-upsert');
  console.log(`  P5: ${ROWS / 1e6}M rows in ${FILES} files, source ${2 * HALF} rows (${HALF} updates, ${HALF} inserts), ${THREADS} threads per side, one child process per run`);
  try {
    for (const shape of ['spread', 'clustered'] as const) {
      const statement = mergeSql(shape);
      const duck = await measured(base.duckdb, join(work, 'native.duckdb'), { side: 'duckdb', statement, checks: CHECKS });
      const dv = await measured(base.deltaDv, join(work, 'delta-dv'), { side: 'loch', statement, checks: CHECKS });
      const cow = await measured(base.deltaCow, join(work, 'delta-cow'), { side: 'loch', statement, checks: CHECKS });
      checkCounts(`merge ${shape}`, { duckdb: duck, 'loch DV': dv, 'loch copy-on-write': cow });
      printVariant(shape, 'DV', dv, duck);
      printVariant(shape, 'copy-on-write', cow, duck);
    }
    console.log(`  P5 checks passed: ${ROWS + HALF} rows, ${HALF} updated, ${HALF} inserted, checksums equal on all sides`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
