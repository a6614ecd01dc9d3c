import type { Catalog, ObjectName } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { TableSnapshot } from '../../../table/delta-table.js';
import type { AiRuntime } from '../../ai-runtime.js';
import type { VectorIndexSpec } from '../vector-types.js';
import type { IndexDocument } from './index-document.js';
import { fullName, parseFullName } from './index-document.js';
import { columnOf, feedEnabled, isKeyType, isVectorType } from './source-reader.js';

const METRICS = ['cosine', 'l2', 'ip'];
const PIPELINES = ['TRIGGERED', 'CONTINUOUS'];

/**
 * The document of a new index from CREATE's spec and the source as it is now, before any sync.
 * INVALID_ARGUMENT when the source has no change data feed (naming the ALTER TABLE that turns it
 * on), the primary key or column is missing or of the wrong type, options are out of range, or
 * a text column has no embeddings endpoint; the endpoint must be one the caller may EXECUTE and
 * must serve embeddings.
 */
export async function newDocument(runtime: AiRuntime, caller: Catalog, spec: VectorIndexSpec, snapshot: TableSnapshot, sourceId: string): Promise<IndexDocument> {
  const source = fullName(spec.source);
  const fail = (message: string): never => {
    throw new LochError('INVALID_ARGUMENT', `vector index: ${message}`, { context: { source } });
  };
  if (!feedEnabled(snapshot)) fail(`source ${source} has no change data feed; turn it on with ALTER TABLE ${source} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)`);
  const pk = columnOf(snapshot, spec.primaryKey ?? 'id') ?? fail(`source ${source} has no column ${spec.primaryKey ?? 'id'} for the primary key (give primary_key => 'column')`);
  if (!isKeyType(pk)) fail(`primary key ${pk.name} of ${source} must be an integer or string column`);
  const column = columnOf(snapshot, spec.column) ?? fail(`source ${source} has no column ${spec.column}`);
  const isText = column.type.kind === 'primitive' && column.type.name === 'string';
  if (!isText && !isVectorType(column)) fail(`column ${column.name} of ${source} must be STRING (embedded through an endpoint) or ARRAY<FLOAT>/ARRAY<DOUBLE> (embeddings)`);
  const textColumn = spec.textColumn === undefined ? undefined : (columnOf(snapshot, spec.textColumn) ?? fail(`source ${source} has no column ${spec.textColumn} for text_column`));
  if (textColumn !== undefined && !(textColumn.type.kind === 'primitive' && textColumn.type.name === 'string')) fail(`text_column ${textColumn.name} of ${source} must be STRING`);
  const endpoint = isText ? await embeddingEndpoint(runtime, caller, spec.endpoint, column.name) : undefined;
  return {
    source: spec.source,
    sourceId,
    column: column.name,
    primaryKey: pk.name,
    kind: isText ? 'text' : 'embedding',
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(textColumn === undefined || isText ? {} : { textColumn: textColumn.name }),
    dimensions: 0,
    metric: choice(spec.metric ?? 'cosine', METRICS, 'metric') as IndexDocument['metric'],
    pipeline: choice(spec.pipeline ?? 'TRIGGERED', PIPELINES, 'pipeline_type') as IndexDocument['pipeline'],
    connectivity: bounded(spec.connectivity ?? 16, 2, 256, 'connectivity'),
    expansionAdd: bounded(spec.expansionAdd ?? 128, 1, 10_000, 'expansion_add'),
    expansionSearch: bounded(spec.expansionSearch ?? 64, 1, 10_000, 'expansion_search'),
    status: { syncedVersion: -1, rows: 0, state: 'PROVISIONING' },
  };
}

async function embeddingEndpoint(runtime: AiRuntime, caller: Catalog, given: string | undefined, column: string): Promise<string> {
  if (given === undefined) {
    throw new LochError('INVALID_ARGUMENT', `vector index: column ${column} is text: name an embeddings endpoint (USING ENDPOINT 'catalog.schema.endpoint')`, { context: { column } });
  }
  const name: ObjectName = parseFullName(given, 'endpoint');
  const info = await runtime.gateway.resolve(name, { catalog: caller, source: 'api' });
  if (info.definition.task !== 'embeddings') {
    throw new LochError('INVALID_ARGUMENT', `vector index: endpoint ${fullName(name)} serves task '${info.definition.task}', not 'embeddings'`, { context: { endpoint: fullName(name) } });
  }
  return fullName(name);
}

function choice(value: string, allowed: readonly string[], what: string): string {
  const v = what === 'pipeline_type' ? value.toUpperCase() : value.toLowerCase();
  if (!allowed.includes(v)) throw new LochError('INVALID_ARGUMENT', `vector index: ${what} must be one of ${allowed.join(', ')} (got '${value}')`, { context: { option: what } });
  return v;
}

function bounded(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LochError('INVALID_ARGUMENT', `vector index: ${what} must be an integer from ${min} to ${max} (got ${value})`, { context: { option: what } });
  }
  return value;
}
