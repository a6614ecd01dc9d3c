import { utf8Decode } from '../../../core/bytes.js';
import { logError } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import { JsonFields, isJsonObject } from './json-fields.js';
import type { JsonObject } from './json-fields.js';
import { COMMIT_PROVENANCE_FIELDS } from './actions.js';
import type {
  Action,
  ActionKind,
  AddFile,
  Cdc,
  CheckpointMetadata,
  CommitInfo,
  CommitProvenance,
  DeletionVectorDescriptor,
  DomainMetadata,
  Metadata,
  Protocol,
  RemoveFile,
  Sidecar,
  Txn,
} from './actions.js';

/**
 * Copies only the defined properties, so optional fields are truly absent. (Copying instead of
 * `delete` keeps the objects in V8's fast mode; checkpoints produce millions of them.)
 */
function compact<T extends object>(value: T): T {
  const out: Partial<T> = {};
  for (const key in value) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out as T;
}

function parseDeletionVector(f: JsonFields): DeletionVectorDescriptor {
  const storageType = f.str('storageType');
  if (storageType !== 'u' && storageType !== 'i' && storageType !== 'p') f.fail('storageType', "one of 'u', 'i', 'p'", storageType);
  return compact({
    storageType,
    pathOrInlineDv: f.str('pathOrInlineDv'),
    offset: f.optInt('offset'),
    sizeInBytes: f.int('sizeInBytes'),
    cardinality: f.int('cardinality'),
    maxRowIndex: f.optInt('maxRowIndex'),
  });
}

function optDeletionVector(f: JsonFields): DeletionVectorDescriptor | undefined {
  return f.has('deletionVector') ? parseDeletionVector(f.nested('deletionVector')) : undefined;
}

function parseAdd(f: JsonFields): AddFile {
  return compact<AddFile>({
    path: f.str('path'),
    partitionValues: f.nullableStringMap('partitionValues'),
    size: f.int('size'),
    modificationTime: f.int('modificationTime'),
    dataChange: f.bool('dataChange'),
    stats: f.optStr('stats'),
    statsParsed: f.optObject('stats_parsed'),
    partitionValuesParsed: f.optObject('partitionValues_parsed'),
    tags: f.optStringMap('tags'),
    deletionVector: optDeletionVector(f),
    baseRowId: f.optInt('baseRowId'),
    defaultRowCommitVersion: f.optInt('defaultRowCommitVersion'),
    clusteringProvider: f.optStr('clusteringProvider'),
  });
}

function parseRemove(f: JsonFields): RemoveFile {
  return compact<RemoveFile>({
    path: f.str('path'),
    deletionTimestamp: f.optInt('deletionTimestamp'),
    dataChange: f.bool('dataChange'),
    extendedFileMetadata: f.optBool('extendedFileMetadata'),
    partitionValues: f.has('partitionValues') ? f.nullableStringMap('partitionValues') : undefined,
    size: f.optInt('size'),
    stats: f.optStr('stats'),
    tags: f.optStringMap('tags'),
    deletionVector: optDeletionVector(f),
    baseRowId: f.optInt('baseRowId'),
    defaultRowCommitVersion: f.optInt('defaultRowCommitVersion'),
  });
}

function parseMetadata(f: JsonFields): Metadata {
  // format and configuration are required by the spec, but early writers omitted empty ones.
  const format = f.has('format')
    ? (() => {
        const ff = f.nested('format');
        return { provider: ff.optStr('provider') ?? 'parquet', options: ff.optStringMap('options') ?? {} };
      })()
    : { provider: 'parquet', options: {} };
  return compact<Metadata>({
    id: f.str('id'),
    name: f.optStr('name'),
    description: f.optStr('description'),
    format,
    // Spark's Metadata() default has no schema; such logs must still reach protocol checks, so
    // the missing schema is reported when the schema is parsed (see parseDeltaSchema).
    schemaString: f.optStr('schemaString') ?? '',
    partitionColumns: f.optStringArray('partitionColumns') ?? [],
    createdTime: f.optInt('createdTime'),
    configuration: f.optStringMap('configuration') ?? {},
  });
}

function parseProtocol(f: JsonFields): Protocol {
  return compact<Protocol>({
    minReaderVersion: f.int('minReaderVersion'),
    minWriterVersion: f.int('minWriterVersion'),
    readerFeatures: f.optStringArray('readerFeatures'),
    writerFeatures: f.optStringArray('writerFeatures'),
  });
}

function pick<T>(obj: JsonObject, key: string, type: 'string' | 'number' | 'boolean'): T | undefined {
  const value = obj[key];
  return typeof value === type ? (value as T) : undefined;
}

