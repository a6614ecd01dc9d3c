import { LochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import type { EqualityDeleteSet, ScanSpec } from '../../../engine/index.js';
import type { Expr } from '../../../expr/nodes.js';
import { PathRewriter } from '../../../formats/iceberg/metadata/paths.js';
import type { LiveEntry, TableMetadata } from '../../../formats/iceberg/model.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { planIcebergScan } from '../scan-planner.js';
import type { PlannedIcebergScan } from '../scan-planner.js';
import type { IcebergFiles } from '../snapshot-files.js';
import type { IcebergTransaction } from './contracts.js';
import { carriesRowLineage } from './row-lineage.js';

/** What every row-level operation on an Iceberg table works with. */
export interface IcebergDmlTarget {
  readonly ctx: TableContext;
  readonly table: TableLocation;
  readonly tx: IcebergTransaction;
}

/** A registered relation over some of the target's files, released when done. */
export interface ScanRelation {
  readonly sql: string;
  release(): Promise<void>;
}

/**
 * The rows of the live data files that may match a filter, each with its identity:
 * `__loch_file` indexes `entries`, `__loch_row` is the row's position in that data file (what a
 * position delete or a deletion vector names). Rows already deleted are not in the relation.
 */
export interface IcebergTargetScan extends ScanRelation {
  readonly entries: readonly LiveEntry[];
  /**
   * v3 row lineage: the relation (and every subset) also has `_row_id` and
   * `_last_updated_sequence_number` (the rows' current values), and rows written again must
   * carry them (see removeIcebergRows).
   */
  readonly rowLineage: boolean;
  /** Positions already deleted per file (deletion vector or position deletes), ascending. */
  readonly deleted: readonly (ArrayLike<number> | undefined)[];
  /**
   * A relation over just the files `indexes` (into `entries`), read as the full scan reads them;
   * its `__loch_file` is the position in `indexes`.
   */
  subset(indexes: readonly number[]): Promise<ScanRelation>;
}

/** The table's files as the read path resolves them, for the transaction's base metadata. */
export function dmlFiles(target: IcebergDmlTarget, metadata: TableMetadata): IcebergFiles {
  const paths = new PathRewriter({ tableLocation: target.table.store.url, metadataLocation: metadata.location });
  return { table: target.table, metadata, paths };
}

/**
 * Plans and registers the scan of the transaction's snapshot with row identity, pruned by
 * `filter` (partition tuples, manifest summaries and column bounds), read with the transaction's
 * schema; on v3 tables with the rows' lineage. A table without a snapshot gives an empty relation.
 */
export async function scanIcebergTarget(target: IcebergDmlTarget, session: Session, filter: Expr | undefined): Promise<IcebergTargetScan> {
  const { tx } = target;
  const base = tx.base;
  if (base === undefined) throw new Error('unreachable: row-level change of a table that does not exist');
  const rowLineage = carriesRowLineage(base, tx.lochSchema);
  const planned = await planIcebergScan(target.ctx, dmlFiles(target, base), tx.snapshot, tx.schema, { rowIdentity: true, rowLineage, ...(filter !== undefined ? { filter } : {}) });
  try {
    if (planned.specs.length !== 1) {
      // Files that spell a renamed struct field differently are separate engine scans; a row-level
      // change addresses files of one scan.
      throw new LochError('UNSUPPORTED_FEATURE', `iceberg: table ${target.table.name}: a row-level change over files written before and after a nested field was renamed; rewrite the table first (OPTIMIZE)`);
    }
    const spec = planned.specs[0] as ScanSpec;
    const whole = await register(session, planned, spec);
    return {
      entries: planned.entries,
      rowLineage,
      deleted: spec.files.map((f) => f.deletedRows),
      sql: whole.sql,
      subset: (indexes) => register(session, planned, subsetSpec(spec, indexes)),
      release: async () => {
        try {
          await whole.release();
        } finally {
          planned.release();
        }
      },
    };
  } catch (error) {
    planned.release();
    throw error;
  }
}

async function register(session: Session, planned: PlannedIcebergScan, spec: ScanSpec): Promise<ScanRelation> {
  const registered = await session.registerScan(spec);
  return { sql: planned.compose([registered.sql]), release: () => registered.dispose() };
}

/** The scan of some of `spec`'s files: equality delete sets re-indexed onto them. */
function subsetSpec(spec: ScanSpec, indexes: readonly number[]): ScanSpec {
  const position = new Map(indexes.map((old, i) => [old, i]));
  const sets: EqualityDeleteSet[] = (spec.equalityDeletes ?? [])
    .map((s) => ({ ...s, appliesTo: s.appliesTo.flatMap((i) => (position.has(i) ? [position.get(i) as number] : [])) }))
    .filter((s) => s.appliesTo.length > 0);
  const { equalityDeletes: _dropped, ...rest } = spec;
  return { ...rest, files: indexes.map((i) => spec.files[i] as ScanSpec['files'][number]), ...(sets.length > 0 ? { equalityDeletes: sets } : {}) };
}
