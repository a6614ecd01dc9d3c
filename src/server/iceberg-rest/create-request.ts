/**
 * CreateTableRequest → what newTableMetadata needs. As Java's catalogs do, the new table's
 * schema is schema 0, its spec is spec 0 and a sorted write order is order 1 (0 is unsorted);
 * field ids are the client's (PyIceberg and iceberg-js assign them), checked for uniqueness and
 * references. Any malformed member is 400 naming it.
 */
import { isLochError } from '../../core/errors.js';
import type { IcebergSchema, PartitionSpec, SortOrder } from '../../formats/iceberg/model.js';
import { parsePartitionSpec, partitionType } from '../../formats/iceberg/spec/partition-spec.js';
import { parseSchema } from '../../formats/iceberg/spec/schema.js';
import { parseSortOrder } from '../../formats/iceberg/spec/sort-order.js';
import { parseTransform } from '../../formats/iceberg/transforms/transform.js';
import { badRequest } from './errors.js';
import type { JsonRecord } from './request.js';
import { optionalBoolean, optionalString, stringMap, stringMember } from './request.js';

export interface CreateRequest {
  readonly name: string;
  readonly schema: IcebergSchema;
  readonly spec: PartitionSpec;
  readonly sortOrder: SortOrder;
  readonly properties: Readonly<Record<string, string>>;
  readonly formatVersion: 1 | 2 | 3;
  readonly location?: string;
  readonly stageCreate: boolean;
}

const WHERE = 'createTable';
const DEFAULT_FORMAT_VERSION = 2;

/** The checked request; 400 BadRequestException for anything malformed. */
export function parseCreateRequest(body: JsonRecord): CreateRequest {
  const name = stringMember(body, 'name', WHERE);
  const properties = stringMap(body, 'properties', WHERE);
  const location = optionalString(body, 'location', WHERE);
  const stageCreate = optionalBoolean(body, 'stage-create', WHERE) ?? false;
  const formatVersion = formatVersionOf(properties);
  const parsed = parseStructures(body);
  if (location !== undefined && (location.trim() === '' || location.includes('\u0000'))) throw badRequest(`${WHERE}: "location" is not a usable location`);
  return { name, ...parsed, properties, formatVersion, stageCreate, ...(location === undefined ? {} : { location }) };
}

function parseStructures(body: JsonRecord): { schema: IcebergSchema; spec: PartitionSpec; sortOrder: SortOrder } {
  try {
    if (body['schema'] === undefined || body['schema'] === null) throw badRequest(`${WHERE}: "schema" is missing`);
    const schema = { ...parseSchema(body['schema'], `${WHERE}: schema`), schemaId: 0 };
    const specJson = body['partition-spec'];
    const parsedSpec = specJson === undefined || specJson === null ? { specId: 0, fields: [] } : parsePartitionSpec(specJson, 0, `${WHERE}: partition-spec`);
    const spec = { ...parsedSpec, specId: 0 };
    // Resolves every transform against its source type: one it cannot apply to fails here.
    partitionType(spec, schema);
    const orderJson = body['write-order'];
    const parsedOrder = orderJson === undefined || orderJson === null ? { orderId: 0, fields: [] } : parseSortOrder(orderJson, `${WHERE}: write-order`);
    const sortOrder = { ...parsedOrder, orderId: parsedOrder.fields.length === 0 ? 0 : 1 };
    // Loch could neither write nor prune by a transform it does not know.
    const unknown = [...spec.fields, ...sortOrder.fields].find((f) => parseTransform(f.transform).kind === 'unknown');
    if (unknown !== undefined) throw badRequest(`${WHERE}: unknown transform ${JSON.stringify(unknown.transform.slice(0, 60))}`);
    return { schema, spec, sortOrder };
  } catch (error) {
    if (isLochError(error)) throw badRequest(error.message);
    throw error;
  }
}

function formatVersionOf(properties: Readonly<Record<string, string>>): 1 | 2 | 3 {
  const raw = properties['format-version'];
  if (raw === undefined) return DEFAULT_FORMAT_VERSION;
  if (raw === '1' || raw === '2' || raw === '3') return Number(raw) as 1 | 2 | 3;
  throw badRequest(`${WHERE}: property format-version must be 1, 2 or 3, got ${JSON.stringify(raw.slice(0, 40))}`);
}
