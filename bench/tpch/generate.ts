/**
 * The SELECTs that generate the eight TPC-H-shaped tables at a scale factor, written for DuckDB
 * from the specification's description of the data (table shapes, key relations, domains and
 * cardinalities), not from dbgen: values come from `hash` of each row's key (see sql-random.ts),
 * so every run yields the same rows. Simplifications, none of which the 22 queries can notice:
 * comments are words from one small vocabulary instead of the spec's text grammar, and the five
 * colours of a part name may repeat.
 */
import { money, numbered, phone, pick, randInt, scramble, words, quote } from './sql-random.js';
import {
  COLOURS, COMMENT_WORDS, CONTAINER_KINDS, CONTAINER_SIZES, NATIONS, PRIORITIES, REGIONS, SEGMENTS,
  SHIP_INSTRUCTIONS, SHIP_MODES, TYPE_FINISHES, TYPE_METALS, TYPE_SIZES,
} from './words.js';

/** Row counts at a scale factor (the spec's base cardinalities times SF). */
export interface Scale {
  readonly sf: number;
  readonly suppliers: number;
  readonly parts: number;
  readonly customers: number;
  readonly orders: number;
}

export function scaleOf(sf: number): Scale {
  const n = (base: number) => Math.max(1, Math.floor(sf * base));
  return { sf, suppliers: Math.max(4, n(10_000)), parts: n(200_000), customers: Math.max(3, n(150_000)), orders: n(1_500_000) };
}

/** Lines an order has in lineitem: the spec's 1..7, uniformly. */
const LINES_SALT = 101;
/** The spec's "current date": lines received by then may be returned, lines shipped after are open. */
const CURRENT_DATE = `DATE '1995-06-17'`;
const START_DATE = `DATE '1992-01-01'`;
/** Order dates run from the start date to 151 days before 1998-12-31, the end of the data. */
const ORDER_DAYS = (Date.UTC(1998, 11, 31) - Date.UTC(1992, 0, 1)) / 86_400_000 - 151;

const comment = (k: string, salt: number, min: number, max: number) => words(k, salt, min, max, COMMENT_WORDS);

/** Only 8 of every 32 order keys are used (the spec's sparse keys), starting at 1. */
const orderKey = (i: string) => `(${i} // 8 * 32 + ${i} % 8 + 1)`;
const orderDate = (o: string) => `(${START_DATE} + CAST(${randInt(o, 102, 0, ORDER_DAYS)} AS INTEGER))`;

/** The spec's retail price of a part key, in cents. */
const retailCents = (p: string) => `(90000 + (${p} // 10) % 20001 + 100 * (${p} % 1000))`;

/** Supplier number j (0..3) of part p: the spec's spreading of a part's suppliers over the key range. */
function supplierOf(p: string, j: string, s: Scale): string {
  const S = s.suppliers;
  return `CAST((${p} + ${j} * (${Math.floor(S / 4)} + (${p} - 1) // ${S})) % ${S} + 1 AS INTEGER)`;
}

export function regionSql(): string {
  const rows = REGIONS.map((name, i) => `(${i}, ${quote(name)})`).join(', ');
  return `SELECT CAST(k AS INTEGER) AS r_regionkey, r_name, ${comment('k', 1, 5, 15)} AS r_comment FROM (VALUES ${rows}) t(k, r_name)`;
}

export function nationSql(): string {
  const rows = NATIONS.map(([name, region], i) => `(${i}, ${quote(name)}, ${region})`).join(', ');
  return `SELECT CAST(k AS INTEGER) AS n_nationkey, n_name, CAST(r AS INTEGER) AS n_regionkey, ${comment('k', 1001, 5, 15)} AS n_comment
    FROM (VALUES ${rows}) t(k, n_name, r)`;
}

/** About 5 per 10,000 suppliers complain and as many recommend (query 16 excludes the former). */
function supplierComment(k: string): string {
  const text = (salt: number) => comment(k, salt, 2, 6);
  const which = `CAST(hash(${k}, 2300) % 2000 AS BIGINT)`;
  return `CASE ${which} WHEN 0 THEN ${text(2310)} || ' Customer ' || ${text(2320)} || ' Complaints ' || ${text(2330)}
    WHEN 1 THEN ${text(2310)} || ' Customer ' || ${text(2320)} || ' Recommends ' || ${text(2330)}
    ELSE ${comment(k, 2340, 4, 14)} END`;
}

