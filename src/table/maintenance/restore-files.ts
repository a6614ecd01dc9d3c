import { LochError } from '../../core/errors.js';
import { resolveDvLocation } from '../../formats/delta/deletion-vectors/index.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import type { TableContext } from '../context.js';
import type { FileRef, TableLocation } from '../location.js';
import { resolveLogPath } from '../location.js';
import { mapLimit } from '../parallel.js';

/** Missing files named in the error, at most (Delta names the first 100). */
const NAMED = 10;

/** The objects an add needs: its data file and, when stored in a file, its deletion vector. */
function neededObjects(table: TableLocation, add: AddFile): { ref: FileRef; path: string }[] {
  const out = [{ ref: resolveLogPath(table, add.path), path: add.path }];
  if (add.deletionVector !== undefined) {
    const location = resolveDvLocation(add.deletionVector, `table ${table.name} file ${add.path}`);
    if (location.kind === 'relative') out.push({ ref: { store: table.store, key: location.path }, path: location.path });
    else if (location.kind === 'absolute') out.push({ ref: resolveLogPath(table, location.path), path: location.path });
  }
  return out;
}

/**
 * Checks that every data file and deletion vector file the restore adds back still exists (Delta's
 * checkSnapshotFilesAvailability). Missing ones throw DATA_FILE_MISSING naming the version, how
 * many are gone and the first few paths: VACUUM removed them, so the version cannot be restored.
 */
export async function checkRestorable(ctx: TableContext, table: TableLocation, version: number, adds: readonly AddFile[]): Promise<void> {
  const objects = adds.flatMap((add) => neededObjects(table, add));
  const present = await mapLimit(objects, ctx.ioConcurrency, async ({ ref }) => (await ref.store.head(ref.key)) !== undefined);
  const missing = objects.filter((_, i) => !present[i]).map((o) => o.path);
  if (missing.length === 0) return;
  const named = missing.slice(0, NAMED).join(', ');
  const more = missing.length > NAMED ? ` and ${missing.length - NAMED} more` : '';
  throw new LochError(
    'DATA_FILE_MISSING',
    `delta restore: table ${table.name}: cannot restore version ${version}: ${missing.length} of the files it needs no longer exist (removed by VACUUM? versions older than the retention window cannot be restored): ${named}${more}`,
    { context: { table: table.name, version, missing: missing.slice(0, 100) } },
  );
}
