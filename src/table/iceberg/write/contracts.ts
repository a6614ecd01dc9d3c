import type { Session } from '../../../engine/index.js';
import type { StructType } from '../../../expr/types.js';
import type { DataFile, IcebergSchema, LiveEntry, PartitionSpec, Snapshot, SnapshotOperation, TableMetadata } from '../../../formats/iceberg/model.js';
import type { TableRequirement, TableUpdate } from '../../../formats/iceberg/spec/updates.js';

/**
 * Where an Iceberg table's current metadata pointer lives, and the one atomic step that moves
 * it. Two implementations: path tables (the pointer is the highest `metadata/v<N>.metadata.json`,
 * moved by put-if-absent of `v<N+1>` followed by a best-effort `version-hint.text` rewrite) and
 * catalog tables (the pointer is the `metadataLocation` of the table's metastore document, moved
 * by compare-and-swap of the document revision).
 *
 * Contract:
 * - `load()` returns the current metadata and the file it was read from, or undefined when the
 *   table has no metadata yet.
 * - `commit(base, next)` writes `next` as a new metadata file and moves the pointer from `base`
 *   (the metadata file `load` returned; undefined for a create) to it, atomically: of concurrent
 *   commits from the same base exactly one returns 'committed'; the others return 'conflict' and
 *   leave nothing visible (an unreferenced metadata file may remain; orphan cleanup removes it).
 *   Failures of storage/metastore throw LochError (STORAGE_ERROR, retryable when the backend says).
 */
export interface IcebergCommitter {
  load(): Promise<{ readonly metadata: TableMetadata; readonly metadataFile: string } | undefined>;
  commit(base: string | undefined, next: TableMetadata): Promise<{ readonly outcome: 'committed'; readonly metadataFile: string } | { readonly outcome: 'conflict' }>;
}

/** A partition field as written in `PARTITIONED BY (days(ts), bucket(16, id), truncate(4, s), region)`. */
export interface PartitionTerm {
  /** Iceberg transform text: identity, bucket[16], truncate[4], year, month, day, hour, void. */
  readonly transform: string;
  /** The source column (top-level logical name). */
  readonly column: string;
}

export type IcebergCreateMode = 'create' | 'if_not_exists' | 'or_replace' | 'replace';

export interface IcebergCreateOptions {
  readonly mode: IcebergCreateMode;
  /** Columns; from the query when `asSelect` is given without them. */
  readonly schema?: StructType;
  readonly partitionBy?: readonly PartitionTerm[];
  /** Table properties; `format-version` (default '2') and write.*.mode among them. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly comment?: string;
  readonly asSelect?: { readonly sql: string; readonly session: Session };
}

/** How `IcebergTransaction.writeRows` reads its source. */
export interface IcebergWriteRowsOptions {
  /** Source columns matched to the table's by name (default: by position in table order). */
  readonly byName?: boolean;
  /** INSERT INTO t (a, b): the source gives these columns in order, the rest are NULL. */
  readonly columns?: readonly string[];
  /**
   * v3 row lineage (added by K): the source also gives `_row_id` and
   * `_last_updated_sequence_number` (after the table's columns, or by name), stored in the files
   * with their reserved field ids; NULL means not stored. INVALID_ARGUMENT on tables below v3.
   */
  readonly rowLineage?: boolean;
}

/** What a commit did (one Iceberg snapshot, or none when nothing changed). */
export type IcebergCommitOutcome =
  | { readonly kind: 'committed'; readonly snapshot: Snapshot; readonly metadataFile: string; readonly rows: { readonly added: number; readonly deleted: number } }
  /** Added by G: a metadata-only commit (schema, spec or property change; no new snapshot). */
  | { readonly kind: 'metadata'; readonly metadataFile: string }
  | { readonly kind: 'noop' };

/**
 * One write to an Iceberg table, optimistic: reads the current metadata at `begin`, stages data
 * and delete files (written at once, under `<location>/data/`), and commits one snapshot through
 * the IcebergCommitter. On 'conflict' the commit re-reads the table, re-checks what the staged
 * change depends on (spec §Commit Conflict Resolution: appends always re-apply; removed files
 * must still be live; delete files must target still-live data files; the schema and partition
 * spec must be unchanged) and retries; a true conflict throws CONFLICT naming the table.
 */
export interface IcebergTransaction {
  /** The metadata this transaction started from (undefined: the table does not exist). */
  readonly base: TableMetadata | undefined;
  readonly snapshot: Snapshot | undefined;
  readonly schema: IcebergSchema;
  readonly spec: PartitionSpec;
  readonly lochSchema: StructType;
  /** Live data and delete entries of `snapshot` (read once, cached). */
  liveEntries(): Promise<{ readonly data: readonly LiveEntry[]; readonly deletes: readonly LiveEntry[] }>;
  /**
   * Writes the rows of `sourceSql` (columns by position in table order, or by name with
   * `byName`) as data files of the current spec, partitioned by its transforms, with field ids
   * and Iceberg column metrics; stages them as added. Returns the rows written. `columns` (added
   * by G): INSERT INTO t (a, b): the source gives these columns in order, the rest are NULL.
   */
  writeRows(session: Session, sourceSql: string, options?: IcebergWriteRowsOptions): Promise<number>;
  /** Stages already-written files (data, position deletes, DVs) as added. */
  addFiles(files: readonly DataFile[]): void;
  /** Stages live entries (data or delete files) as removed. */
  removeFiles(entries: readonly LiveEntry[]): void;
  /** Stages schema/spec/property changes (REST-shaped updates) with the requirements they rest on. */
  addUpdates(updates: readonly TableUpdate[], requirements?: readonly TableRequirement[]): void;
  /** Commits one snapshot with `operation` (or only metadata updates when no file changed). */
  commit(operation?: SnapshotOperation): Promise<IcebergCommitOutcome>;
}
