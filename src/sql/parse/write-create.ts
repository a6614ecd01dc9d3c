import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import {
  acceptWord,
  constraintLabel,
  duckdbOnly,
  expectEnd,
  isKeyword,
  readColumnDef,
  readIdentifier,
  readIdentifierList,
  readParenthesizedSql,
  readProperties,
  readQueryToEnd,
  readTableRef,
  skip,
  type ColumnDef,
} from './write-clauses.js';
import type { CheckConstraint, ConvertToDeltaStatement, CreateTableStatement } from './write-statements.js';

/**
 * CREATE [OR REPLACE] TABLE, REPLACE TABLE and CONVERT TO DELTA (see `parseWriteStatement`).
 * Each reader starts with the cursor on the statement's first word.
 */

/** CREATE [OR REPLACE] TABLE …; undefined for CREATE of anything but a TABLE (TEMP, VIEW, MACRO, SCHEMA…). */
export function readCreate(cursor: TokenCursor): CreateTableStatement | undefined {
  cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  // TEMP tables, views, macros, schemas… are DuckDB's; so is everything but TABLE.
  if (!isWord(cursor.peek(), 'table')) return undefined;
  cursor.next();
  const what = orReplace ? 'CREATE OR REPLACE TABLE' : 'CREATE TABLE';
  return readTableDefinition(cursor, { what, orReplace, mustExist: false });
}

/** REPLACE TABLE …: like CREATE OR REPLACE TABLE, but the table must exist. */
export function readReplaceTable(cursor: TokenCursor): CreateTableStatement {
  skip(cursor, 2);
  return readTableDefinition(cursor, { what: 'REPLACE TABLE', orReplace: true, mustExist: true });
}

interface CreateHead {
  readonly what: string;
  readonly orReplace: boolean;
  readonly mustExist: boolean;
}

/** [IF NOT EXISTS] <ref> [( elements )] clauses… [AS query] */
function readTableDefinition(cursor: TokenCursor, head: CreateHead): CreateTableStatement {
  const { what } = head;
  const ifToken = cursor.peek();
  const ifNotExists = acceptWord(cursor, 'if', 'not', 'exists');
  if (ifNotExists && head.orReplace) cursor.fail(`${what} cannot be combined with IF NOT EXISTS`, ifToken);
  const target = readTableRef(cursor, what);
  const lenient = target.kind === 'name';
  const elements = isPunct(cursor.peek(), '(') ? readTableElements(cursor, what, lenient) : undefined;
  const clauses = readCreateClauses(cursor, what, lenient, elements?.columns ?? []);
  const columns = mergeColumns(elements?.columns, clauses.partitionColumns);
  return {
    kind: 'create_table',
    target,
    orReplace: head.orReplace,
    mustExist: head.mustExist,
    ifNotExists,
    ...(columns === undefined ? {} : { columns }),
    constraints: elements?.constraints ?? [],
    ...(clauses.using === undefined ? {} : { using: clauses.using }),
    partitionedBy: clauses.partitionedBy ?? [],
    ...(clauses.partitionTransforms === undefined ? {} : { partitionTransforms: clauses.partitionTransforms }),
    ...(clauses.clusterBy === undefined ? {} : { clusterBy: clauses.clusterBy }),
    ...(clauses.location === undefined ? {} : { location: clauses.location }),
    ...(clauses.comment === undefined ? {} : { comment: clauses.comment }),
    properties: clauses.properties ?? {},
    ...(clauses.asQuery === undefined ? {} : { asQuery: clauses.asQuery }),
  };
}

interface TableElements {
  readonly columns: ColumnDef[];
  readonly constraints: CheckConstraint[];
}

/** ( column definitions and CONSTRAINT n CHECK (…), in any order ) */
function readTableElements(cursor: TokenCursor, what: string, lenient: boolean): TableElements {
  cursor.expectPunct('(', what);
  const columns: ColumnDef[] = [];
  const constraints: CheckConstraint[] = [];
  do {
    if (columns.length + constraints.length > 0) cursor.next();
    const at = cursor.peek();
    if (isTableConstraint(cursor)) {
      const constraint = readTableConstraint(cursor, what, lenient);
      if (constraints.some((c) => c.name.toLowerCase() === constraint.name.toLowerCase())) {
        cursor.fail(`${what} has two constraints named ${constraint.name}`, at);
      }
      constraints.push(constraint);
    } else {
      const column = readColumnDef(cursor, what, lenient);
      if (columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase())) cursor.fail(`${what} has two columns named ${column.name}`, at);
      columns.push(column);
    }
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', `${what} column list`);
  return { columns, constraints };
}

const CONSTRAINT_KINDS = ['check', 'primary', 'unique', 'foreign'];

/** CONSTRAINT n <kind>…, or an unnamed PRIMARY KEY (…) / UNIQUE (…) / CHECK (…) / FOREIGN KEY (…). */
function isTableConstraint(cursor: TokenCursor): boolean {
  if (isWord(cursor.peek(), 'constraint')) return CONSTRAINT_KINDS.some((kind) => isWord(cursor.peek(2), kind));
  return (
    wordsAhead(cursor, 'primary', 'key') ||
    wordsAhead(cursor, 'foreign', 'key') ||
    ((isWord(cursor.peek(), 'unique') || isWord(cursor.peek(), 'check')) && isPunct(cursor.peek(1), '('))
  );
}

