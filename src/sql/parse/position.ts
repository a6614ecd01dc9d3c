import { LochError } from '../../core/errors.js';

/** A human position in SQL text: both 1-based; the column counts Unicode code points. */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * The line and column of a UTF-16 `offset` into `sql`. `\n`, `\r\n` and a lone `\r` each end a
 * line; an offset past the end is clamped to the end, which is where "missing X" errors point.
 */
export function lineColumn(sql: string, offset: number): SqlPosition {
  const end = Math.max(0, Math.min(offset, sql.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = sql.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && sql.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  // Code points, not UTF-16 units, so that a column matches what an editor shows.
  const column = Array.from(sql.slice(lineStart, end)).length + 1;
  return { line, column };
}

/**
 * The error for malformed SQL text: INVALID_ARGUMENT with the message
 * "sql: <message> at line L column C" and context { line, column, offset, ...extra }.
 */
export function sqlSyntaxError(sql: string, offset: number, message: string, extra: Record<string, unknown> = {}): LochError {
  const { line, column } = lineColumn(sql, offset);
  return new LochError('INVALID_ARGUMENT', `sql: ${message} at line ${line} column ${column}`, {
    context: { ...extra, line, column, offset },
  });
}
