/**
 * Checks the generated data against the spec's invariants before any timing, on the baseline's
 * views (which read the Delta tables' files): cardinalities, key relations, date range, and the
 * order columns derived from the lines. Throws naming the first violated invariant.
 */
import type { Session } from '../../src/engine/index.js';
import type { Scale } from './generate.js';

/** [what, SQL returning one number, expected value or [min, max]]. */
type Check = readonly [string, string, number | readonly [number, number]];

function checks(s: Scale): Check[] {
  return [
    ['region rows', 'SELECT count(*) FROM region', 5],
    ['nation rows', 'SELECT count(*) FROM nation', 25],
    ['supplier rows', 'SELECT count(*) FROM supplier', s.suppliers],
    ['part rows', 'SELECT count(*) FROM part', s.parts],
    ['partsupp rows', 'SELECT count(*) FROM partsupp', s.parts * 4],
    ['customer rows', 'SELECT count(*) FROM customer', s.customers],
    ['orders rows', 'SELECT count(*) FROM orders', s.orders],
    ['lineitem rows (1..7 per order, about 4)', 'SELECT count(*) FROM lineitem', [Math.floor(s.orders * 3.9), Math.ceil(s.orders * 4.1)]],
    ['distinct (partkey, suppkey) in partsupp', 'SELECT count(*) FROM (SELECT DISTINCT ps_partkey, ps_suppkey FROM partsupp)', s.parts * 4],
    ['lines whose (part, supplier) is not in partsupp', 'SELECT count(*) FROM lineitem ANTI JOIN partsupp ON ps_partkey = l_partkey AND ps_suppkey = l_suppkey', 0],
    ['lines without an order', 'SELECT count(*) FROM lineitem ANTI JOIN orders ON o_orderkey = l_orderkey', 0],
    ['orders of a missing customer or a customer key divisible by 3', 'SELECT count(*) FROM orders ANTI JOIN customer ON c_custkey = o_custkey AND c_custkey % 3 <> 0', 0],
    ['suppliers or customers of a missing nation', 'SELECT (SELECT count(*) FROM supplier ANTI JOIN nation ON n_nationkey = s_nationkey) + (SELECT count(*) FROM customer ANTI JOIN nation ON n_nationkey = c_nationkey)', 0],
    ['dates outside 1992-01-01..1998-12-31', `SELECT count(*) FROM lineitem WHERE least(l_shipdate, l_commitdate, l_receiptdate) < DATE '1992-01-01' OR greatest(l_shipdate, l_commitdate, l_receiptdate) > DATE '1998-12-31'`, 0],
    ['orders whose total price is not the sum of their lines', `SELECT count(*) FROM orders JOIN (SELECT l_orderkey, CAST(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) AS DECIMAL(15,2)) AS total FROM lineitem GROUP BY l_orderkey) ON l_orderkey = o_orderkey WHERE total <> o_totalprice`, 0],
  ];
}

export async function checkData(session: Session, scale: Scale): Promise<void> {
  for (const [what, sql, expected] of checks(scale)) {
    const rows = await (await session.query(sql)).all();
    const got = Number(rows[0]?.[0]);
    const ok = typeof expected === 'number' ? got === expected : got >= expected[0] && got <= expected[1];
    if (!ok) throw new Error(`bench tpch: generated data: ${what}: got ${got}, expected ${JSON.stringify(expected)}`);
  }
}
