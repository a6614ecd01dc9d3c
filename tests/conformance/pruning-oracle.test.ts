import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Pruning must never change an answer. For every corpus table and every column with statistics
 * in its expected file, predicates built from the column's real min and max are run twice: as a
 * plain WHERE (pruned by Loch) and behind a subquery (which Loch does not prune through). The
 * counts must agree, and across the corpus some files must actually be pruned.
 */
interface Expected {
  table: string;
  expect_error?: unknown;
  columns?: { name: string; type: string }[];
  latest?: { column_stats?: Record<string, { min?: string; max?: string }> };
}

const SQL_TYPES: Record<string, string> = {
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INTEGER',
  long: 'BIGINT',
  string: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
};

function literal(value: string, type: string): string {
  const sqlType = type.startsWith('decimal') ? type.toUpperCase() : SQL_TYPES[type];
  return `CAST('${value.replace(/'/g, "''")}' AS ${sqlType})`;
}

function predicates(column: string, type: string, min: string, max: string): string[] {
  const c = `"${column.replace(/"/g, '""')}"`;
  const lo = literal(min, type);
  const hi = literal(max, type);
  return [`${c} = ${lo}`, `${c} > ${lo}`, `${c} >= ${hi}`, `${c} < ${hi}`, `${c} IN (${lo}, ${hi})`, `${c} <> ${lo}`, `${c} IS NULL`, `NOT (${c} <= ${lo}) OR ${c} IS NULL`, `${c} BETWEEN ${lo} AND ${lo}`];
}

const cases = readdirSync(DELTA_CORPUS)
  .filter((n) => n.endsWith('.expected.json'))
  .map((n) => JSON.parse(readFileSync(join(DELTA_CORPUS, n), 'utf8')) as Expected)
  .filter((e) => !e.expect_error && e.latest?.column_stats)
  .flatMap((e) =>
    (e.columns ?? []).flatMap((col) => {
      const stats = e.latest?.column_stats?.[col.name];
      const supported = col.type in SQL_TYPES || col.type.startsWith('decimal');
      return stats?.min !== undefined && stats.max !== undefined && supported ? predicates(col.name, col.type, stats.min, stats.max).map((where) => ({ table: e.table, where })) : [];
    }),
  );

describe('pruning never changes an answer (corpus oracle)', () => {
  let loch: Loch;
  let pruned = 0;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse') });
  });
  afterAll(async () => {
    await loch?.close();
  });

  it('has predicates for most tables', () => {
    expect(new Set(cases.map((c) => c.table)).size).toBeGreaterThan(25);
  });

  for (const { table, where } of cases) {
    it(`${table}: ${where}`, async () => {
      const path = join(DELTA_CORPUS, table).replace(/`/g, '``');
      const direct = await loch.sql(`SELECT count(*) FROM delta.\`${path}\` WHERE ${where}`);
      const directCount = Number((await direct.all())[0]?.[0]);
      pruned += direct.scans[0]?.filesPruned ?? 0;
      const oracle = await loch.sql(`SELECT count(*) FROM (SELECT * FROM delta.\`${path}\`) WHERE ${where}`);
      expect(oracle.scans[0]?.filesPruned).toBe(0);
      expect(directCount).toBe(Number((await oracle.all())[0]?.[0]));
    });
  }

  it('pruned files somewhere in the corpus', () => {
    expect(pruned).toBeGreaterThan(50);
  });
});
