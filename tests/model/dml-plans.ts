import { q, randomPredicate, sqlString } from './model-support.js';
import type { Column, Lit, Oracle, Rng, Shape, ValueGen } from './model-support.js';

/**
 * Random DELETE / UPDATE / MERGE statements for the model test, each with the oracle statement
 * that mirrors it: plain DuckDB DELETE and UPDATE, and DuckDB's own MERGE INTO for MERGE (an
 * independent implementation of the same clause semantics).
 */

export interface DmlPlan {
  readonly sql: string;
  /** Oracle statements applying the change. */
  readonly apply: readonly string[];
  /** Rows the statement changes, from the oracle (num_affected_rows); no commit when 0. */
  readonly affected: number;
}

export interface DmlContext {
  readonly rng: Rng;
  readonly gen: ValueGen;
  readonly shape: Shape;
  readonly ref: string;
  readonly oracle: Oracle;
}

/** A predicate with its columns qualified by `alias` (the model's values never contain '"'). */
function qualified(sql: string, alias: string): string {
  return sql.replace(/"(\w+)"/g, `${alias}."$1"`);
}

async function countWhere(oracle: Oracle, where: string): Promise<number> {
  const rows = await oracle.rows(`SELECT count(*) FROM m WHERE ${where}`);
  return Number(rows[0]?.[0]);
}

export async function deletePlan(c: DmlContext): Promise<DmlPlan> {
  if (c.rng.chance(0.05)) return { sql: `DELETE FROM ${c.ref}`, apply: ['DELETE FROM m'], affected: await countWhere(c.oracle, 'true') };
  const predicate = randomPredicate(c.shape, c.gen, c.rng, c.shape.partitioned && c.rng.chance(0.4)).sql;
  const alias = c.rng.chance(0.3);
  const where = alias ? qualified(predicate, 'x') : predicate;
  return {
    sql: `DELETE FROM ${c.ref}${alias ? ' AS x' : ''} WHERE ${where}`,
    apply: [`DELETE FROM m WHERE ${predicate}`],
    affected: await countWhere(c.oracle, `coalesce((${predicate}), false)`),
  };
}

/** SET items for UPDATE: Loch's text (target-qualified by `t` when given) and the oracle's. */
function assignments(c: DmlContext, valueOf: (col: Column) => { loch: string; oracle: string } | undefined, fallback = `NOT ${q('b')}`): { loch: string[]; oracle: string[] } {
  const loch: string[] = [];
  const oracle: string[] = [];
  const columns = c.rng.shuffle(c.shape.columns).slice(0, c.rng.int(1, 3));
  for (const col of columns) {
    const v = valueOf(col);
    if (v === undefined) continue;
    loch.push(`${col.kind === 'st' ? `${q(col.name)}.x` : q(col.name)} = ${v.loch}`);
    oracle.push(`${q(col.name)} = ${v.oracle}`);
  }
  if (loch.length === 0) {
    loch.push(`${q('b')} = ${fallback}`);
    oracle.push(`${q('b')} = ${fallback}`);
  }
  return { loch, oracle };
}

/** A new value for a column computed from the row itself (or a constant), the same on both sides. */
function newValue(c: DmlContext, col: Column): { loch: string; oracle: string } | undefined {
  const name = q(col.name);
  const same = (sql: string) => ({ loch: sql, oracle: sql });
  switch (col.kind) {
    case 'id':
      return same(`${name} + ${c.rng.int(1, 9) * 1_000_003}`);
    case 's':
      return same(c.rng.chance(0.5) ? `${name} || '~'` : sqlString(c.gen.text()));
    case 'b':
      return same(`NOT ${name}`);
    case 'd':
      return same(`-${name}`);
    case 'n':
      return same(`${name} + 1`);
    case 'p': {
      const lit = c.gen.literal(col, { noEmptyPartition: true });
      return { loch: lit.raw, oracle: lit.typed };
    }
    case 'st': {
      const x = c.rng.int(-5, 5);
      return { loch: String(x), oracle: `{'x': ${x}, 'y': ${name}.y}` };
    }
    default:
      return undefined;
  }
}

export async function updatePlan(c: DmlContext): Promise<DmlPlan> {
  const set = assignments(c, (col) => newValue(c, col));
  const predicate = c.rng.chance(0.1) ? undefined : randomPredicate(c.shape, c.gen, c.rng, c.shape.partitioned && c.rng.chance(0.4)).sql;
  const where = predicate === undefined ? '' : ` WHERE ${predicate}`;
  return {
    sql: `UPDATE ${c.ref} SET ${set.loch.join(', ')}${where}`,
    apply: [`UPDATE m SET ${set.oracle.join(', ')}${where}`],
    affected: await countWhere(c.oracle, predicate === undefined ? 'true' : `coalesce((${predicate}), false)`),
  };
}

/**
 * MERGE with a literal source of existing ids (some changed) and new ids, unique per source, and
 * a random set of clauses. The oracle runs DuckDB's MERGE with the same clauses, `*` spelled out.
 */
