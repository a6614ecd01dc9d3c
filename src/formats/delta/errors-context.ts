import { LochError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

/**
 * Where in a Delta log something was found: every log error names the table (as the caller
 * displays it), the version and, for commit files, the 1-based line.
 */
export interface LogWhere {
  readonly table: string;
  readonly version: number;
  readonly line?: number;
}

/** "table T version V" or "table T version V line L": the common prefix of log messages. */
export function describeWhere(where: LogWhere): string {
  const line = where.line === undefined ? '' : ` line ${where.line}`;
  return `table ${where.table} version ${where.version}${line}`;
}

/** Context object attached to every LochError raised by the Delta log code. */
export function whereContext(where: LogWhere, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const context: Record<string, unknown> = { table: where.table, version: where.version, ...extra };
  if (where.line !== undefined) context['line'] = where.line;
  return context;
}

/** NOT_FOUND for a table root without any versioned `_delta_log` file. */
export function noTableError(table: string): LochError {
  return new LochError('NOT_FOUND', `delta: no Delta table at ${table}: _delta_log is missing or empty`, { context: { table } });
}

/** Builds a LochError whose message is "<subsystem>: table T version V[ line L]: <detail>". */
export function logError(
  code: ErrorCode,
  subsystem: string,
  where: LogWhere,
  detail: string,
  options: { cause?: unknown; context?: Record<string, unknown> } = {},
): LochError {
  // A wrapped storage failure stays as retryable as the store said it was.
  const retryable = options.cause instanceof LochError && options.cause.retryable;
  return new LochError(code, `${subsystem}: ${describeWhere(where)}: ${detail}`, {
    retryable,
    context: whereContext(where, options.context),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}
