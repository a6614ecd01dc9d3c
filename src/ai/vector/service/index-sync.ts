import type { Catalog } from '../../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../../core/errors.js';
import type { IdSource } from '../../../core/ids.js';
import type { Row } from '../../../engine/index.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import type { TableSnapshot } from '../../../table/delta-table.js';
import type { AiRuntime } from '../../ai-runtime.js';
import { needsCompaction, withSegment, writeBase, writeSegment } from '../core/index-files.js';
import type { IndexRef } from '../core/index-files.js';
import { LiveIndex } from '../core/live-index.js';
import type { LiveRow } from '../core/live-index-types.js';
import type { SyncSummary } from '../vector-types.js';
import { embedTexts } from './embed-batches.js';
import type { IndexDocument } from './index-document.js';
import { feedEnabled, forEachBatch, pkKey, readChanges } from './source-reader.js';
import type { ChangeRow } from './source-reader.js';

/** What one sync works with: the index as committed, and where and as whom it writes. */
export interface SyncInput {
  readonly runtime: AiRuntime;
  readonly doc: IndexDocument;
  /** The index as `doc.ref` describes it (undefined when it has no files yet); a full sync ignores it. */
  readonly current: LiveIndex | undefined;
  /** The source at the version to sync to. */
  readonly snapshot: TableSnapshot;
  /** The index owner's catalog: embeddings are computed as the owner. */
  readonly owner: Catalog;
  readonly store: ObjectStore;
  readonly ids: IdSource;
  readonly full: boolean;
  readonly signal?: AbortSignal;
}

/** The new state, written to files but not yet committed to the catalog. */
export interface SyncOutput {
  readonly doc: IndexDocument;
  readonly index: LiveIndex | undefined;
  readonly summary: SyncSummary;
}

/**
 * Brings the index to `snapshot.version` (a full sync reports every row indexed as upserted and
 * nothing deleted: the old files are simply replaced): incrementally from the change data feed after
 * `status.syncedVersion`, or from the whole table (first sync, `full`, or when the feed cannot
 * cover the gap: turned off, or its commits or files are gone). Files are written here; the
 * caller commits the returned doc (and, on failure to commit, must drop `current`, which an
 * incremental sync has changed in place).
 */
export async function syncIndex(input: SyncInput): Promise<SyncOutput> {
  const from = input.doc.status.syncedVersion;
  const incremental = !input.full && from >= 0 && feedEnabled(input.snapshot);
  if (incremental) {
    try {
      return await incrementalSync(input);
    } catch (error) {
      if (!feedGone(error)) throw error;
    }
  }
  return fullSync(input);
}

/** Errors that mean the feed no longer covers the gap (commits cleaned up, data files vacuumed). */
function feedGone(error: unknown): boolean {
  return isLochError(error) && ['NOT_FOUND', 'VERSION_NOT_AVAILABLE', 'STORAGE_ERROR'].includes(error.code);
}

async function fullSync(input: SyncInput): Promise<SyncOutput> {
  let doc = input.doc;
  let index: LiveIndex | undefined;
  let upserted = 0;
  await forEachBatch(input.runtime.host, input.snapshot, columnsOf(input.doc), async (rows) => {
    const live = await liveRows({ ...input, doc }, rows);
    if (live.rows.length === 0) return;
    if (index === undefined) {
      doc = { ...doc, dimensions: live.dimensions };
      index = LiveIndex.create(indexOptions(doc));
    }
    index.upsert(live.rows);
    upserted += live.rows.length;
  });
  const ref = index === undefined ? undefined : await writeBase(input.store, '', index, { ids: input.ids });
  const summary: SyncSummary = { fromVersion: 0, toVersion: input.snapshot.version, upserted, deleted: 0, full: true };
  return { doc: synced(input, doc, index, ref), index, summary };
}

async function incrementalSync(input: SyncInput): Promise<SyncOutput> {
  const from = input.doc.status.syncedVersion + 1;
  if (from > input.snapshot.version) return { doc: input.doc, index: input.current, summary: nothing(input, false) };
  const changes = await readChanges(input.runtime.host, input.snapshot, from, columnsOf(input.doc));
  const { upserts, deletes } = collapseChanges(changes);
  const live = await liveRows(input, upserts);
  const upserted = new Set(live.rows.map((r) => r.pk));
  // A row whose new value cannot be indexed (NULL text or vector) leaves the index.
  const gone = [...deletes, ...upserts.map((r) => pkKey(r[0])).filter((k): k is string => k !== undefined && !upserted.has(k))];
  let doc = input.doc;
  let index = input.current;
  if (index === undefined && live.rows.length > 0) {
    doc = { ...doc, dimensions: live.dimensions };
    index = LiveIndex.create(indexOptions(doc));
  }
  if (index === undefined) return { doc: synced(input, doc, undefined, undefined), index, summary: { ...nothing(input, false), fromVersion: from } };
  const deleted = index.delete(gone);
  index.upsert(live.rows);
  let ref: IndexRef;
  if (doc.ref === undefined) ref = await writeBase(input.store, '', index, { ids: input.ids });
  else {
    const segment = await writeSegment(input.store, '', index.options.dimensions, { upserts: live.rows, deletes: gone }, { ids: input.ids });
    ref = withSegment(doc.ref, segment);
    if (needsCompaction(ref)) ref = await writeBase(input.store, '', index, { ids: input.ids });
  }
  return { doc: synced(input, doc, index, ref), index, summary: { fromVersion: from, toVersion: input.snapshot.version, upserted: live.rows.length, deleted, full: false } };
}

