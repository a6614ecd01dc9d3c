import { LochError } from '../../../core/index.js';
import type { LiveEntry, ManifestEntry, ManifestFile } from '../model.js';

/**
 * Applies the spec's metadata inheritance to the entries of one manifest (spec §Manifests,
 * "Sequence Number Inheritance", "First Row ID Inheritance"):
 * - a null snapshot id → the manifest's `added_snapshot_id`;
 * - a null data / file sequence number → the manifest list entry's `sequence_number`, allowed for
 *   ADDED entries and for v1 manifests (sequence number 0) only. An EXISTING/DELETED v2+ entry
 *   without a data sequence number → PROTOCOL_VIOLATION. A missing file sequence number on such an
 *   entry (writers before file_sequence_number existed, e.g. Impala) falls back to the entry's
 *   data sequence number: Loch uses it for nothing that changes a result;
 * - v3 `first_row_id`: a data file with a null first_row_id gets the manifest's first_row_id plus
 *   the record counts of the ADDED/EXISTING data files before it in the manifest that also had a
 *   null one (the range the manifest list writer reserved: added + existing rows); delete files,
 *   DELETED entries and manifests without a first_row_id inherit nothing (undefined).
 * Entries keep their order; DELETED entries are kept (callers skip them for scans).
 */
export function inheritEntries(entries: readonly ManifestEntry[], manifest: ManifestFile, specId: number): LiveEntry[] {
  let nextRowId = manifest.firstRowId;
  return entries.map((entry, index) => {
    const inheritable = entry.status === 'added' || manifest.sequenceNumber === 0;
    const sequenceNumber = entry.sequenceNumber ?? (inheritable ? manifest.sequenceNumber : undefined);
    if (sequenceNumber === undefined) {
      throw new LochError(
        'PROTOCOL_VIOLATION',
        `iceberg manifest: ${manifest.manifestPath}: entry ${index} (${entry.dataFile.filePath}) is ${entry.status} but has no data sequence number to keep`,
        { context: { manifest: manifest.manifestPath, entry: index } },
      );
    }
    const fileSequenceNumber = entry.fileSequenceNumber ?? (inheritable ? manifest.sequenceNumber : sequenceNumber);
    let firstRowId = entry.dataFile.firstRowId;
    if (firstRowId === undefined && nextRowId !== undefined && entry.dataFile.content === 'data' && entry.status !== 'deleted') {
      firstRowId = nextRowId;
      nextRowId += entry.dataFile.recordCount;
    }
    return {
      status: entry.status,
      snapshotId: entry.snapshotId ?? manifest.addedSnapshotId,
      sequenceNumber,
      fileSequenceNumber,
      specId,
      dataFile: entry.dataFile,
      ...(firstRowId === undefined ? {} : { firstRowId }),
    };
  });
}
