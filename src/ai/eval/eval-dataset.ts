import { LochError } from '../../core/errors.js';
import type { SqlValue } from '../../sql/params.js';
import type { StatementResult } from '../../sql/result.js';
import type { EvalName } from './eval-names.js';

/** One row of an evaluation set. */
export interface EvalExample {
  readonly request: string;
  readonly expectedResponse: string | null;
  readonly expectedFacts: readonly string[] | null;
}

/** Runs SQL as the evaluating principal. */
export type RunSql = (sql: string, params?: readonly SqlValue[]) => Promise<StatementResult>;

/** At most this many rows are evaluated (each costs model calls). */
export const MAX_EXAMPLES = 10_000;

/**
 * The rows of the evaluation table, read as the principal (grants, row filters and masks
 * apply), ordered by request then expected response so runs see the same order. Rows with a
 * NULL or blank request are skipped. INVALID_ARGUMENT when the table has no `request` column.
 */
export async function readExamples(sql: RunSql, table: EvalName): Promise<EvalExample[]> {
  const columns = await columnNames(sql, table);
  if (!columns.has('request')) throw new LochError('INVALID_ARGUMENT', `eval: table ${table.full} has no request column (columns: request STRING, expected_response STRING, expected_facts ARRAY<STRING>)`, { context: { table: table.full } });
  const expected = columns.has('expected_response') ? 'CAST(expected_response AS VARCHAR)' : 'CAST(NULL AS VARCHAR)';
  const facts = columns.has('expected_facts') ? 'CAST(to_json(expected_facts) AS VARCHAR)' : 'CAST(NULL AS VARCHAR)';
  const result = await sql(`SELECT CAST(request AS VARCHAR) AS request, ${expected} AS expected_response, ${facts} AS expected_facts FROM ${table.sql} WHERE request IS NOT NULL AND trim(CAST(request AS VARCHAR)) <> '' ORDER BY 1, 2, 3 LIMIT ${MAX_EXAMPLES}`);
  const rows = await result.all();
  return rows.map((row) => ({
    request: String(row[0]),
    expectedResponse: row[1] === null || row[1] === undefined ? null : String(row[1]),
    expectedFacts: factsOf(row[2], table),
  }));
}

async function columnNames(sql: RunSql, table: EvalName): Promise<Set<string>> {
  const result = await sql(`SELECT * FROM ${table.sql} LIMIT 0`);
  try {
    return new Set(result.columns.map((c) => c.name.toLowerCase()));
  } finally {
    await result.close();
  }
}

function factsOf(value: unknown, table: EvalName): string[] | null {
  if (value === null || value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    parsed = undefined;
  }
  if (parsed === null) return null;
  if (!Array.isArray(parsed)) throw new LochError('INVALID_ARGUMENT', `eval: table ${table.full}: expected_facts must be ARRAY<STRING>, found ${String(value).slice(0, 80)}`);
  return parsed.filter((f) => f !== null).map((f) => String(f));
}
