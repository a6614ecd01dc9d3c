import { isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { readAlterTable } from './write-alter.js';
import { NotAWriteStatement, statementCursor, type ColumnDef, type TableRef } from './write-clauses.js';
import { readConvert, readCreate, readReplaceTable } from './write-create.js';
import { readInsert } from './write-insert.js';

export type { ColumnDef, TableRef } from './write-clauses.js';

/** CONSTRAINT <name> CHECK (<checkSql>) */
export interface CheckConstraint {
  readonly name: string;
  readonly checkSql: string;
}

/** CREATE [OR REPLACE] TABLE and REPLACE TABLE. */
export interface CreateTableStatement {
  readonly kind: 'create_table';
  readonly target: TableRef;
  /** CREATE OR REPLACE TABLE and REPLACE TABLE. */
  readonly orReplace: boolean;
  /** REPLACE TABLE (without CREATE): replacing requires the table to exist. */
  readonly mustExist: boolean;
  readonly ifNotExists: boolean;
  /** The column list followed by Hive-style typed PARTITIONED BY columns; absent when neither is given. */
  readonly columns?: readonly ColumnDef[];
  readonly constraints: readonly CheckConstraint[];
  /** The USING format, lower-cased ('delta', 'parquet', …). */
  readonly using?: string;
  readonly partitionedBy: readonly string[];
  /** CLUSTER BY (…); CLUSTER BY NONE gives []. */
  readonly clusterBy?: readonly string[];
  readonly location?: string;
  readonly comment?: string;
  readonly properties: Readonly<Record<string, string>>;
  /** The query after AS, as written. */
  readonly asQuery?: string;
}

export interface ConvertToDeltaStatement {
  readonly kind: 'convert_to_delta';
  readonly source: TableRef;
  readonly noStatistics: boolean;
  readonly partitionSchema?: readonly ColumnDef[];
}

/** PARTITION (column [= valueSql], …) of an INSERT. */
export interface PartitionSpecEntry {
  readonly column: string;
  readonly valueSql?: string;
}

export interface InsertStatement {
  readonly kind: 'insert';
  readonly target: TableRef;
  readonly mode: 'append' | 'overwrite' | 'replace_where';
  readonly columns?: readonly string[];
  readonly byName: boolean;
  readonly partitionSpec?: readonly PartitionSpecEntry[];
  readonly replaceWhereSql?: string;
  readonly querySql: string;
}

export interface AddConstraintStatement {
  readonly kind: 'add_constraint';
  readonly target: TableRef;
  readonly name: string;
  readonly checkSql: string;
}

export interface DropConstraintStatement {
  readonly kind: 'drop_constraint';
  readonly target: TableRef;
  readonly name: string;
  readonly ifExists: boolean;
}

export interface AddColumnsStatement {
  readonly kind: 'add_columns';
  readonly target: TableRef;
  readonly columns: readonly ColumnDef[];
}

export interface SetPropertiesStatement {
  readonly kind: 'set_properties';
  readonly target: TableRef;
  readonly properties: Readonly<Record<string, string>>;
}

export interface UnsetPropertiesStatement {
  readonly kind: 'unset_properties';
  readonly target: TableRef;
  readonly keys: readonly string[];
  readonly ifExists: boolean;
}

/** ALTER TABLE … ALTER [COLUMN] c SET NOT NULL (nullable false) / DROP NOT NULL (nullable true). */
export interface SetNullabilityStatement {
  readonly kind: 'set_nullability';
  readonly target: TableRef;
  readonly column: string;
  readonly nullable: boolean;
}

export type WriteStatement =
  | CreateTableStatement
  | ConvertToDeltaStatement
  | InsertStatement
  | AddConstraintStatement
  | DropConstraintStatement
  | AddColumnsStatement
  | SetPropertiesStatement
  | UnsetPropertiesStatement
  | SetNullabilityStatement;

/**
 * Parses ONE statement (trailing semicolons allowed; keywords case-insensitive; comments and
 * whitespace anywhere) when it is a Delta write statement: CREATE [OR REPLACE] TABLE, REPLACE
 * TABLE, CONVERT TO DELTA, INSERT INTO/OVERWRITE (also REPLACE WHERE) or ALTER TABLE with ADD/DROP
 * CONSTRAINT, ADD COLUMN[S], SET/UNSET TBLPROPERTIES or ALTER COLUMN … SET/DROP NOT NULL. Every
 * embedded SQL fragment (queries, CHECK and DEFAULT expressions, partition values) is the exact
 * source slice.
 *
 * Returns undefined for anything else, so the caller falls back to its classifier: other
 * statements, CREATE TEMP/VIEW/MACRO/SCHEMA/…, other ALTER TABLE actions on a plain name, and
 * statements on a plain name that use syntax only DuckDB has (PRIMARY KEY, INSERT OR REPLACE,
 * RETURNING, ON CONFLICT, DEFAULT VALUES, types Delta cannot store). The same syntax on a path
 * target, and malformed statements that are clearly one of these, throw LochError
 * INVALID_ARGUMENT "sql: <what is wrong> at line L column C".
 */
export function parseWriteStatement(sql: string): WriteStatement | undefined {
  const cursor = statementCursor(sql);
  try {
    return readStatement(cursor);
  } catch (error) {
    if (error instanceof NotAWriteStatement) return undefined;
    throw error;
  }
}

function readStatement(cursor: TokenCursor): WriteStatement | undefined {
  const first = cursor.peek();
  if (isWord(first, 'create')) return readCreate(cursor);
  if (wordsAhead(cursor, 'replace', 'table')) return readReplaceTable(cursor);
  if (wordsAhead(cursor, 'convert', 'to', 'delta')) return readConvert(cursor);
  if (isWord(first, 'insert')) return readInsert(cursor);
  if (wordsAhead(cursor, 'alter', 'table')) return readAlterTable(cursor);
  return undefined;
}
