import type { Token } from './lexer.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { acceptWord, duckdbOnly, expectEnd, expectWord, isSymbol, readTableRef, skip, startsQuery } from './write-clauses.js';
import {
  atKeyword,
  readAlias,
  readAssignments,
  readColumnPath,
  readRequiredSql,
  readSqlFragment,
  refuseReturning,
  showPath,
  targetQualifier,
  withoutQualifier,
} from './write-dml.js';
import type { MatchedAction, MergeClause, MergeStatement, NotMatchedAction } from './write-statements.js';

type When = MergeClause['when'];

/** How each clause kind reads in messages. */
const LABELS: Readonly<Record<When, string>> = {
  matched: 'MATCHED',
  not_matched: 'NOT MATCHED [BY TARGET]',
  not_matched_by_source: 'NOT MATCHED BY SOURCE',
};

/** What one MERGE is being read with. */
interface MergeContext {
  readonly cursor: TokenCursor;
  /** A plain-name target: DuckDB-only syntax hands the statement back to DuckDB. */
  readonly lenient: boolean;
  /** The name that may qualify target columns in SET and INSERT. */
  readonly qualifier: string | undefined;
}

/**
 * MERGE [WITH SCHEMA EVOLUTION] INTO <ref> [[AS] alias] USING <source> [[AS] alias] ON <condition>
 * followed by WHEN clauses in any order. The cursor is on MERGE. The source is a table reference
 * (delta.`p`, a name, a table function call, optionally with VERSION/TIMESTAMP AS OF) or a
 * parenthesised query, kept as written. Checked as Databricks does: at least one WHEN clause,
 * only the last clause of each kind may omit its condition, INSERT has as many values as columns.
 * DuckDB's MERGE extensions (USING (cols), DO NOTHING, ERROR, UPDATE/INSERT without SET/values,
 * BY NAME, RETURNING, source column aliases) hand a plain-name statement back and fail on a path.
 */
export function readMerge(cursor: TokenCursor): MergeStatement {
  cursor.next();
  if (atKeyword(cursor, 'with') && !wordsAhead(cursor, 'with', 'schema', 'evolution')) cursor.fail('MERGE WITH expects SCHEMA EVOLUTION', cursor.peek(1));
  const withSchemaEvolution = acceptWord(cursor, 'with', 'schema', 'evolution');
  expectWord(cursor, 'into', 'MERGE');
  const target = readTableRef(cursor, 'MERGE INTO');
  const lenient = target.kind === 'name';
  const targetAlias = readAlias(cursor, 'MERGE INTO');
  refuseColumnAliases(cursor, lenient, 'target');
  expectWord(cursor, 'using', 'MERGE INTO <table>');
  const sourceSql = readSource(cursor);
  const sourceAlias = readAlias(cursor, 'MERGE USING');
  refuseColumnAliases(cursor, lenient, 'source');
  if (atKeyword(cursor, 'using')) duckdbOnly(cursor, lenient, 'MERGE … USING (columns) is not supported for Delta tables; write ON <condition>');
  expectWord(cursor, 'on', 'MERGE INTO <table> USING <source>');
  const onSql = readRequiredSql(cursor, 'MERGE ON', 'a condition', (c) => atKeyword(c, 'when') || atKeyword(c, 'returning'));
  const clauses = readClauses({ cursor, lenient, qualifier: targetQualifier(target, targetAlias) });
  refuseReturning(cursor, lenient, 'MERGE');
  if (clauses.length === 0) cursor.fail('MERGE needs at least one WHEN clause');
  expectEnd(cursor, 'MERGE');
  return {
    kind: 'merge',
    target,
    ...(targetAlias === undefined ? {} : { targetAlias }),
    sourceSql,
    ...(sourceAlias === undefined ? {} : { sourceAlias }),
    onSql,
    clauses,
    withSchemaEvolution,
  };
}

/** DuckDB's `AS s(a, b)`; Spark refuses column aliases in MERGE. */
function refuseColumnAliases(cursor: TokenCursor, lenient: boolean, side: string): void {
  if (isPunct(cursor.peek(), '(')) duckdbOnly(cursor, lenient, `MERGE ${side} alias cannot name columns`);
}

/** ( query ) | 'file' | delta.`p` | name[.name…] [( arguments )] [VERSION|TIMESTAMP AS OF …] */
function readSource(cursor: TokenCursor): string {
  const first = cursor.peek();
  if (first === undefined) return cursor.fail('MERGE USING expects a table or a parenthesised query');
  if (isSymbol(first, '(')) {
    if (!startsQuery(cursor, 1)) cursor.fail('MERGE USING ( expects a query', cursor.peek(1));
    readBracketed(cursor);
  } else if (first.kind === 'string') {
    cursor.next();
  } else {
    const ref = readTableRef(cursor, 'MERGE USING');
    if (ref.kind === 'name' && isPunct(cursor.peek(), '(')) readBracketed(cursor);
    readSourceTimeTravel(cursor);
  }
  const last = cursor.peek(-1) as Token;
  return cursor.sql.slice(first.start, last.end);
}

