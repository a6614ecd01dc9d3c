/**
 * DuckDB errors as Loch errors. DuckDB's messages are what users need ("Binder Error: Referenced
 * column "x" not found"), so they are kept, but reduced to one line: the "LINE 1: …" excerpt and
 * its caret only make sense in a terminal showing the whole statement.
 */
import { LochError, type ErrorCode } from '../../core/errors.js';

/** DuckDB's message of an error as one line: the query excerpt and caret dropped, lines joined. */
export function formatDuckDbError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines: string[] = [];
  let skipCaret = false;
  for (const line of raw.split('\n')) {
    const trimmed = line.trim();
    if (/^LINE \d+:/.test(trimmed)) {
      skipCaret = true;
      continue;
    }
    if (skipCaret && /^\^+$/.test(trimmed)) {
      skipCaret = false;
      continue;
    }
    skipCaret = false;
    if (trimmed !== '') lines.push(trimmed);
  }
  // The prefix names DuckDB's internal step, not anything the user wrote.
  return lines.join(' ').replace(/^Failed to extract statements: /, '');
}

/**
 * Wraps a DuckDB failure as LochError(code, '<subsystem>: <duckdb message>'); LochErrors pass.
 * A file DuckDB was asked to read and could not find is DATA_FILE_MISSING rather than SQL_ERROR
 * (table scans hand DuckDB paths they do not check first).
 */
export function duckDbError(error: unknown, code: ErrorCode = 'SQL_ERROR', subsystem = 'sql', context?: Record<string, unknown>): LochError {
  if (error instanceof LochError) return error;
  const mapped = code === 'SQL_ERROR' && isMissingFileError(error) ? 'DATA_FILE_MISSING' : code;
  return new LochError(mapped, `${subsystem}: ${formatDuckDbError(error)}`, { cause: error, ...(context ? { context } : {}) });
}

/** True when DuckDB failed because a file it was asked to read does not exist. */
export function isMissingFileError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /No files found that match the pattern|No such file or directory|Cannot open file .*(not exist|No such file)/i.test(message);
}