/** commitInfo is free-form: typed fields are taken only when they have the expected JSON type. */
function parseCommitInfo(obj: JsonObject): CommitInfo {
  const objectField = (key: string): JsonObject | undefined => (isJsonObject(obj[key]) ? (obj[key] as JsonObject) : undefined);
  const provenance: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(COMMIT_PROVENANCE_FIELDS)) provenance[key] = pick(obj, key, type);
  return compact<CommitInfo>({
    timestamp: pick<number>(obj, 'timestamp', 'number'),
    inCommitTimestamp: pick<number>(obj, 'inCommitTimestamp', 'number'),
    operation: pick<string>(obj, 'operation', 'string'),
    operationParameters: objectField('operationParameters'),
    operationMetrics: objectField('operationMetrics'),
    ...(provenance as CommitProvenance),
    txnId: pick<string>(obj, 'txnId', 'string'),
    raw: obj,
  });
}

function parseTxn(f: JsonFields): Txn {
  return compact<Txn>({ appId: f.str('appId'), version: f.int('version'), lastUpdated: f.optInt('lastUpdated') });
}

function parseCdc(f: JsonFields): Cdc {
  return compact<Cdc>({
    path: f.str('path'),
    partitionValues: f.has('partitionValues') ? f.nullableStringMap('partitionValues') : {},
    size: f.int('size'),
    dataChange: f.optBool('dataChange') ?? false,
    tags: f.optStringMap('tags'),
  });
}

function parseDomainMetadata(f: JsonFields): DomainMetadata {
  return { domain: f.str('domain'), configuration: f.str('configuration'), removed: f.optBool('removed') ?? false };
}

function parseCheckpointMetadata(f: JsonFields): CheckpointMetadata {
  return compact<CheckpointMetadata>({ version: f.int('version'), tags: f.optStringMap('tags') });
}

function parseSidecar(f: JsonFields): Sidecar {
  return compact<Sidecar>({
    path: f.str('path'),
    sizeInBytes: f.int('sizeInBytes'),
    modificationTime: f.int('modificationTime'),
    tags: f.optStringMap('tags'),
  });
}

function parseKnown(kind: ActionKind, value: JsonObject, where: LogWhere): Action {
  const f = new JsonFields(value, kind, where);
  switch (kind) {
    case 'add':
      return { kind, add: parseAdd(f) };
    case 'remove':
      return { kind, remove: parseRemove(f) };
    case 'metaData':
      return { kind, metaData: parseMetadata(f) };
    case 'protocol':
      return { kind, protocol: parseProtocol(f) };
    case 'commitInfo':
      return { kind, commitInfo: parseCommitInfo(value) };
    case 'txn':
      return { kind, txn: parseTxn(f) };
    case 'cdc':
      return { kind, cdc: parseCdc(f) };
    case 'domainMetadata':
      return { kind, domainMetadata: parseDomainMetadata(f) };
    case 'checkpointMetadata':
      return { kind, checkpointMetadata: parseCheckpointMetadata(f) };
    case 'sidecar':
      return { kind, sidecar: parseSidecar(f) };
  }
}

const KNOWN = new Set<string>(['add', 'remove', 'metaData', 'protocol', 'commitInfo', 'txn', 'cdc', 'domainMetadata', 'checkpointMetadata', 'sidecar']);

/**
 * Parses one action object of the log (`{"add": {...}}`, or a checkpoint row with one non-null
 * action column). Returns undefined for actions Loch does not know (the protocol requires
 * ignoring them) and for rows whose action columns are all null. A known action with a missing
 * or mistyped required field throws CORRUPT_DATA naming table, version, line and field.
 */
export function parseAction(obj: unknown, where: LogWhere): Action | undefined {
  if (!isJsonObject(obj)) {
    throw logError('CORRUPT_DATA', 'delta log', where, 'an action must be a JSON object');
  }
  for (const [key, value] of Object.entries(obj)) {
    if (!KNOWN.has(key) || value === null || value === undefined) continue;
    if (!isJsonObject(value)) {
      throw logError('CORRUPT_DATA', 'delta log', where, `action '${key}' must be a JSON object`, { context: { action: key } });
    }
    return parseKnown(key as ActionKind, value, where);
  }
  return undefined;
}

function decodeUtf8(bytes: Uint8Array, where: LogWhere): string {
  try {
    return utf8Decode(bytes);
  } catch (cause) {
    throw logError('CORRUPT_DATA', 'delta log', where, 'commit file is not valid UTF-8', { cause });
  }
}

/**
 * Parses a newline-delimited JSON log file (a commit, a compaction or a V2 JSON checkpoint):
 * strict UTF-8, one action per line, blank lines (and a trailing newline or CRLF endings)
 * allowed. A line that is not JSON — a truncated or garbled file — throws CORRUPT_DATA
 * "delta log: table T version V: line L is not valid JSON".
 */
export function parseCommitFile(bytes: Uint8Array, where: LogWhere): Action[] {
  const text = decodeUtf8(bytes, where);
  const actions: Action[] = [];
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    lineNo += 1;
    const line = text.slice(start, stop).trim();
    if (line.length > 0) {
      const lineWhere = { ...where, line: lineNo };
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (cause) {
        throw logError('CORRUPT_DATA', 'delta log', where, `line ${lineNo} is not valid JSON`, { cause, context: { line: lineNo } });
      }
      const action = parseAction(value, lineWhere);
      if (action !== undefined) actions.push(action);
    }
    if (end === -1) break;
    start = end + 1;
  }
  return actions;
}