/** ( … ) as written, the cursor on the '('. */
function readBracketed(cursor: TokenCursor): void {
  const open = cursor.next() as Token;
  readSqlFragment(cursor, () => false);
  if (!isPunct(cursor.peek(), ')')) cursor.fail('unclosed (', open);
  cursor.next();
}

/** VERSION AS OF <n> | TIMESTAMP AS OF [TIMESTAMP|DATE] '<text>': checked when the source is bound. */
function readSourceTimeTravel(cursor: TokenCursor): void {
  const version = wordsAhead(cursor, 'version', 'as', 'of');
  if (!version && !wordsAhead(cursor, 'timestamp', 'as', 'of')) return;
  skip(cursor, 3);
  if (!version && (isWord(cursor.peek(), 'timestamp') || isWord(cursor.peek(), 'date')) && cursor.peek(1)?.kind === 'string') cursor.next();
  const value = cursor.peek();
  if (value === undefined || (value.kind !== 'number' && value.kind !== 'string')) {
    cursor.fail(version ? 'MERGE USING … VERSION AS OF expects a version' : 'MERGE USING … TIMESTAMP AS OF expects a timestamp string');
  }
  cursor.next();
}

/** WHEN … THEN … clauses in the order written, while the next word is WHEN. */
function readClauses(m: MergeContext): MergeClause[] {
  const { cursor } = m;
  const clauses: MergeClause[] = [];
  // The clause without a condition seen so far, per kind: another of the same kind may not follow.
  const unconditioned = new Map<When, Token>();
  while (atKeyword(cursor, 'when')) {
    const whenToken = cursor.next() as Token;
    const when = readWhen(cursor);
    const open = unconditioned.get(when);
    if (open !== undefined) {
      const label = LABELS[when];
      cursor.fail(`when there are more than one ${label} clauses in a MERGE statement, only the last ${label} clause can omit the condition`, open);
    }
    let conditionSql: string | undefined;
    if (atKeyword(cursor, 'and')) {
      cursor.next();
      conditionSql = readRequiredSql(cursor, `MERGE WHEN ${LABELS[when]} AND`, 'a condition', (c) => atKeyword(c, 'then'));
    } else {
      unconditioned.set(when, whenToken);
    }
    expectWord(cursor, 'then', `MERGE WHEN ${LABELS[when]}${conditionSql === undefined ? '' : ' AND <condition>'}`);
    clauses.push(readClause(m, when, conditionSql));
  }
  return clauses;
}

/** MATCHED | NOT MATCHED [BY TARGET] | NOT MATCHED BY SOURCE */
function readWhen(cursor: TokenCursor): When {
  if (acceptWord(cursor, 'matched')) return 'matched';
  if (!acceptWord(cursor, 'not', 'matched')) return cursor.fail('MERGE WHEN expects MATCHED, NOT MATCHED or NOT MATCHED BY SOURCE');
  if (!acceptWord(cursor, 'by')) return 'not_matched';
  if (acceptWord(cursor, 'target')) return 'not_matched';
  if (acceptWord(cursor, 'source')) return 'not_matched_by_source';
  return cursor.fail('MERGE WHEN NOT MATCHED BY expects TARGET or SOURCE');
}

function readClause(m: MergeContext, when: When, conditionSql: string | undefined): MergeClause {
  const condition = conditionSql === undefined ? {} : { conditionSql };
  if (when === 'not_matched') return { when, ...condition, action: readNotMatchedAction(m) };
  if (when === 'matched') return { when, ...condition, action: readMatchedAction(m, when) };
  return { when, ...condition, action: readMatchedAction(m, when) };
}

/** The stop of a SET value or INSERT list: the next clause, or DuckDB's RETURNING. */
function clauseEnds(c: TokenCursor): boolean {
  return atKeyword(c, 'when') || atKeyword(c, 'returning');
}

type BySourceAction = Extract<MergeClause, { when: 'not_matched_by_source' }>['action'];

