import type { NameParts } from '../parse/catalog-ast.js';
import type { CopyIntoStatement } from '../parse/file-statement.js';
import type { WriteStatement } from '../parse/write-statements.js';

/**
 * A statement whose lineage is to be recorded, as parsed (names as written, resolved later
 * against `LineageEvent.catalog/schema`). Only text reaches the sink: parameter markers stay
 * markers (or `getvariable(…)` calls after binding), never values.
 */
export type LineageStatement =
  /** A query that read tables (target NULL in the lineage tables). */
  | { readonly kind: 'query'; readonly sql: string }
  /** A lake write: CTAS, INSERT [OVERWRITE], MERGE (other kinds are ignored). */
  | { readonly kind: 'write'; readonly statement: WriteStatement }
  /** CREATE VIEW (with its column list, if written), or ALTER VIEW … AS. */
  | { readonly kind: 'view'; readonly statementType: 'CREATE_VIEW' | 'ALTER_VIEW'; readonly name: NameParts; readonly query: string; readonly columns?: readonly string[] }
  | { readonly kind: 'copy_into'; readonly statement: CopyIntoStatement };

/** One succeeded statement, as the executor saw it. */
export interface LineageEvent {
  /** Epoch ms when the statement ran. */
  readonly time: number;
  /** Who ran it (created_by). */
  readonly principal: string;
  /** The session's current catalog and schema when it ran (unqualified names resolve there). */
  readonly catalog: string;
  readonly schema: string;
  readonly statement: LineageStatement;
}

/**
 * Where the statement executors report succeeded writes, view definitions and reads. Must not
 * throw and must not block: the work (parsing, name resolution, writing system.access.*
 * tables) happens later, in batches.
 */
export interface LineageSink {
  recordLineage(event: LineageEvent): void;
}