function nothing(input: SyncInput, full: boolean): SyncSummary {
  const v = input.snapshot.version;
  return { fromVersion: v + 1, toVersion: v, upserted: 0, deleted: 0, full };
}

function synced(input: SyncInput, doc: IndexDocument, index: LiveIndex | undefined, ref: IndexRef | undefined): IndexDocument {
  const { ref: _old, ...rest } = doc;
  void _old;
  const status = { syncedVersion: input.snapshot.version, rows: index?.size ?? 0, lastSyncAt: input.runtime.host.ctx.clock.now(), state: 'ONLINE' as const };
  return { ...rest, status, ...(ref === undefined ? {} : { ref }) };
}

/** The columns sync reads: the primary key, the indexed column, then the keyword text column if any. */
export function columnsOf(doc: IndexDocument): string[] {
  return [doc.primaryKey, doc.column, ...(doc.textColumn === undefined ? [] : [doc.textColumn])];
}

export function indexOptions(doc: IndexDocument): { dimensions: number; metric: IndexDocument['metric']; connectivity: number; expansionAdd: number; expansionSearch: number; keyword: boolean } {
  return {
    dimensions: doc.dimensions,
    metric: doc.metric,
    connectivity: doc.connectivity,
    expansionAdd: doc.expansionAdd,
    expansionSearch: doc.expansionSearch,
    keyword: doc.kind === 'text' || doc.textColumn !== undefined,
  };
}

/**
 * The net effect of a stretch of the change feed per primary key: the last version touching a
 * key decides; within one version an insert or post-image beats a delete (an UPDATE or MERGE
 * rewriting a file without CDC files shows as delete + insert of the same key). Pre-images are
 * ignored. Rows are [pk, …] as `columnsOf` reads them.
 */
export function collapseChanges(changes: readonly ChangeRow[]): { upserts: Row[]; deletes: string[] } {
  const rank = (t: string): number => (t === 'delete' ? 0 : 1);
  const relevant = changes.filter((c) => c.changeType !== 'update_preimage').sort((a, b) => a.version - b.version || rank(a.changeType) - rank(b.changeType));
  const last = new Map<string, Row | null>();
  for (const change of relevant) {
    const key = pkKey(change.values[0]);
    if (key === undefined) continue;
    last.set(key, change.changeType === 'delete' ? null : change.values);
  }
  const upserts: Row[] = [];
  const deletes: string[] = [];
  for (const [key, row] of last) {
    if (row === null) deletes.push(key);
    else upserts.push(row);
  }
  return { upserts, deletes };
}

/** Rows [pk, column, text?] as index rows: vectors read or embedded; rows without a value are left out. */
async function liveRows(input: SyncInput, rows: readonly Row[]): Promise<{ rows: LiveRow[]; dimensions: number }> {
  const doc = input.doc;
  const keyed = rows.map((r) => ({ pk: pkKey(r[0]), value: r[1], text: doc.textColumn === undefined ? r[1] : r[2] })).filter((r) => r.pk !== undefined && r.value !== null && r.value !== undefined);
  let vectors: Float32Array[];
  if (doc.kind === 'text') {
    const texts = keyed.map((r) => String(r.value));
    vectors = await embedTexts(input.runtime, input.owner, doc.endpoint ?? '', texts, input.signal === undefined ? {} : { signal: input.signal });
  } else {
    vectors = keyed.map((r) => toVector(r.value, r.pk ?? ''));
  }
  const out = keyed.map((r, i) => ({ pk: r.pk as string, vector: vectors[i] as Float32Array, ...(typeof r.text === 'string' ? { text: r.text } : {}) }));
  const dimensions = doc.dimensions > 0 ? doc.dimensions : (out[0]?.vector.length ?? 0);
  return { rows: out, dimensions };
}

function toVector(value: unknown, pk: string): Float32Array {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw new LochError('INVALID_ARGUMENT', `vector index: the embedding of row ${pk} is not an array of numbers`, { context: { pk } });
  }
  return Float32Array.from(value as number[]);
}
