import { LochError } from '../core/errors.js';
import { rowsRelation, type Session } from '../engine/index.js';
import { openIcebergView } from '../table/iceberg/iceberg-table.js';
import type { IcebergSnapshotSelector, IcebergView } from '../table/iceberg/iceberg-table.js';
import { icebergMetadataTable } from '../table/iceberg/metadata-tables.js';
import type { TableContext } from '../table/context.js';
import type { BoundRef } from './bind-lake-refs.js';
import { pruningFilter } from './bind-lake-refs.js';
import type { LakeRef } from './parse/index.js';
import type { RawPredicate } from './pushdown/index.js';

/** Row lineage columns: added to a v3 table's relation when the statement names one of them. */
const LINEAGE = ['_row_id', '_last_updated_sequence_number'];

/**
 * Binds `iceberg_scan(…)` / ``iceberg.`path` `` (optionally a metadata table of it) to a DuckDB
 * relation registered on `session`.
 */
export async function bindIcebergRef(ctx: TableContext, session: Session, ref: LakeRef, predicates: readonly RawPredicate[], mentions: ReadonlySet<string>): Promise<BoundRef> {
  const options = ref.iceberg ?? {};
  const view = await openIcebergView(
    ctx,
    ref.path,
    {
      ...(options.metadataFile !== undefined ? { metadataFile: options.metadataFile } : {}),
      ...(options.movedFrom !== undefined ? { movedFrom: options.movedFrom } : {}),
      ...(options.allowMovedPaths !== undefined ? { allowMovedPaths: options.allowMovedPaths } : {}),
    },
    selectorOf(ref),
  );
  if (options.metadataTable !== undefined) return bindMetadataTable(ctx, view, ref, options.metadataTable);
  const filter = pruningFilter(predicates, view.lochSchema);
  const planned = await view.plan({
    ...(filter !== undefined ? { filter } : {}),
    rowLineage: LINEAGE.some((c) => mentions.has(c)),
  });
  const registered: { dispose(): Promise<void> }[] = [];
  try {
    const sqls: string[] = [];
    for (const spec of planned.specs) {
      const r = await session.registerScan(spec);
      registered.push(r);
      sqls.push(r.sql);
    }
    return {
      replacement: { start: ref.start, end: ref.end, text: planned.compose(sqls) },
      release: planned.release,
      scan: { table: view.files.table.name, version: Number(view.snapshot?.sequenceNumber ?? 0), filesTotal: planned.filesTotal, filesPruned: planned.filesPruned },
    };
  } catch (error) {
    planned.release();
    throw error;
  }
}

function selectorOf(ref: LakeRef): IcebergSnapshotSelector {
  const o = ref.iceberg ?? {};
  if (o.snapshotId !== undefined) {
    try {
      return { snapshotId: BigInt(o.snapshotId) };
    } catch {
      throw new LochError('INVALID_ARGUMENT', `iceberg: snapshot id ${o.snapshotId} is not an integer`);
    }
  }
  if (o.ref !== undefined) return { ref: o.ref };
  if (ref.timestamp !== undefined) return { timestamp: ref.timestamp };
  return {};
}

async function bindMetadataTable(ctx: TableContext, view: IcebergView, ref: LakeRef, name: string): Promise<BoundRef> {
  const table = await icebergMetadataTable(ctx, view, name);
  const relation = await rowsRelation(table.rows, table.schema, `iceberg metadata table ${name}`);
  return { replacement: { start: ref.start, end: ref.end, text: relation.sql }, release: () => void relation.dispose() };
}