export async function mergePlan(c: DmlContext): Promise<DmlPlan> {
  const r = c.rng;
  const known = (await c.oracle.rows('SELECT DISTINCT id FROM m WHERE id IS NOT NULL ORDER BY id')).map((row) => String(row[0]));
  const ids = new Set<string>();
  for (let i = r.int(0, Math.min(4, known.length)); i > 0; i--) ids.add(r.pick(known));
  for (let i = r.int(0, 3); i > 0; i--) ids.add(String(c.gen.id()));
  if (ids.size === 0) ids.add(String(c.gen.id()));
  const idIndex = c.shape.columns.findIndex((col) => col.kind === 'id');
  const rows: Lit[][] = [...ids].map((id) => c.shape.columns.map((col, i) => (i === idIndex ? { raw: id, typed: `CAST(${id} AS BIGINT)` } : c.gen.literal(col, { noEmptyPartition: true }))));
  const names = c.shape.columns.map((col) => q(col.name)).join(', ');
  const source = (form: 'raw' | 'typed') => `(SELECT * FROM (VALUES ${rows.map((row) => `(${row.map((l) => l[form]).join(', ')})`).join(', ')}) AS v(${names}))`;
  const clauses = mergeClauses(c);
  const on = `t."id" = src."id"`;
  const loch = `MERGE INTO ${c.ref} AS t USING ${source('raw')} AS src ON ${on} ${clauses.loch.join(' ')}`;
  const oracle = `MERGE INTO m AS t USING ${source('typed')} AS src ON ${on} ${clauses.oracle.join(' ')}`;
  await c.oracle.run('CREATE OR REPLACE TEMP TABLE before_merge AS SELECT * FROM m');
  const counted = await c.oracle.rows(oracle);
  // Counted by running it; the plan re-applies it to the restored copy after Loch succeeds.
  await c.oracle.run('DROP TABLE m');
  await c.oracle.run('CREATE TABLE m AS SELECT * FROM before_merge');
  return { sql: loch, apply: [oracle], affected: Number(counted[0]?.[0] ?? 0) };
}

function mergeClauses(c: DmlContext): { loch: string[]; oracle: string[] } {
  const r = c.rng;
  const loch: string[] = [];
  const oracle: string[] = [];
  const add = (l: string, o = l) => {
    loch.push(l);
    oracle.push(o);
  };
  const all = c.shape.columns.map((col) => q(col.name));
  const setAll = all.map((n) => `${n} = src.${n}`).join(', ');
  const targetCondition = () => qualified(randomPredicate(c.shape, c.gen, r).sql, 't');
  const matched = r.int(0, 2);
  for (let i = 0; i < matched; i++) {
    const last = i === matched - 1;
    const condition = !last || r.chance(0.4) ? ` AND ${r.chance(0.5) ? targetCondition() : `src."b"`}` : '';
    const action = r.pick(['update', 'update_all', 'delete']);
    if (action === 'delete') add(`WHEN MATCHED${condition} THEN DELETE`);
    else if (action === 'update_all') add(`WHEN MATCHED${condition} THEN UPDATE SET *`, `WHEN MATCHED${condition} THEN UPDATE SET ${setAll}`);
    else {
      const set = assignments(c, (col) => (col.kind === 'id' || col.kind === 'st' ? undefined : { loch: `src.${q(col.name)}`, oracle: `src.${q(col.name)}` }), `NOT t.${q('b')}`);
      add(`WHEN MATCHED${condition} THEN UPDATE SET ${set.loch.map((s) => `t.${s}`).join(', ')}`, `WHEN MATCHED${condition} THEN UPDATE SET ${set.oracle.join(', ')}`);
    }
  }
  if (r.chance(0.7)) {
    const condition = r.chance(0.3) ? ` AND src."b"` : '';
    if (r.chance(0.5)) add(`WHEN NOT MATCHED${condition} THEN INSERT *`, `WHEN NOT MATCHED${condition} THEN INSERT (${all.join(', ')}) VALUES (${all.map((n) => `src.${n}`).join(', ')})`);
    else add(`WHEN NOT MATCHED BY TARGET${condition} THEN INSERT (${q('id')}, ${q('s')}) VALUES (src.${q('id')}, src.${q('s')})`, `WHEN NOT MATCHED${condition} THEN INSERT (${q('id')}, ${q('s')}) VALUES (src.${q('id')}, src.${q('s')})`);
  }
  if (r.chance(0.3)) {
    const condition = ` AND ${targetCondition()}`;
    if (r.chance(0.5)) add(`WHEN NOT MATCHED BY SOURCE${condition} THEN DELETE`);
    else add(`WHEN NOT MATCHED BY SOURCE${condition} THEN UPDATE SET ${q('b')} = NOT t.${q('b')}`);
  }
  if (loch.length === 0) add(`WHEN MATCHED THEN DELETE`);
  return { loch, oracle };
}
