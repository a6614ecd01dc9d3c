import type { VectorIndexRecord } from '../../../catalog/catalog-vector-indexes.js';
import type { Catalog, ObjectName } from '../../../catalog/catalog-types.js';
import { isLochError, LochError } from '../../../core/errors.js';
import { normalizeObjectName } from '../../../catalog/names.js';
import type { ExtensionHost } from '../../../sql/extension.js';
import type { AiRuntime } from '../../ai-runtime.js';
import { removeIndexFiles, removeUnreferenced } from '../core/index-files.js';
import type { SearchOptions, SyncSummary, VectorIndexInfo, VectorIndexService, VectorIndexSpec, VectorQuery, VectorSearchResult } from '../vector-types.js';
import { newDocument } from './index-definition.js';
import { documentJson, documentOf, fullName, toInfo } from './index-document.js';
import type { IndexDocument } from './index-document.js';
import { searchIndex } from './index-search.js';
import { IndexState } from './index-state.js';
import { syncIndex } from './index-sync.js';
import { openSource } from './source-reader.js';

/** How often a sync re-reads and retries after another process committed first. */
const COMMIT_ATTEMPTS = 4;

/**
 * The VectorIndexService of a Loch (see vector-types.ts for the contract). Indexes are catalog
 * objects (LakehouseCatalog's vector index methods, as Loch's admin) governed here through their
 * source: describe/search/sync need SELECT on the source (NOT_FOUND otherwise, so an index's
 * existence does not leak), create needs CREATE TABLE on the index's schema and SELECT on the
 * source, drop needs ownership, MANAGE on the schema, or admin. Sync runs as the index owner
 * (embeddings through the owner's catalog) and commits the new file ref with compare-and-set.
 */
export class LochVectorIndexService implements VectorIndexService {
  private readonly state: IndexState;

  /** `runtime` is read lazily: the service is built while the runtime object is. */
  constructor(
    private readonly host: ExtensionHost,
    private readonly runtime: () => AiRuntime,
  ) {
    this.state = new IndexState(host);
  }

  async create(catalog: Catalog, name: ObjectName, spec: VectorIndexSpec, options: { readonly ifNotExists?: boolean; readonly orReplace?: boolean } = {}): Promise<{ readonly outcome: 'created' | 'exists' | 'replaced'; readonly sync?: SyncSummary }> {
    const n = normalizeObjectName('vector index', name);
    const sourceName = normalizeObjectName('table', spec.source);
    await catalog.authorize('CREATE TABLE', { type: 'SCHEMA', catalog: n.catalog, schema: n.schema });
    await catalog.authorize('SELECT', { type: 'TABLE', name: sourceName });
    const existing = await this.host.catalog.findVectorIndex(n);
    if (existing !== undefined && options.ifNotExists === true) return { outcome: 'exists' };
    if (existing !== undefined && options.orReplace !== true) throw alreadyExists(n);
    if (existing !== undefined && !(await this.mayManage(catalog, existing))) {
      throw new LochError('PERMISSION_DENIED', `vector index: ${catalog.principal} may not replace ${fullName(n)}: only its owner, a holder of MANAGE on schema ${n.catalog}.${n.schema}, or an admin may`, { context: { name: fullName(n) } });
    }
    const source = await openSource(this.host, sourceName);
    const doc = await newDocument(this.runtime(), catalog, { ...spec, source: sourceName }, await source.table.snapshot(), source.info.id);
    if (existing !== undefined) await this.dropRecord(catalog, existing);
    const created = await this.host.catalog.createVectorIndex(n, catalog.principal, documentJson(doc), spec.comment === undefined || spec.comment === '' ? {} : { comment: spec.comment });
    if (created.status === 'exists') {
      if (options.ifNotExists === true) return { outcome: 'exists' };
      throw alreadyExists(n);
    }
    try {
      const sync = await this.syncRecord(created.record, { full: true });
      return { outcome: existing === undefined ? 'created' : 'replaced', sync };
    } catch (error) {
      // A CREATE whose first sync failed leaves nothing behind: the statement can simply be retried.
      await this.dropRecord(catalog, created.record).catch(() => undefined);
      throw error;
    }
  }