/** UPDATE SET * | UPDATE SET col = value, … | DELETE, after WHEN [NOT] MATCHED [BY SOURCE] … THEN. */
function readMatchedAction(m: MergeContext, when: 'matched'): MatchedAction;
function readMatchedAction(m: MergeContext, when: 'not_matched_by_source'): BySourceAction;
function readMatchedAction(m: MergeContext, when: When): MatchedAction {
  const { cursor } = m;
  const label = LABELS[when];
  const verb = cursor.peek();
  if (isWord(verb, 'delete')) {
    cursor.next();
    return { kind: 'delete' };
  }
  if (!isWord(verb, 'update')) return refuseAction(m, `MERGE WHEN ${label} THEN expects UPDATE or DELETE`);
  cursor.next();
  if (!atKeyword(cursor, 'set')) return duckdbOnly(cursor, m.lenient, `MERGE WHEN ${label} THEN UPDATE expects SET * or SET <column> = <value>`);
  cursor.next();
  const star = cursor.peek();
  if (star?.kind === 'op' && star.text === '*') {
    if (when === 'not_matched_by_source') cursor.fail('MERGE WHEN NOT MATCHED BY SOURCE cannot UPDATE SET * (there is no source row)');
    cursor.next();
    if (atKeyword(cursor, 'except')) cursor.fail('MERGE UPDATE SET * EXCEPT is not supported; list the columns to set');
    return { kind: 'update_all' };
  }
  return { kind: 'update', assignments: readAssignments(cursor, `MERGE WHEN ${label} THEN UPDATE SET`, m.qualifier, clauseEnds) };
}

/** INSERT * | INSERT [(col, …)] VALUES (value, …), after WHEN NOT MATCHED [BY TARGET] … THEN. */
function readNotMatchedAction(m: MergeContext): NotMatchedAction {
  const { cursor } = m;
  const what = 'MERGE WHEN NOT MATCHED THEN INSERT';
  if (!isWord(cursor.peek(), 'insert')) return refuseAction(m, 'MERGE WHEN NOT MATCHED THEN expects INSERT');
  cursor.next();
  const star = cursor.peek();
  if (star?.kind === 'op' && star.text === '*') {
    cursor.next();
    if (atKeyword(cursor, 'except')) cursor.fail('MERGE INSERT * EXCEPT is not supported; list the columns to insert');
    return { kind: 'insert_all' };
  }
  const columns = isPunct(cursor.peek(), '(') ? readInsertColumns(m, what) : undefined;
  if (!atKeyword(cursor, 'values')) return duckdbOnly(cursor, m.lenient, `${what} expects * or (<columns>) VALUES (<values>)`);
  cursor.next();
  const valuesAt = cursor.peek();
  const valuesSql = readValues(cursor, `${what} VALUES`);
  if (columns !== undefined && columns.length !== valuesSql.length) {
    cursor.fail(`${what} lists ${columns.length} column${columns.length === 1 ? '' : 's'} but ${valuesSql.length} value${valuesSql.length === 1 ? '' : 's'}`, valuesAt);
  }
  return columns === undefined ? { kind: 'insert', valuesSql } : { kind: 'insert', columns, valuesSql };
}

/** DO NOTHING, ERROR and actions of another clause kind are DuckDB's; anything else is malformed. */
function refuseAction(m: MergeContext, message: string): never {
  const { cursor } = m;
  const verb = cursor.peek();
  if (wordsAhead(cursor, 'do', 'nothing') || isWord(verb, 'error')) {
    const action = isWord(verb, 'error') ? 'ERROR' : 'DO NOTHING';
    duckdbOnly(cursor, m.lenient, `MERGE … THEN ${action} is not supported for Delta tables`);
  }
  if (['update', 'delete', 'insert'].some((w) => isWord(verb, w))) duckdbOnly(cursor, m.lenient, message);
  return cursor.fail(message);
}

/** ( col, … ): top-level target columns, optionally qualified by the target's alias or name. */
function readInsertColumns(m: MergeContext, what: string): string[] {
  const { cursor } = m;
  cursor.expectPunct('(', `${what} column list`);
  const columns: string[] = [];
  do {
    if (columns.length > 0) cursor.next();
    const at = cursor.peek();
    const path = withoutQualifier(readColumnPath(cursor, `${what} column list`), m.qualifier);
    const [column] = path;
    if (path.length !== 1 || column === undefined) return cursor.fail(`${what} expects top-level columns of the target table, not ${showPath(path)}`, at);
    if (columns.some((c) => c.toLowerCase() === column.toLowerCase())) cursor.fail(`${what} names column ${column} twice`, at);
    columns.push(column);
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', `${what} column list`);
  return columns;
}

/** ( value, … ) with at least one value, each kept as written. */
function readValues(cursor: TokenCursor, what: string): string[] {
  cursor.expectPunct('(', what);
  const values: string[] = [];
  do {
    if (values.length > 0) cursor.next();
    values.push(readRequiredSql(cursor, what, 'a value', (c) => isPunct(c.peek(), ',')));
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return values;
}
