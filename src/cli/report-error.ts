import { LochError } from '../core/errors.js';

/**
 * The CLI's one place that turns failures into output and an exit code: one line on stderr
 * starting with the error code, exit status 1; the stack only with --debug.
 */
export function reportError(error: unknown, debug: boolean, write: (text: string) => void): number {
  const e = error instanceof LochError ? error : new LochError('INTERNAL', `loch: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  write(`${e.code}: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (debug) {
    write(`${e.stack ?? ''}\n`);
    if (e.cause instanceof Error) write(`caused by: ${e.cause.stack ?? e.cause.message}\n`);
  }
  return 1;
}