export function supplierSql(s: Scale): string {
  return `SELECT CAST(k AS INTEGER) AS s_suppkey, ${numbered('Supplier#', 'k')} AS s_name, ${scramble('k', 2010, 10, 40)} AS s_address,
    CAST(nk AS INTEGER) AS s_nationkey, ${phone('k', 2020, 'nk')} AS s_phone, ${money(randInt('k', 2030, -99_999, 999_999))} AS s_acctbal,
    ${supplierComment('k')} AS s_comment
    FROM (SELECT range + 1 AS k, ${randInt('range + 1', 2040, 0, 24)} AS nk FROM range(${s.suppliers}))`;
}

export function partSql(s: Scale): string {
  const name = `concat_ws(' ', ${[0, 1, 2, 3, 4].map((i) => pick('k', 3010 + i, COLOURS)).join(', ')})`;
  const type = `${pick('k', 3020, TYPE_SIZES)} || ' ' || ${pick('k', 3021, TYPE_FINISHES)} || ' ' || ${pick('k', 3022, TYPE_METALS)}`;
  const container = `${pick('k', 3030, CONTAINER_SIZES)} || ' ' || ${pick('k', 3031, CONTAINER_KINDS)}`;
  return `SELECT CAST(k AS INTEGER) AS p_partkey, ${name} AS p_name, 'Manufacturer#' || CAST(m AS VARCHAR) AS p_mfgr,
    'Brand#' || CAST(m AS VARCHAR) || CAST(${randInt('k', 3041, 1, 5)} AS VARCHAR) AS p_brand, ${type} AS p_type,
    CAST(${randInt('k', 3050, 1, 50)} AS INTEGER) AS p_size, ${container} AS p_container,
    ${money(retailCents('k'))} AS p_retailprice, ${comment('k', 3060, 1, 4)} AS p_comment
    FROM (SELECT range + 1 AS k, ${randInt('range + 1', 3040, 1, 5)} AS m FROM range(${s.parts}))`;
}

export function partsuppSql(s: Scale): string {
  return `SELECT CAST(p AS INTEGER) AS ps_partkey, ${supplierOf('p', 'j', s)} AS ps_suppkey,
    CAST(${randInt('k', 4010, 1, 9999)} AS INTEGER) AS ps_availqty, ${money(randInt('k', 4020, 100, 100_000))} AS ps_supplycost,
    ${comment('k', 4030, 8, 25)} AS ps_comment
    FROM (SELECT p.range + 1 AS p, j.range AS j, (p.range + 1) * 4 + j.range AS k FROM range(${s.parts}) p, range(4) j)`;
}

export function customerSql(s: Scale): string {
  return `SELECT CAST(k AS INTEGER) AS c_custkey, ${numbered('Customer#', 'k')} AS c_name, ${scramble('k', 5010, 10, 40)} AS c_address,
    CAST(nk AS INTEGER) AS c_nationkey, ${phone('k', 5020, 'nk')} AS c_phone, ${money(randInt('k', 5030, -99_999, 999_999))} AS c_acctbal,
    ${pick('k', 5040, SEGMENTS)} AS c_mktsegment, ${comment('k', 5050, 4, 16)} AS c_comment
    FROM (SELECT range + 1 AS k, ${randInt('range + 1', 5090, 0, 24)} AS nk FROM range(${s.customers}))`;
}

/**
 * Lines of every order: key, part and supplier, quantity, prices, dates and the flags derived
 * from them. The seed of a line is orderkey * 8 + linenumber.
 */
