import type { VectorIndexRecord } from '../../../catalog/catalog-vector-indexes.js';
import type { ObjectName } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { IndexRef } from '../core/index-files.js';
import type { PipelineType, VectorIndexInfo, VectorIndexStatus, VectorMetric } from '../vector-types.js';

/**
 * The JSON document a vector index keeps in the catalog (CatalogVectorIndexes' opaque `index`):
 * the definition fixed at CREATE, the sync status, and the IndexRef naming the files that hold
 * the index at `status.syncedVersion`. `dimensions` is 0 and `ref` absent until the first row
 * arrives (an index over an empty table needs no files and no probe embedding).
 */
export interface IndexDocument {
  readonly source: ObjectName;
  /** The source table's id at CREATE: a table dropped and re-created under the name is another table. */
  readonly sourceId: string;
  readonly column: string;
  readonly primaryKey: string;
  readonly kind: 'text' | 'embedding';
  readonly endpoint?: string;
  readonly textColumn?: string;
  readonly dimensions: number;
  readonly metric: VectorMetric;
  readonly pipeline: PipelineType;
  readonly connectivity: number;
  readonly expansionAdd: number;
  readonly expansionSearch: number;
  readonly status: VectorIndexStatus;
  readonly ref?: IndexRef;
}

/** The document of a record; CORRUPT_DATA when it lacks what every index has. */
export function documentOf(record: VectorIndexRecord): IndexDocument {
  const d = record.document as Partial<IndexDocument>;
  const ok = typeof d.column === 'string' && typeof d.primaryKey === 'string' && typeof d.source === 'object' && d.source !== null && typeof d.status === 'object' && d.status !== null;
  if (!ok) {
    throw new LochError('CORRUPT_DATA', `vector index ${fullName(record.name)}: its catalog document is incomplete`, { context: { index: fullName(record.name) } });
  }
  return d as IndexDocument;
}

/** The document as JSON for the catalog. */
export function documentJson(doc: IndexDocument): Record<string, unknown> {
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
}

export function toInfo(record: VectorIndexRecord, doc: IndexDocument): VectorIndexInfo {
  return {
    name: record.name,
    owner: record.owner,
    ...(record.comment === undefined ? {} : { comment: record.comment }),
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    source: doc.source,
    column: doc.column,
    primaryKey: doc.primaryKey,
    kind: doc.kind,
    ...(doc.endpoint === undefined ? {} : { endpoint: doc.endpoint }),
    ...(doc.textColumn === undefined ? {} : { textColumn: doc.textColumn }),
    dimensions: doc.dimensions,
    metric: doc.metric,
    pipeline: doc.pipeline,
    status: doc.status,
  };
}

export function fullName(name: ObjectName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}

/** `c.s.n` → ObjectName; INVALID_ARGUMENT unless exactly three non-empty parts. */
export function parseFullName(text: string, what: string): ObjectName {
  const parts = text.split('.').map((p) => p.trim().replace(/^[`"](.*)[`"]$/, '$1'));
  const [catalog, schema, name] = parts;
  if (parts.length !== 3 || catalog === undefined || schema === undefined || name === undefined || parts.some((p) => p === '')) {
    throw new LochError('INVALID_ARGUMENT', `vector index: ${what} '${text}' must be a full name catalog.schema.name`, { context: { name: text } });
  }
  return { catalog: catalog.toLowerCase(), schema: schema.toLowerCase(), name: name.toLowerCase() };
}
