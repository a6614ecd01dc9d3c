import type { Session } from '../../engine/index.js';
import type { StructField } from '../../expr/types.js';
import type { Cdc } from '../../formats/delta/spec/actions.js';
import { writeDataFiles } from '../write/data-files.js';
import type { WriteTarget } from '../write/data-files.js';

export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

/** One kind of change: a query giving the changed rows with the target's columns by logical name. */
export interface ChangeRows {
  readonly type: ChangeType;
  readonly sql: string;
}

const CHANGE_TYPE: StructField = { name: '_change_type', type: { kind: 'primitive', name: 'string' }, nullable: true, physicalName: '_change_type' };

/**
 * Writes change data files (`_change_data/`, PROTOCOL.md "Change Data Files"): the table's
 * columns plus `_change_type`, partitioned like the table. A commit that has any makes change
 * feed readers use only these, so the caller lists every change of the commit. Table CHECK
 * constraints are not applied: pre-images of deleted rows need not satisfy today's rules.
 */
export async function writeChangeRows(session: Session, ctx: Parameters<typeof writeDataFiles>[0], table: Parameters<typeof writeDataFiles>[1], target: WriteTarget, changes: readonly ChangeRows[]): Promise<Cdc[]> {
  if (changes.length === 0) return [];
  const columns = target.schema.fields.map((f) => `"${f.name.replaceAll('"', '""')}"`).join(', ');
  const union = changes.map((c) => `SELECT ${columns}, '${c.type}' AS "_change_type" FROM (${c.sql})`).join(' UNION ALL ');
  const configuration = Object.fromEntries(Object.entries(target.metadata.configuration).filter(([k]) => !k.startsWith('delta.constraints.')));
  const changeTarget: WriteTarget = {
    ...target,
    schema: { kind: 'struct', fields: [...target.schema.fields.map((f) => ({ ...f, nullable: true })), CHANGE_TYPE] },
    metadata: { ...target.metadata, configuration },
  };
  const written = await writeDataFiles(ctx, table, session, changeTarget, union, { subdir: '_change_data' });
  return written.adds.map((a) => ({ path: a.path, partitionValues: a.partitionValues, size: a.size, dataChange: false }));
}
