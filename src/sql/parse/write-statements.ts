import type { DataType } from '../../expr/types.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { readAlterTable } from './write-alter.js';
import { NotAWriteStatement, statementCursor, type ColumnDef, type TableRef } from './write-clauses.js';
import { readConvert, readCreate, readReplaceTable } from './write-create.js';
import { readCall } from './write-call.js';
import { readDelete, readTruncate, readUpdate } from './write-dml.js';
import { readInsert } from './write-insert.js';
import { readOptimize, readRestore, readVacuum } from './write-maintenance.js';
import { readMerge } from './write-merge.js';

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
  /**
   * Set when PARTITIONED BY uses transforms (Spark's Iceberg syntax: days(ts), bucket(16, id),
   * truncate(4, s), years/months/hours, year/month/day/hour): one term per entry, plain columns
   * as 'identity'. `partitionedBy` then holds the source column names.
   */
  readonly partitionTransforms?: readonly { readonly transform: string; readonly column: string }[];
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

/** SET column = valueSql in UPDATE and MERGE. `path` has one entry for a top-level column, more for a.b.c. */
export interface Assignment {
  readonly path: readonly string[];
  readonly valueSql: string;
}

/** DELETE FROM t [[AS] alias] [WHERE cond]. */
export interface DeleteStatement {
  readonly kind: 'delete';
  readonly target: TableRef;
  readonly alias?: string;
  readonly whereSql?: string;
}

/** UPDATE t [[AS] alias] SET a = x, … [WHERE cond]. */
export interface UpdateStatement {
  readonly kind: 'update';
  readonly target: TableRef;
  readonly alias?: string;
  readonly assignments: readonly Assignment[];
  readonly whereSql?: string;
}

export type MatchedAction = { readonly kind: 'update'; readonly assignments: readonly Assignment[] } | { readonly kind: 'update_all' } | { readonly kind: 'delete' };
export type NotMatchedAction = { readonly kind: 'insert'; readonly columns?: readonly string[]; readonly valuesSql: readonly string[] } | { readonly kind: 'insert_all' };

/** One WHEN clause of MERGE, in the order written. */
export type MergeClause =
  | { readonly when: 'matched'; readonly conditionSql?: string; readonly action: MatchedAction }
  | { readonly when: 'not_matched'; readonly conditionSql?: string; readonly action: NotMatchedAction }
  | { readonly when: 'not_matched_by_source'; readonly conditionSql?: string; readonly action: Exclude<MatchedAction, { kind: 'update_all' }> };

/** MERGE [WITH SCHEMA EVOLUTION] INTO t [[AS] ta] USING source [[AS] sa] ON cond WHEN …. */
export interface MergeStatement {
  readonly kind: 'merge';
  readonly target: TableRef;
  readonly targetAlias?: string;
  /** The source as written: a table reference (delta.`p`, a name) or a parenthesised query. */
  readonly sourceSql: string;
  readonly sourceAlias?: string;
  readonly onSql: string;
  readonly clauses: readonly MergeClause[];
  readonly withSchemaEvolution: boolean;
}

/** OPTIMIZE t [WHERE partition predicate] [ZORDER BY (a, b)]. */
export interface OptimizeStatement {
  readonly kind: 'optimize';
  readonly target: TableRef;
  readonly whereSql?: string;
  readonly zorderBy?: readonly string[];
}

/** VACUUM t [RETAIN n HOURS] [DRY RUN]. */
export interface VacuumStatement {
  readonly kind: 'vacuum';
  readonly target: TableRef;
  readonly retainHours?: number;
  readonly dryRun: boolean;
}

/** RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF 'text'. */
export interface RestoreStatement {
  readonly kind: 'restore';
  readonly target: TableRef;
  readonly version?: number;
  /** The timestamp as a SQL constant expression, as written. */
  readonly timestampSql?: string;
}

/** ALTER TABLE t RENAME COLUMN a TO b (a may be a.b.c for a nested field). */
export interface RenameColumnStatement {
  readonly kind: 'rename_column';
  readonly target: TableRef;
  readonly path: readonly string[];
  readonly newName: string;
}

/** ALTER TABLE t DROP COLUMN[S] [IF EXISTS] a | (a, b). */
export interface DropColumnsStatement {
  readonly kind: 'drop_columns';
  readonly target: TableRef;
  readonly paths: readonly (readonly string[])[];
  readonly ifExists: boolean;
}

/** ALTER TABLE t ALTER|CHANGE [COLUMN] c COMMENT '…' / TYPE t (widening) / SET|DROP NOT NULL handled above. */
export interface AlterColumnStatement {
  readonly kind: 'alter_column';
  readonly target: TableRef;
  readonly path: readonly string[];
  readonly comment?: string;
  readonly type?: DataType;
}