export function lineitemSql(s: Scale): string {
  const orders = `SELECT ${orderKey('range')} AS o FROM range(${s.orders})`;
  const lines = `SELECT o, ln, o * 8 + ln AS k, ${orderDate('o')} AS od FROM (${orders}), range(1, 8) l(ln)
    WHERE ln <= ${randInt('o', LINES_SALT, 1, 7)}`;
  const drawn = `SELECT o, ln, k, ${randInt('k', 6010, 1, s.parts)} AS p, ${randInt('k', 6011, 0, 3)} AS j, ${randInt('k', 6012, 1, 50)} AS q,
    od + CAST(${randInt('k', 6013, 1, 121)} AS INTEGER) AS ship, od + CAST(${randInt('k', 6014, 30, 90)} AS INTEGER) AS cmt FROM (${lines})`;
  const dated = `SELECT *, ship + CAST(${randInt('k', 6015, 1, 30)} AS INTEGER) AS rcpt FROM (${drawn})`;
  return `SELECT o AS l_orderkey, CAST(p AS INTEGER) AS l_partkey, ${supplierOf('p', 'j', s)} AS l_suppkey, CAST(ln AS INTEGER) AS l_linenumber,
    CAST(q AS DECIMAL(15,2)) AS l_quantity, ${money(`q * ${retailCents('p')}`)} AS l_extendedprice,
    ${money(randInt('k', 6016, 0, 10))} AS l_discount, ${money(randInt('k', 6017, 0, 8))} AS l_tax,
    CASE WHEN rcpt <= ${CURRENT_DATE} THEN ${pick('k', 6018, ['R', 'A'])} ELSE 'N' END AS l_returnflag,
    CASE WHEN ship > ${CURRENT_DATE} THEN 'O' ELSE 'F' END AS l_linestatus,
    ship AS l_shipdate, cmt AS l_commitdate, rcpt AS l_receiptdate,
    ${pick('k', 6019, SHIP_INSTRUCTIONS)} AS l_shipinstruct, ${pick('k', 6020, SHIP_MODES)} AS l_shipmode, ${comment('k', 6030, 2, 6)} AS l_comment
    FROM (${dated})`;
}

/**
 * Orders; status and total price are the spec's functions of the order's lines, so they are read
 * back from the lineitem table (`lineitem` is the SQL relation to read it from).
 * Customers whose key is a multiple of 3 place no orders, as in the spec.
 */
export function ordersSql(s: Scale, lineitem: string): string {
  const ordering = s.customers - Math.floor(s.customers / 3);
  const r = randInt('o', 7110, 0, Math.max(0, ordering - 1));
  const clerks = Math.max(1, Math.floor(s.sf * 1000));
  const totals = `SELECT l_orderkey, count(*) AS n, count(*) FILTER (WHERE l_linestatus = 'F') AS f,
    CAST(sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) AS DECIMAL(15,2)) AS total FROM ${lineitem} GROUP BY l_orderkey`;
  return `SELECT o AS o_orderkey, CAST(${r} + ${r} // 2 + 1 AS INTEGER) AS o_custkey,
    CASE WHEN a.f = a.n THEN 'F' WHEN a.f = 0 THEN 'O' ELSE 'P' END AS o_orderstatus, a.total AS o_totalprice,
    ${orderDate('o')} AS o_orderdate, ${pick('o', 7120, PRIORITIES)} AS o_orderpriority,
    ${numbered('Clerk#', randInt('o', 7130, 1, clerks))} AS o_clerk, CAST(0 AS INTEGER) AS o_shippriority,
    ${comment('o', 7140, 3, 10)} AS o_comment
    FROM (SELECT ${orderKey('range')} AS o FROM range(${s.orders})) JOIN (${totals}) a ON a.l_orderkey = o`;
}

export const TABLES = ['region', 'nation', 'supplier', 'part', 'partsupp', 'customer', 'lineitem', 'orders'] as const;
export type TableName = (typeof TABLES)[number];

/** The generating SELECT of each table, in an order where orders comes after lineitem. */
export function tableSql(name: TableName, s: Scale, relationOf: (t: TableName) => string): string {
  switch (name) {
    case 'region': return regionSql();
    case 'nation': return nationSql();
    case 'supplier': return supplierSql(s);
    case 'part': return partSql(s);
    case 'partsupp': return partsuppSql(s);
    case 'customer': return customerSql(s);
    case 'lineitem': return lineitemSql(s);
    case 'orders': return ordersSql(s, relationOf('lineitem'));
  }
}