function readTableConstraint(cursor: TokenCursor, what: string, lenient: boolean): CheckConstraint {
  const start = cursor.peek();
  if (!isKeyword(start, 'constraint')) {
    const message = isKeyword(start, 'check')
      ? `${what}: a CHECK constraint needs a name (CONSTRAINT <name> CHECK (…))`
      : `${what}: ${constraintLabel(start?.text ?? '')} constraints are not supported in Delta tables`;
    return duckdbOnly(cursor, lenient, message);
  }
  cursor.next();
  const name = readIdentifier(cursor, `${what} CONSTRAINT`);
  if (!isWord(cursor.peek(), 'check')) {
    return duckdbOnly(cursor, lenient, `${what}: ${constraintLabel(cursor.peek()?.text ?? '')} constraints are not supported in Delta tables`);
  }
  cursor.next();
  return { name, checkSql: readParenthesizedSql(cursor, `CONSTRAINT ${name} CHECK`) };
}

interface CreateClauses {
  using?: string;
  partitionedBy?: string[];
  partitionColumns?: ColumnDef[];
  partitionTransforms?: { transform: string; column: string }[];
  clusterBy?: string[];
  location?: string;
  comment?: string;
  properties?: Record<string, string>;
  asQuery?: string;
}

/** The clauses after the column list, in any order, each at most once; AS <query> ends them. */
function readCreateClauses(cursor: TokenCursor, what: string, lenient: boolean, listed: readonly ColumnDef[]): CreateClauses {
  const clauses: CreateClauses = {};
  while (!cursor.atEnd()) {
    const token = cursor.peek();
    const key = clauseKey(cursor);
    if (key === undefined) return cursor.fail(`unexpected ${token?.text ?? ''} in ${what}`);
    if (clauses[key] !== undefined) cursor.fail(`${what} has two ${CLAUSE_NAMES[key]} clauses`);
    readClause(cursor, { what, lenient, listed }, key, clauses);
  }
  if (clauses.partitionedBy !== undefined && clauses.clusterBy !== undefined) {
    cursor.fail(`${what} cannot have both PARTITIONED BY and CLUSTER BY`);
  }
  return clauses;
}

type ClauseKey = 'using' | 'partitionedBy' | 'clusterBy' | 'location' | 'comment' | 'properties' | 'asQuery';

const CLAUSE_NAMES: Readonly<Record<ClauseKey, string>> = {
  using: 'USING',
  partitionedBy: 'PARTITIONED BY',
  clusterBy: 'CLUSTER BY',
  location: 'LOCATION',
  comment: 'COMMENT',
  properties: 'TBLPROPERTIES',
  asQuery: 'AS',
};

function clauseKey(cursor: TokenCursor): ClauseKey | undefined {
  if (wordsAhead(cursor, 'partitioned', 'by')) return 'partitionedBy';
  if (wordsAhead(cursor, 'cluster', 'by')) return 'clusterBy';
  const token = cursor.peek();
  const word = token?.kind === 'word' ? token.text.toLowerCase() : '';
  const simple: Readonly<Record<string, ClauseKey>> = {
    using: 'using',
    location: 'location',
    comment: 'comment',
    tblproperties: 'properties',
    as: 'asQuery',
  };
  return Object.hasOwn(simple, word) ? simple[word] : undefined;
}

interface ClauseContext {
  readonly what: string;
  readonly lenient: boolean;
  /** The columns of the column list, which typed partition columns must not repeat. */
  readonly listed: readonly ColumnDef[];
}

function readClause(cursor: TokenCursor, context: ClauseContext, key: ClauseKey, into: CreateClauses): void {
  const { what, lenient, listed } = context;
  const keyword = cursor.next();
  switch (key) {
    case 'using':
      into.using = readIdentifier(cursor, `${what} USING`).toLowerCase();
      return;
    case 'partitionedBy': {
      cursor.next();
      const partitions = readPartitionColumns(cursor, `${what} PARTITIONED BY`, lenient, listed);
      into.partitionedBy = partitions.names;
      into.partitionColumns = partitions.columns;
      if (partitions.transforms !== undefined) into.partitionTransforms = partitions.transforms;
      return;
    }
    case 'clusterBy':
      cursor.next();
      into.clusterBy = readClusterBy(cursor, `${what} CLUSTER BY`);
      return;
    case 'location':
      into.location = cursor.readString(`${what} LOCATION`);
      if (into.location === '') cursor.fail(`${what} LOCATION expects a non-empty path`, cursor.peek(-1));
      return;
    case 'comment':
      into.comment = cursor.readString(`${what} COMMENT`);
      return;
    case 'properties':
      into.properties = readProperties(cursor, `${what} TBLPROPERTIES`);
      return;
    case 'asQuery':
      into.asQuery = readQueryToEnd(cursor, `${what} ${keyword?.text ?? 'AS'}`);
      return;
  }
}