/** ALTER TABLE t CLUSTER BY (a, b) | CLUSTER BY NONE (columns []). */
export interface ClusterByStatement {
  readonly kind: 'cluster_by';
  readonly target: TableRef;
  readonly columns: readonly string[];
}

/** A partition transform term as written: days(ts), bucket(16, id), a bare column (identity). */
export interface PartitionTermSql {
  readonly transform: string;
  readonly column: string;
}

/**
 * ALTER TABLE t ADD PARTITION FIELD term [AS name] | DROP PARTITION FIELD term|name |
 * REPLACE PARTITION FIELD term|name WITH term [AS name] (Spark's Iceberg extensions).
 */
export interface PartitionFieldStatement {
  readonly kind: 'partition_field';
  readonly target: TableRef;
  readonly action: 'add' | 'drop' | 'replace';
  /** ADD: the new term; DROP / REPLACE: the field to remove (a bare word may also be a field name). */
  readonly term: PartitionTermSql;
  /** DROP / REPLACE given a bare word: it may name the partition field. */
  readonly fieldName?: string;
  /** REPLACE: the new term. */
  readonly with?: PartitionTermSql;
  readonly as?: string;
}

/** CALL system.<procedure>(name => value, …): Spark's Iceberg maintenance procedures. */
export interface CallProcedureStatement {
  readonly kind: 'call_procedure';
  /** Lower-cased: expire_snapshots, remove_orphan_files, rewrite_data_files. */
  readonly procedure: string;
  /** Lower-cased argument names; a first positional argument is `table`. */
  readonly args: Readonly<Record<string, { readonly kind: 'string' | 'timestamp'; readonly value: string } | { readonly kind: 'number'; readonly value: number }>>;
}

export type WriteStatement =
  | CreateTableStatement
  | CallProcedureStatement
  | PartitionFieldStatement
  | ConvertToDeltaStatement
  | InsertStatement
  | AddConstraintStatement
  | DropConstraintStatement
  | AddColumnsStatement
  | SetPropertiesStatement
  | UnsetPropertiesStatement
  | SetNullabilityStatement
  | RenameColumnStatement
  | DropColumnsStatement
  | AlterColumnStatement
  | ClusterByStatement
  | DeleteStatement
  | UpdateStatement
  | MergeStatement
  | OptimizeStatement
  | VacuumStatement
  | RestoreStatement;

/**
 * Parses ONE statement (trailing semicolons allowed; keywords case-insensitive; comments and
 * whitespace anywhere) when it is a Delta write statement: CREATE [OR REPLACE] TABLE, REPLACE
 * TABLE, CONVERT TO DELTA, INSERT INTO/OVERWRITE (also REPLACE WHERE), ALTER TABLE with ADD/DROP
 * CONSTRAINT, ADD COLUMN[S], SET/UNSET TBLPROPERTIES or ALTER COLUMN … SET/DROP NOT NULL,
 * DELETE FROM, UPDATE … SET, MERGE [WITH SCHEMA EVOLUTION] INTO … WHEN …, OPTIMIZE [WHERE]
 * [ZORDER BY], VACUUM [RETAIN n HOURS] [DRY RUN] or RESTORE [TABLE] … [TO] VERSION|TIMESTAMP AS
 * OF. Every embedded SQL fragment (queries, CHECK and DEFAULT expressions, partition values,
 * conditions, SET values, the MERGE source) is the exact source slice.
 *
 * Returns undefined for anything else, so the caller falls back to its classifier: other
 * statements (DESCRIBE HISTORY/DETAIL among them), CREATE TEMP/VIEW/MACRO/SCHEMA/…, other ALTER
 * TABLE actions on a plain name, DuckDB's own VACUUM and UPDATE EXTENSIONS, and statements on a
 * plain name that use syntax only DuckDB has (PRIMARY KEY, INSERT OR REPLACE, RETURNING, ON
 * CONFLICT, DEFAULT VALUES, types Delta cannot store, DELETE … USING, UPDATE … FROM, MERGE's
 * DO NOTHING / USING (cols) / INSERT BY NAME …). The same syntax on a path
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
  if (wordsAhead(cursor, 'call', 'system') && isPunct(cursor.peek(2), '.')) return readCall(cursor);
  if (wordsAhead(cursor, 'alter', 'table')) return readAlterTable(cursor);
  if (isWord(first, 'delete')) return readDelete(cursor);
  if (isWord(first, 'truncate')) return readTruncate(cursor);
  if (isWord(first, 'update')) return readUpdate(cursor);
  if (isWord(first, 'merge')) return readMerge(cursor);
  if (isWord(first, 'optimize')) return readOptimize(cursor);
  if (isWord(first, 'vacuum')) return readVacuum(cursor);
  if (isWord(first, 'restore')) return readRestore(cursor);
  return undefined;
}
