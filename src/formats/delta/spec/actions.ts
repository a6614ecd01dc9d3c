/**
 * The actions of the Delta transaction log (PROTOCOL.md, "Actions"), as plain immutable values.
 *
 * Field names follow the protocol's JSON names so that a writer can serialise an action back as
 * `{[kind]: value}`. 64-bit integers are JavaScript numbers: sizes, times and versions never get
 * near 2^53 in practice. Optional fields that are null in the log are absent here.
 */

/** Partition values as written in the log: column (physical name) → serialised value or null. */
export type PartitionValues = Readonly<Record<string, string | null>>;

export type StringMap = Readonly<Record<string, string>>;

/** PROTOCOL.md "Deletion Vector Descriptor Schema". */
export interface DeletionVectorDescriptor {
  /** 'u': relative UUID-named file, 'i': inline Z85, 'p': absolute path. */
  readonly storageType: 'u' | 'i' | 'p';
  readonly pathOrInlineDv: string;
  /** Byte offset in the DV file; absent for inline DVs (read as 0 for files). */
  readonly offset?: number;
  readonly sizeInBytes: number;
  /** Number of rows the DV removes. */
  readonly cardinality: number;
  readonly maxRowIndex?: number;
}

export interface AddFile {
  /** The path exactly as in the log: a URI, relative to the table root or absolute. */
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** Per-file statistics as the JSON string of the log, untouched (parsed by stats.ts). */
  readonly stats?: string;
  /** `add.stats_parsed` of a checkpoint (struct form), untouched. */
  readonly statsParsed?: Readonly<Record<string, unknown>>;
  /** `add.partitionValues_parsed` of a checkpoint (typed values), untouched. */
  readonly partitionValuesParsed?: Readonly<Record<string, unknown>>;
  readonly tags?: StringMap;
  readonly deletionVector?: DeletionVectorDescriptor;
  readonly baseRowId?: number;
  readonly defaultRowCommitVersion?: number;
  readonly clusteringProvider?: string;
}

export interface RemoveFile {
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: PartitionValues;
  readonly size?: number;
  readonly stats?: string;
  readonly tags?: StringMap;
  readonly deletionVector?: DeletionVectorDescriptor;
  readonly baseRowId?: number;
  readonly defaultRowCommitVersion?: number;
}

export interface Format {
  readonly provider: string;
  readonly options: StringMap;
}

export interface Metadata {
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly format: Format;
  /**
   * The table schema as Spark JSON (parsed by spec/schema.ts); '' when the writer omitted it,
   * which parseDeltaSchema reports as CORRUPT_DATA.
   */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly createdTime?: number;
  /** Table properties; null values of the log are dropped. */
  readonly configuration: StringMap;
}

export interface Protocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

/** Who and what wrote a commit, as far as the writer recorded it in commitInfo. */
export interface CommitProvenance {
  readonly userId?: string;
  readonly userName?: string;
  readonly engineInfo?: string;
  readonly clientVersion?: string;
  readonly isBlindAppend?: boolean;
  readonly readVersion?: number;
  readonly isolationLevel?: string;
  /** User-provided commit message (Spark's `userMetadata`). */
  readonly userMetadata?: string;
}

/** Every CommitProvenance field with its JSON type: the one list that parsing and history walk. */
export const COMMIT_PROVENANCE_FIELDS = {
  userId: 'string',
  userName: 'string',
  engineInfo: 'string',
  clientVersion: 'string',
  isBlindAppend: 'boolean',
  readVersion: 'number',
  isolationLevel: 'string',
  userMetadata: 'string',
} as const satisfies Record<keyof CommitProvenance, 'string' | 'number' | 'boolean'>;

/**
 * Commit provenance. Writers may store any JSON here, so only the well-known fields are typed
 * (and only when they have the expected JSON type); `raw` keeps the whole object.
 */
export interface CommitInfo extends CommitProvenance {
  readonly timestamp?: number;
  readonly inCommitTimestamp?: number;
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly operationMetrics?: Readonly<Record<string, unknown>>;
  readonly txnId?: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** SetTransaction (`txn`): the last version an application committed. */
export interface Txn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export type SetTransaction = Txn;

/** AddCDCFile (`cdc`): a change data file of this commit. */
export interface Cdc {
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly dataChange: boolean;
  readonly tags?: StringMap;
}

export type AddCDCFile = Cdc;

export interface DomainMetadata {
  readonly domain: string;
  readonly configuration: string;
  /** True for a tombstone that deletes the domain. */
  readonly removed: boolean;
}

/** Only in V2 checkpoints. */
export interface CheckpointMetadata {
  readonly version: number;
  readonly tags?: StringMap;
}

/** Only in V2 checkpoints: a parquet file in `_delta_log/_sidecars` holding file actions. */
export interface Sidecar {
  /** URI-encoded; usually just a file name relative to `_delta_log/_sidecars`. */
  readonly path: string;
  readonly sizeInBytes: number;
  readonly modificationTime: number;
  readonly tags?: StringMap;
}

export type Action =
  | { readonly kind: 'add'; readonly add: AddFile }
  | { readonly kind: 'remove'; readonly remove: RemoveFile }
  | { readonly kind: 'metaData'; readonly metaData: Metadata }
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'commitInfo'; readonly commitInfo: CommitInfo }
  | { readonly kind: 'txn'; readonly txn: Txn }
  | { readonly kind: 'cdc'; readonly cdc: Cdc }
  | { readonly kind: 'domainMetadata'; readonly domainMetadata: DomainMetadata }
  | { readonly kind: 'checkpointMetadata'; readonly checkpointMetadata: CheckpointMetadata }
  | { readonly kind: 'sidecar'; readonly sidecar: Sidecar };

export type ActionKind = Action['kind'];

/**
 * The DV's unique id (PROTOCOL.md "Derived Fields"): `<storageType><pathOrInlineDv>[@<offset>]`.
 * Together with the path it identifies a logical file.
 */
export function deletionVectorUniqueId(dv: DeletionVectorDescriptor): string {
  const offset = dv.offset === undefined ? '' : `@${dv.offset}`;
  return `${dv.storageType}${dv.pathOrInlineDv}${offset}`;
}

export { parseAction, parseCommitFile } from './action-parse.js';