  async describe(catalog: Catalog, name: ObjectName): Promise<VectorIndexInfo> {
    const { record, doc } = await this.readable(catalog, name);
    return toInfo(record, doc);
  }

  async list(catalog: Catalog, schema: { readonly catalog: string; readonly schema: string }): Promise<VectorIndexInfo[]> {
    const records = await this.host.catalog.listVectorIndexes(schema.catalog, schema.schema);
    const out: VectorIndexInfo[] = [];
    for (const record of records) {
      const doc = documentOf(record);
      if (await catalog.mayAccess('SELECT', { type: 'TABLE', name: doc.source })) out.push(toInfo(record, doc));
    }
    return out;
  }

  async drop(catalog: Catalog, name: ObjectName, options: { readonly ifExists?: boolean } = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeObjectName('vector index', name);
    const record = await this.host.catalog.findVectorIndex(n);
    if (record === undefined) {
      if (options.ifExists === true) return 'missing';
      throw notFound(n);
    }
    if (!(await this.mayManage(catalog, record))) {
      if (!(await catalog.mayAccess('SELECT', { type: 'TABLE', name: documentOf(record).source }))) throw notFound(n);
      throw new LochError('PERMISSION_DENIED', `vector index: ${catalog.principal} may not drop ${fullName(n)}: only its owner, a holder of MANAGE on schema ${n.catalog}.${n.schema}, or an admin may`, { context: { name: fullName(n) } });
    }
    return (await this.dropRecord(catalog, record)) ? 'dropped' : 'missing';
  }

  async sync(catalog: Catalog, name: ObjectName, options: { readonly full?: boolean; readonly signal?: AbortSignal } = {}): Promise<SyncSummary> {
    const { record } = await this.readable(catalog, name);
    return this.syncRecord(record, options);
  }

