import { LochError } from '../../../core/errors.js';
import type { StatementResult } from '../../../sql/result.js';
import { jsonValue, type AgentTool, type ToolRun } from './agent-tool.js';
import { readOnlyRefusal } from './read-only-sql.js';

/** Rows and bytes of one SQL tool result the model gets at most. */
export const SQL_ROW_LIMIT = 50;
export const SQL_BYTE_LIMIT = 16 * 1024;

/**
 * The read-only SQL tool (`'sql'`): one SELECT / WITH … SELECT / VALUES / SHOW / DESCRIBE /
 * EXPLAIN statement run through the caller's governed session (grants, row filters and masks
 * apply; vector_search and ai_* work in it). Writes are refused before anything runs
 * (readOnlyRefusal). The result is JSON `{columns, rows, truncated?}` with at most
 * SQL_ROW_LIMIT rows and about SQL_BYTE_LIMIT bytes; `truncated` says so when more existed.
 */
export function sqlTool(): AgentTool {
  return {
    name: 'sql_query',
    spanType: 'TOOL',
    definition: {
      type: 'function',
      function: {
        name: 'sql_query',
        description: `Runs one read-only SQL query (SELECT, WITH … SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN) on the lakehouse as the user and returns at most ${SQL_ROW_LIMIT} rows as JSON. Tables are named catalog.schema.table; use SHOW TABLES IN catalog.schema and DESCRIBE TABLE to explore. Writes are refused.`,
        parameters: {
          type: 'object',
          properties: { query: { type: 'string', description: 'One read-only SQL statement.' } },
          required: ['query'],
          additionalProperties: false,
        },
      },
    },
    run: runSql,
  };
}

async function runSql(args: Readonly<Record<string, unknown>>, run: ToolRun): Promise<string> {
  const query = args['query'];
  if (typeof query !== 'string') throw new LochError('INVALID_ARGUMENT', 'agents: sql tool: argument query must be a string of SQL');
  const refusal = readOnlyRefusal(query);
  if (refusal !== undefined) throw new LochError('PERMISSION_DENIED', `agents: sql tool: refused: ${refusal}`);
  const result = await run.sql().statement(query);
  try {
    return await cappedJson(result);
  } finally {
    await result.close();
  }
}

/** Reads batches until the row or byte cap is reached; the rest is never fetched. */
async function cappedJson(result: StatementResult): Promise<string> {
  const columns = result.columns.map((c) => c.name);
  const rows: unknown[] = [];
  let bytes = 0;
  let truncated: string | undefined;
  outer: for await (const batch of result.batches()) {
    for (const row of batch) {
      if (rows.length >= SQL_ROW_LIMIT) {
        truncated = `more than ${SQL_ROW_LIMIT} rows: only the first ${SQL_ROW_LIMIT} are shown; aggregate or add LIMIT/WHERE`;
        break outer;
      }
      const value = jsonValue(row);
      const size = JSON.stringify(value).length;
      if (bytes + size > SQL_BYTE_LIMIT) {
        truncated = `result larger than ${SQL_BYTE_LIMIT} bytes: only the first ${rows.length} rows are shown; select fewer columns or rows`;
        break outer;
      }
      bytes += size;
      rows.push(value);
    }
  }
  return JSON.stringify({ columns, rows, ...(truncated === undefined ? {} : { truncated }) });
}
