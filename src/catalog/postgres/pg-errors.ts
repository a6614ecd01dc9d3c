import { LochError } from '../../core/index.js';

/** SQLSTATE of a PostgreSQL error, or the errno code (ECONNREFUSED…) of a socket error. */
export function pgCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLSTATEs after which repeating the whole transaction is the fix. */
export const RETRY_TRANSACTION = new Set(['40001', '40P01']);

const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether the same call may succeed later: the server was unreachable, restarting, busy or a lock timed out. */
function isTransient(error: unknown): boolean {
  const code = pgCode(error);
  if (code !== undefined) {
    return (
      TRANSIENT_ERRNO.has(code) ||
      code.startsWith('08') ||
      RETRY_TRANSACTION.has(code) ||
      ['57P01', '57P02', '57P03', '53300', '55P03', '57014'].includes(code)
    );
  }
  const message = error instanceof Error ? error.message : '';
  // pg reports dropped connections and connect timeouts without a code.
  return /Connection terminated|timeout exceeded when trying to connect|Connection ended/i.test(message);
}

/**
 * Wraps a failure of the server or the connection as STORAGE_ERROR naming host:port/database
 * and the operation (never the credentials); LochErrors pass through unchanged.
 */
export function pgError(where: string, action: string, error: unknown): LochError {
  if (error instanceof LochError) return error;
  const code = pgCode(error);
  let detail = error instanceof Error ? error.message : String(error);
  if (detail === '' && error instanceof AggregateError) detail = error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  if (detail === '' && code !== undefined) detail = code;
  return new LochError('STORAGE_ERROR', `metastore postgres ${where}: ${action} failed: ${detail}${code && !detail.includes(code) ? ` [${code}]` : ''}`, {
    cause: error,
    retryable: isTransient(error),
    context: { where, action, ...(code ? { code } : {}) },
  });
}
