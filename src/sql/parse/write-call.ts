import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { expectEnd, readIdentifier, skip } from './write-clauses.js';
import type { CallProcedureStatement } from './write-statements.js';

/**
 * CALL system.<procedure>(name => value, …) — Spark's Iceberg procedures. Values are string
 * literals, integers or TIMESTAMP '<text>'; a first positional argument is the table. The
 * cursor is on CALL.
 */
export function readCall(cursor: TokenCursor): CallProcedureStatement {
  skip(cursor, 2);
  cursor.expectPunct('.', 'CALL system');
  const procedure = readIdentifier(cursor, 'CALL system.<procedure>').toLowerCase();
  const what = `CALL system.${procedure}`;
  cursor.expectPunct('(', what);
  const args: Record<string, CallProcedureStatement['args'][string]> = {};
  for (let i = 0; !isPunct(cursor.peek(), ')'); i++) {
    if (i > 0) cursor.expectPunct(',', what);
    const named = cursor.peek(1)?.kind === 'op' && cursor.peek(1)?.text === '=>';
    const name = named ? readIdentifier(cursor, what).toLowerCase() : i === 0 ? 'table' : cursor.fail(`${what}: only the first argument may be positional`);
    if (named) cursor.next();
    if (name in args) cursor.fail(`${what} gives argument ${name} twice`);
    args[name] = readValue(cursor, `${what} argument ${name}`);
  }
  cursor.expectPunct(')', what);
  expectEnd(cursor, what);
  return { kind: 'call_procedure', procedure, args };
}

function readValue(cursor: TokenCursor, what: string): CallProcedureStatement['args'][string] {
  if (isWord(cursor.peek(), 'timestamp') && cursor.peek(1)?.kind === 'string') {
    cursor.next();
    return { kind: 'timestamp', value: cursor.readString(what) };
  }
  if (cursor.peek()?.kind === 'string') return { kind: 'string', value: cursor.readString(what) };
  return { kind: 'number', value: cursor.readNonNegativeInteger(what) };
}
