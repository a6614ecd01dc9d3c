import { utf8Encode } from '../../../core/bytes.js';
import { LochError } from '../../../core/errors.js';
import type {
  Action,
  AddFile,
  Cdc,
  DeletionVectorDescriptor,
  Metadata,
  Protocol,
  RemoveFile,
} from '../spec/actions.js';

/**
 * Delta commit files (PROTOCOL.md "Delta Log Entries"): newline-delimited JSON, one
 * `{"<kind>":{...}}` object per line. Fields are written in the protocol's order and names;
 * undefined fields are left out. The inverse of spec/action-parse.ts parseCommitFile.
 */

type Json = Record<string, unknown>;

/** Copies the defined entries only, in the given order. */
function defined(fields: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

function deletionVectorJson(dv: DeletionVectorDescriptor | undefined): Json | undefined {
  if (dv === undefined) return undefined;
  return defined({
    storageType: dv.storageType,
    pathOrInlineDv: dv.pathOrInlineDv,
    offset: dv.offset,
    sizeInBytes: dv.sizeInBytes,
    cardinality: dv.cardinality,
    maxRowIndex: dv.maxRowIndex,
  });
}

/** `stats_parsed` / `partitionValues_parsed` exist only in checkpoints and are never written here. */
function addJson(add: AddFile): Json {
  return defined({
    path: add.path,
    partitionValues: add.partitionValues,
    size: add.size,
    modificationTime: add.modificationTime,
    dataChange: add.dataChange,
    stats: add.stats,
    tags: add.tags,
    deletionVector: deletionVectorJson(add.deletionVector),
    baseRowId: add.baseRowId,
    defaultRowCommitVersion: add.defaultRowCommitVersion,
    clusteringProvider: add.clusteringProvider,
  });
}

function removeJson(remove: RemoveFile): Json {
  return defined({
    path: remove.path,
    deletionTimestamp: remove.deletionTimestamp,
    dataChange: remove.dataChange,
    extendedFileMetadata: remove.extendedFileMetadata,
    partitionValues: remove.partitionValues,
    size: remove.size,
    stats: remove.stats,
    tags: remove.tags,
    deletionVector: deletionVectorJson(remove.deletionVector),
    baseRowId: remove.baseRowId,
    defaultRowCommitVersion: remove.defaultRowCommitVersion,
  });
}

function metadataJson(m: Metadata): Json {
  return defined({
    id: m.id,
    name: m.name,
    description: m.description,
    format: { provider: m.format.provider, options: m.format.options },
    schemaString: m.schemaString,
    partitionColumns: m.partitionColumns,
    configuration: m.configuration,
    createdTime: m.createdTime,
  });
}

function protocolJson(p: Protocol): Json {
  return defined({
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures: p.readerFeatures,
    writerFeatures: p.writerFeatures,
  });
}

function cdcJson(c: Cdc): Json {
  return defined({ path: c.path, partitionValues: c.partitionValues, size: c.size, dataChange: c.dataChange, tags: c.tags });
}

/** The protocol JSON object of one action (without the `{kind: …}` wrapper). */
export function actionBody(action: Action): Json {
  switch (action.kind) {
    case 'add':
      return addJson(action.add);
    case 'remove':
      return removeJson(action.remove);
    case 'metaData':
      return metadataJson(action.metaData);
    case 'protocol':
      return protocolJson(action.protocol);
    case 'commitInfo':
      // Free-form: writers put every field in raw; the typed fields are views of it.
      return { ...action.commitInfo.raw };
    case 'txn':
      return defined({ appId: action.txn.appId, version: action.txn.version, lastUpdated: action.txn.lastUpdated });
    case 'cdc':
      return cdcJson(action.cdc);
    case 'domainMetadata': {
      const d = action.domainMetadata;
      return { domain: d.domain, configuration: d.configuration, removed: d.removed };
    }
    case 'checkpointMetadata':
      return defined({ version: action.checkpointMetadata.version, tags: action.checkpointMetadata.tags });
    case 'sidecar': {
      const s = action.sidecar;
      return defined({ path: s.path, sizeInBytes: s.sizeInBytes, modificationTime: s.modificationTime, tags: s.tags });
    }
  }
}

/** JSON.stringify, with the failures it can have (bigint, cycles, NaN) as INVALID_ARGUMENT. */
function actionLine(action: Action, index: number): string {
  let line: string | undefined;
  try {
    line = JSON.stringify({ [action.kind]: actionBody(action) }, (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`the number ${value} has no JSON form`);
      return value;
    });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new LochError('INVALID_ARGUMENT', `delta commit encode: action ${index + 1} (${action.kind}) cannot be written as JSON: ${detail}`, {
      cause,
      context: { action: action.kind, index },
    });
  }
  if (line === undefined) throw new LochError('INTERNAL', `delta commit encode: action ${index + 1} (${action.kind}) produced no JSON`);
  return line;
}

/**
 * The bytes of a commit file holding `actions` in order: UTF-8, one JSON object per line, each
 * line ended by '\n' (as Spark writes). Every action kind is encoded, so the same function also
 * writes V2 JSON checkpoints; which actions a commit may hold is validate-actions' concern.
 * An empty list, or a value JSON cannot hold (bigint, NaN, a cycle in commitInfo.raw), throws
 * INVALID_ARGUMENT.
 */
export function encodeActions(actions: readonly Action[]): Uint8Array {
  if (actions.length === 0) throw new LochError('INVALID_ARGUMENT', 'delta commit encode: a commit needs at least one action');
  let text = '';
  actions.forEach((action, index) => {
    text += `${actionLine(action, index)}\n`;
  });
  return utf8Encode(text);
}