function readClusterBy(cursor: TokenCursor, what: string): string[] {
  if (isWord(cursor.peek(), 'none')) {
    cursor.next();
    return [];
  }
  if (isWord(cursor.peek(), 'auto')) cursor.fail(`${what} AUTO is not supported`);
  return readIdentifierList(cursor, what);
}

interface PartitionColumns {
  readonly names: string[];
  readonly columns: ColumnDef[];
  /** Present when any term is a transform call. */
  readonly transforms?: { transform: string; column: string }[];
}

/** Spark's partition transform names → Iceberg transform names (bucket/truncate take a width). */
export const TRANSFORMS: Readonly<Record<string, string>> = {
  years: 'year', year: 'year', months: 'month', month: 'month', days: 'day', day: 'day', date: 'day',
  hours: 'hour', hour: 'hour', date_hour: 'hour', bucket: 'bucket', truncate: 'truncate', identity: 'identity', void: 'void',
};

function readPartitionColumns(cursor: TokenCursor, what: string, lenient: boolean, listed?: readonly ColumnDef[]): PartitionColumns {
  cursor.expectPunct('(', what);
  const names: string[] = [];
  const columns: ColumnDef[] = [];
  const terms: { transform: string; column: string }[] = [];
  let anyTransform = false;
  const known = (name: string, among: readonly { name: string }[] | readonly string[]): boolean =>
    among.some((n) => (typeof n === 'string' ? n : n.name).toLowerCase() === name.toLowerCase());
  do {
    if (names.length > 0 || terms.length > 0) cursor.next();
    const at = cursor.peek();
    const transformName = at?.kind === 'word' && isPunct(cursor.peek(1), '(') ? TRANSFORMS[at.text.toLowerCase()] : undefined;
    if (transformName !== undefined) {
      anyTransform = true;
      terms.push(readTransformTerm(cursor, transformName, what));
      continue;
    }
    const bare = isPunct(cursor.peek(1), ',') || isPunct(cursor.peek(1), ')');
    if (bare && listed === undefined) cursor.fail(`${what} expects a type after column ${at?.text ?? ''}`, cursor.peek(1));
    const column = bare ? undefined : readColumnDef(cursor, what, lenient);
    const name = column?.name ?? readIdentifier(cursor, what);
    if (known(name, names)) cursor.fail(`${what} names column ${name} twice`, at);
    if (column !== undefined && known(name, listed ?? [])) cursor.fail(`${what} defines column ${name}, which the column list defines already`, at);
    names.push(name);
    terms.push({ transform: 'identity', column: name });
    if (column !== undefined) columns.push(column);
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  if (!anyTransform) return { names, columns };
  if (columns.length > 0) cursor.fail(`${what} cannot mix partition transforms with typed partition columns`);
  return { names: [...new Set(terms.map((t) => t.column))], columns, transforms: terms };
}

/** name(col) | bucket(N, col) | truncate(N, col) (also truncate(col, N), Spark's older order). */
export function readTransformTerm(cursor: TokenCursor, transform: string, what: string): { transform: string; column: string } {
  const label = `${what} ${cursor.next()?.text ?? ''}(…)`;
  cursor.expectPunct('(', label);
  let width: number | undefined;
  let column: string | undefined;
  for (let arg = 0; !isPunct(cursor.peek(), ')'); arg++) {
    if (arg > 0) cursor.expectPunct(',', label);
    if (cursor.peek()?.kind === 'number') width = cursor.readNonNegativeInteger(label);
    else column = readIdentifier(cursor, label);
  }
  cursor.expectPunct(')', label);
  if (column === undefined) cursor.fail(`${label} expects a column`);
  const takesWidth = transform === 'bucket' || transform === 'truncate';
  if (takesWidth && (width === undefined || width <= 0)) cursor.fail(`${label} expects a positive width`);
  if (!takesWidth && width !== undefined) cursor.fail(`${label} takes only a column`);
  return { transform: takesWidth ? `${transform}[${width}]` : transform, column: column as string };
}

/** The column list with the typed partition columns appended; undefined when there are neither. */
function mergeColumns(listed: ColumnDef[] | undefined, partitions: ColumnDef[] | undefined): ColumnDef[] | undefined {
  if (listed === undefined && (partitions === undefined || partitions.length === 0)) return undefined;
  return [...(listed ?? []), ...(partitions ?? [])];
}

/** CONVERT TO DELTA <ref> [NO STATISTICS] [PARTITIONED BY (c type, …)] */
export function readConvert(cursor: TokenCursor): ConvertToDeltaStatement {
  const what = 'CONVERT TO DELTA';
  skip(cursor, 3);
  const source = readTableRef(cursor, what);
  const noStatistics = acceptWord(cursor, 'no', 'statistics');
  let partitionSchema: ColumnDef[] | undefined;
  if (acceptWord(cursor, 'partitioned', 'by')) {
    partitionSchema = readPartitionColumns(cursor, `${what} PARTITIONED BY`, false).columns;
  }
  expectEnd(cursor, what);
  return { kind: 'convert_to_delta', source, noStatistics, ...(partitionSchema === undefined ? {} : { partitionSchema }) };
}
