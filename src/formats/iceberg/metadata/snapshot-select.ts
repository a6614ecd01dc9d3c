import { LochError } from '../../../core/errors.js';
import type { IcebergSchema, Snapshot, TableMetadata } from '../model.js';
import { schemaById } from '../spec/schema.js';

/** Which snapshot a read uses (current, by id, by ref, as of a time) and with which schema. */

export interface SnapshotSelector {
  readonly snapshotId?: bigint;
  readonly ref?: string;
  readonly timestampMs?: number;
}

const SUB = 'iceberg snapshot';

function unavailable(where: string, message: string, context: Record<string, unknown>): LochError {
  return new LochError('VERSION_NOT_AVAILABLE', `${SUB}: ${where}: ${message}`, { context: { where, ...context } });
}

/**
 * The snapshot a read selects; at most one selector may be given (INVALID_ARGUMENT otherwise).
 * - none: the current snapshot, undefined when the table has none;
 * - `snapshotId`: that snapshot; an id not in `snapshots` → VERSION_NOT_AVAILABLE;
 * - `ref`: the branch or tag's snapshot; an unknown ref → VERSION_NOT_AVAILABLE;
 * - `timestampMs` T: the last snapshot-log entry with timestamp-ms ≤ T (spec Appendix F; the
 *   log records rollbacks, so this is what was current at T); with an empty log, the snapshot
 *   with the greatest timestamp-ms ≤ T. T before every entry → VERSION_NOT_AVAILABLE; an entry
 *   naming an expired snapshot → VERSION_NOT_AVAILABLE.
 * A current snapshot or ref that points at a missing snapshot → PROTOCOL_VIOLATION.
 */
export function selectSnapshot(m: TableMetadata, by: SnapshotSelector, where: string): Snapshot | undefined {
  const given = [by.snapshotId, by.ref, by.timestampMs].filter((v) => v !== undefined).length;
  if (given > 1) throw new LochError('INVALID_ARGUMENT', `${SUB}: ${where}: give at most one of snapshot id, ref and timestamp`, { context: { where } });
  if (by.snapshotId !== undefined) {
    const found = m.snapshots.find((s) => s.snapshotId === by.snapshotId);
    if (found === undefined) throw unavailable(where, `snapshot ${by.snapshotId} does not exist (${m.snapshots.length} snapshots)`, { snapshotId: String(by.snapshotId) });
    return found;
  }
  if (by.ref !== undefined) {
    const ref = m.refs[by.ref];
    if (ref === undefined) {
      throw unavailable(where, `ref "${by.ref}" does not exist (refs: ${Object.keys(m.refs).join(', ') || 'none'})`, { ref: by.ref });
    }
    return mustExist(m, ref.snapshotId, where, `ref "${by.ref}"`);
  }
  if (by.timestampMs !== undefined) return asOf(m, by.timestampMs, where);
  return m.currentSnapshotId === undefined ? undefined : mustExist(m, m.currentSnapshotId, where, 'current-snapshot-id');
}

function mustExist(m: TableMetadata, id: bigint, where: string, what: string): Snapshot {
  const found = m.snapshots.find((s) => s.snapshotId === id);
  if (found === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `${SUB}: ${where}: ${what} points at snapshot ${id}, which is not in the metadata`, {
      context: { where, snapshotId: String(id) },
    });
  }
  return found;
}

function asOf(m: TableMetadata, t: number, where: string): Snapshot {
  let id: bigint | undefined;
  if (m.snapshotLog.length > 0) {
    for (const entry of m.snapshotLog) if (entry.timestampMs <= t) id = entry.snapshotId;
  } else {
    let best: Snapshot | undefined;
    for (const s of m.snapshots) if (s.timestampMs <= t && (best === undefined || s.timestampMs >= best.timestampMs)) best = s;
    id = best?.snapshotId;
  }
  if (id === undefined) {
    const first = m.snapshotLog[0]?.timestampMs ?? Math.min(...m.snapshots.map((s) => s.timestampMs));
    const since = Number.isFinite(first) ? `the first snapshot is from ${first} (${new Date(first).toISOString()})` : 'the table has no snapshots';
    throw unavailable(where, `no snapshot as of ${t} (${isoOrRaw(t)}): ${since}`, { timestampMs: t });
  }
  const found = m.snapshots.find((s) => s.snapshotId === id);
  if (found === undefined) throw unavailable(where, `snapshot ${id}, current as of ${t}, has expired`, { timestampMs: t, snapshotId: String(id) });
  return found;
}

function isoOrRaw(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

/**
 * The schema to read `snapshot` with: the snapshot's own `schema-id` when `useSnapshotSchema`
 * (time travel reads history with the schema of its time) and the snapshot has one; else the
 * current schema. A schema id that names no schema → PROTOCOL_VIOLATION.
 */
export function schemaFor(m: TableMetadata, snapshot: Snapshot | undefined, useSnapshotSchema: boolean): IcebergSchema {
  const id = useSnapshotSchema && snapshot?.schemaId !== undefined ? snapshot.schemaId : m.currentSchemaId;
  return schemaById(m.schemas, id, `table ${m.location}${snapshot ? ` snapshot ${snapshot.snapshotId}` : ''}`);
}