  async search(catalog: Catalog, name: ObjectName, query: VectorQuery, options: SearchOptions = {}): Promise<VectorSearchResult> {
    let { record, doc } = await this.readable(catalog, name);
    const span = options.trace === undefined ? undefined : this.runtime().tracer.startSpan(options.trace, `vector_search ${fullName(record.name)}`, 'RETRIEVER', { query_text: query.queryText, num_results: query.numResults, filters: query.filters, query_type: query.queryType ?? 'ANN' });
    try {
      if (doc.pipeline === 'CONTINUOUS' && (await this.sourceMoved(doc))) {
        await this.syncRecord(record, options.signal === undefined ? {} : { signal: options.signal });
        ({ record, doc } = await this.readable(catalog, name));
      }
      let index;
      try {
        index = await this.state.load(record, doc.ref);
      } catch (error) {
        // Another process compacted between our catalog read and the file read: its new ref is committed, read it.
        if (!isLochError(error, 'NOT_FOUND')) throw error;
        ({ record, doc } = await this.readable(catalog, name));
        index = await this.state.load(record, doc.ref);
      }
      const result = await searchIndex(this.runtime(), catalog, doc, index, query, span === undefined ? options : { ...options, trace: span.context });
      span?.setAttribute('index', fullName(record.name));
      span?.setOutputs(result.rows.map((row) => ({ score: row[row.length - 1], row: row.slice(0, -1) })));
      span?.end();
      return result;
    } catch (error) {
      span?.end({ ok: false, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  async close(): Promise<void> {
    this.state.clear();
  }

  /** The record and document when the caller may read the source; NOT_FOUND otherwise. */
  private async readable(catalog: Catalog, name: ObjectName): Promise<{ record: VectorIndexRecord; doc: IndexDocument }> {
    const n = normalizeObjectName('vector index', name);
    const record = await this.host.catalog.findVectorIndex(n);
    if (record === undefined) throw notFound(n);
    const doc = documentOf(record);
    if (!(await catalog.mayAccess('SELECT', { type: 'TABLE', name: doc.source }))) throw notFound(n);
    return { record, doc };
  }

  private async mayManage(catalog: Catalog, record: VectorIndexRecord): Promise<boolean> {
    if (catalog.actor.admin || record.owner === catalog.principal) return true;
    return catalog.mayAccess('MANAGE', { type: 'SCHEMA', catalog: record.name.catalog, schema: record.name.schema });
  }

  private async dropRecord(catalog: Catalog, record: VectorIndexRecord): Promise<boolean> {
    void catalog;
    return this.state.exclusive(record.id, async () => {
      const removed = await this.host.catalog.dropVectorIndex(record.name);
      this.state.forget(record.id);
      if (removed === undefined) return false;
      await removeIndexFiles(this.state.store(removed), '').catch(() => 0);
      return true;
    });
  }

  private async sourceMoved(doc: IndexDocument): Promise<boolean> {
    const source = await openSource(this.host, doc.source);
    return source.info.id !== doc.sourceId || (await source.table.snapshot()).version !== doc.status.syncedVersion;
  }

  /** One sync at a time per index in this process; a commit lost to another process re-reads and retries. */
  private syncRecord(record: VectorIndexRecord, options: { readonly full?: boolean; readonly signal?: AbortSignal }): Promise<SyncSummary> {
    return this.state.exclusive(record.id, async () => {
      for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt += 1) {
        const outcome = await this.syncOnce(record, options);
        if (outcome !== 'conflict') return outcome;
      }
      throw new LochError('CONFLICT', `vector index ${fullName(record.name)}: kept being synced concurrently; try again`, { retryable: true, context: { index: fullName(record.name) } });
    });
  }

  private async syncOnce(stale: VectorIndexRecord, options: { readonly full?: boolean; readonly signal?: AbortSignal }): Promise<SyncSummary | 'conflict'> {
    const record = await this.host.catalog.findVectorIndex(stale.name);
    if (record === undefined || record.id !== stale.id) throw notFound(stale.name);
    const doc = documentOf(record);
    const source = await openSource(this.host, doc.source);
    const snapshot = await source.table.snapshot();
    const replacedSource = source.info.id !== doc.sourceId;
    const full = options.full === true || replacedSource;
    const current = full ? undefined : await this.state.load(record, doc.ref);
    let out;
    try {
      out = await syncIndex({
        runtime: this.runtime(),
        doc: replacedSource ? { ...doc, sourceId: source.info.id, dimensions: 0 } : doc,
        current,
        snapshot,
        owner: await this.host.catalog.definer(record.owner),
        store: this.state.store(record),
        ids: this.host.ctx.ids,
        full,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      this.state.forget(record.id);
      await this.recordFailure(record, doc, error);
      throw error;
    }
    if (out.doc === doc) return out.summary;
    const committed = await this.host.catalog.updateVectorIndex(record, documentJson(out.doc));
    if (committed.status === 'missing') throw notFound(record.name);
    if (committed.status === 'conflict') {
      this.state.forget(record.id);
      return 'conflict';
    }
    this.state.remember(record.id, out.doc.ref, out.index);
    if (out.doc.ref !== undefined && out.doc.ref.base !== doc.ref?.base) await removeUnreferenced(this.state.store(record), '', out.doc.ref).catch(() => 0);
    return out.summary;
  }

  /** Marks the index FAILED with the error (best effort: a failure to record it is not the error to report). */
  private async recordFailure(record: VectorIndexRecord, doc: IndexDocument, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const failed: IndexDocument = { ...doc, status: { ...doc.status, state: 'FAILED', message } };
    await this.host.catalog.updateVectorIndex(record, documentJson(failed)).catch(() => undefined);
  }
}

function notFound(n: ObjectName): LochError {
  return new LochError('NOT_FOUND', `vector index: ${fullName(n)} does not exist or its source table is not readable by you (RESOURCE_DOES_NOT_EXIST)`, { context: { name: fullName(n) } });
}

function alreadyExists(n: ObjectName): LochError {
  return new LochError('ALREADY_EXISTS', `vector index: ${fullName(n)} already exists (RESOURCE_ALREADY_EXISTS)`, { context: { name: fullName(n) } });
}

