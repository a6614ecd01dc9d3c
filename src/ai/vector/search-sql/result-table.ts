import { dataTypeFromDuckDb, rowsRelation } from '../../../engine/index.js';
import type { Session } from '../../../engine/index.js';
import { quoteIdentifier } from '../../../expr/to-sql.js';
import { field, primitive } from '../../../expr/types.js';
import type { DataType, StructType } from '../../../expr/types.js';
import { parseTypeText } from '../../../sql/parse/type-name.js';
import type { VectorSearchResult } from '../vector-types.js';

/** The column every vector_search result ends with (higher is closer). */
export const SCORE_COLUMN = 'search_score';

/**
 * Stores a search result in a new temporary table `table` on `session` (through an NDJSON file
 * DuckDB reads and that is deleted at once), typed by the result's columns. Column types are
 * read as DuckDB's spelling (what governed SQL reports), else as Spark/Databricks spelling;
 * a type neither reads (INTERVAL, UNION…) becomes STRING holding the value's text, so an odd
 * source column never fails a search. An empty result still gives the typed, empty table.
 */
export async function createResultTable(session: Session, result: VectorSearchResult, table: string): Promise<void> {
  const types = result.columns.map((c) => columnType(c.name, c.type));
  const schema: StructType = { kind: 'struct', fields: result.columns.map((c, i) => field(c.name, types[i]?.type ?? primitive('string'))) };
  const records = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, types[i]?.asText === true ? textOf(row[i]) : (row[i] ?? null)])));
  const relation = await rowsRelation(records, schema, 'vector search');
  try {
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(table)} AS SELECT * FROM ${relation.sql}`);
  } finally {
    await relation.dispose();
  }
}

function columnType(name: string, text: string): { type: DataType; asText: boolean } {
  for (const read of [() => dataTypeFromDuckDb(text, name), () => parseTypeText(text)]) {
    try {
      return { type: read(), asText: false };
    } catch {
      // Try the next spelling; the last resort is text.
    }
  }
  return { type: primitive('string'), asText: true };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
