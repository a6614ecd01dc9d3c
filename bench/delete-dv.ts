import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Loch } from '../src/index.js';
import { baseTables, checkAgree, FILES, measured, mib, ROWS, seconds, THREADS } from './children/dml-shared.js';
import type { ChildReport } from './children/dml-shared.js';

/**
 * DELETE of 0.1% of a ROWS-row table (LOCH_BENCH_ROWS, default 10M; FILES files, the same
 * table as P5) with deletion vectors against copy-on-write, and DuckDB's DELETE on a native
 * table as a reference. Two predicates: 'scattered' (`id % 2000 = 14`: one row in 1000 in every
 * file) and 'range' (one contiguous id range, inside one file). Each run is a child process on a
 * fresh copy. Printed: time of each and the DV / copy-on-write ratio, files removed and added and
 * DVs written (the commit's operationMetrics), and the time of full scans afterwards — count(*)
 * and sum(v) — against the same scans before the DELETE (the cost of reading through DVs).
 */
const DELETED = Math.floor(ROWS / 1000);

type Shape = 'scattered' | 'range';

function predicate(shape: Shape): string {
  if (shape === 'scattered') return 'id % 2000 = 14';
  // Row indexes [lo, lo + DELETED) in the middle of file FILES / 2 (id = 2 · index).
  const lo = Math.floor(ROWS / 2) + Math.floor(ROWS / FILES / 2);
  return `id >= ${2 * lo} AND id < ${2 * (lo + DELETED)}`;
}

const SCANS = { 'count(*)': 'SELECT count(*) FROM {t}', 'sum(v)': 'SELECT sum(v) FROM {t}' };

const metric = (r: ChildReport, key: string): string => String(r.figures[`metric ${key}`] ?? '?');
const scan = (r: ChildReport, name: string): string => `${Number(r.figures[`scan ${name} ms`]).toFixed(1)} ms`;

function checkDeleted(shape: Shape, reports: Readonly<Record<string, ChildReport>>): void {
  checkAgree(`delete ${shape}`, ROWS - DELETED, reports);
  for (const [name, r] of Object.entries(reports)) {
    if (Number(r.result[0]) !== DELETED) throw new Error(`bench: delete ${shape}: ${name} reported ${r.result[0]} deleted rows, expected ${DELETED}`);
  }
}

function print(shape: Shape, dv: ChildReport, cow: ChildReport, duck: ChildReport, before: { loch: ChildReport; duck: ChildReport }): void {
  const name = `delete ${ROWS / 1e6}M, 0.1%, ${shape}`;
  console.log(`${name.padEnd(36)} DV ${seconds(dv.ms)}   copy-on-write ${seconds(cow.ms)}   ratio DV/CoW ${(dv.ms / cow.ms).toFixed(2)}x   duckdb ${seconds(duck.ms)}   DV/duckdb ${(dv.ms / duck.ms).toFixed(2)}x`);
  const files = (r: ChildReport) => `files removed ${metric(r, 'numRemovedFiles')}, added ${metric(r, 'numAddedFiles')}, DVs added ${metric(r, 'numDeletionVectorsAdded')}, rows copied ${metric(r, 'numCopiedRows')}, scanTimeMs ${metric(r, 'scanTimeMs')}, rewriteTimeMs ${metric(r, 'rewriteTimeMs')}`;
  console.log(`${''.padEnd(36)} DV: ${files(dv)}; peak RSS ${mib(dv.peakRssMb)}`);
  console.log(`${''.padEnd(36)} CoW: ${files(cow)}; peak RSS ${mib(cow.peakRssMb)}`);
  for (const s of Object.keys(SCANS)) {
    console.log(`${''.padEnd(36)} scan ${s.padEnd(8)} after: DV ${scan(dv, s)}, CoW ${scan(cow, s)}, duckdb ${scan(duck, s)}; before: loch ${scan(before.loch, s)}, duckdb ${scan(before.duck, s)}`);
  }
}

export async function benchDeleteDv(loch: Loch, root: string): Promise<void> {
  const base = await baseTables(loch, root);
  const work = join(root, 'delete-dv');
  console.log(`  DELETE: ${ROWS / 1e6}M rows in ${FILES} files, ${DELETED} rows deleted, ${THREADS} threads per side, one child process per run`);
  try {
    const before = {
      loch: await measured(base.deltaCow, join(work, 'delta-before'), { side: 'loch', scans: SCANS }),
      duck: await measured(base.duckdb, join(work, 'native-before.duckdb'), { side: 'duckdb', scans: SCANS }),
    };
    for (const shape of ['scattered', 'range'] as const) {
      const statement = `DELETE FROM {t} WHERE ${predicate(shape)}`;
      const duck = await measured(base.duckdb, join(work, 'native.duckdb'), { side: 'duckdb', statement, scans: SCANS });
      const dv = await measured(base.deltaDv, join(work, 'delta-dv'), { side: 'loch', statement, scans: SCANS });
      const cow = await measured(base.deltaCow, join(work, 'delta-cow'), { side: 'loch', statement, scans: SCANS });
      checkDeleted(shape, { duckdb: duck, 'loch DV': dv, 'loch copy-on-write': cow });
      print(shape, dv, cow, duck, before);
    }
    console.log(`  DELETE checks passed: ${DELETED} rows deleted, ${ROWS - DELETED} left, checksums equal on all sides`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
