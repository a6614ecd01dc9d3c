import { LochError } from '../../../core/errors.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';
import { describeWhere, whereContext } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import type { Action, CommitInfo, Metadata, Protocol } from '../spec/actions.js';
import { booleanProperty, inCommitTimestampsEnabled } from '../spec/protocol.js';
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY, parseDeltaSchema } from '../spec/schema.js';
import { isReaderWriterFeature, legacyWriterFeatures, metadataFeatures, protocolSupports, TABLE_FEATURES } from './protocol-for.js';
import { checkFileActions } from './validate-files.js';
import type { Report, TableAfter } from './validate-files.js';

/**
 * The writer-side check of a commit before it is written: every rule of PROTOCOL.md a Loch
 * commit must keep. A problem here is a bug in Loch, never bad user input (that is refused
 * earlier with a proper error), so assertValidCommit throws INTERNAL.
 */

/** Protocol and metadata of the table before the commit (undefined when it creates the table). */
export interface CommitBefore {
  readonly protocol: Protocol;
  readonly metadata: Metadata;
}

/**
 * The problems of a commit (empty = valid), each a sentence naming the action and the value:
 * one commitInfo (first, with an integer inCommitTimestamp when in-commit timestamps are on);
 * protocol and metaData in a new table, at most one of each; a well-formed protocol that keeps
 * every feature `before` had and supports every feature the properties and schema use; complete
 * metadata (id, parquet, a schema that parses, partition columns that are primitive, non-binary
 * top-level columns); column mapping metadata on every field when mapping is on; adds with a
 * valid relative or absolute URI path, sizes and times ≥ 0, partition values for exactly the
 * partition columns' physical names that parse for their type, and stats that fit the schema;
 * removes with a deletionTimestamp; no logical file (path + DV) twice; no duplicate txn appId or
 * domain; no data-changing remove in an append-only table.
 */
export function validateCommit(actions: readonly Action[], before: CommitBefore | undefined, where: LogWhere): string[] {
  const problems: string[] = [];
  const report: Report = (p) => problems.push(p);
  const protocols = actions.flatMap((a) => (a.kind === 'protocol' ? [a.protocol] : []));
  const metadatas = actions.flatMap((a) => (a.kind === 'metaData' ? [a.metaData] : []));
  const infos = actions.filter((a) => a.kind === 'commitInfo');
  if (infos.length !== 1) report(`the commit has ${infos.length} commitInfo actions; exactly one is required`);
  if (protocols.length > 1) report(`the commit has ${protocols.length} protocol actions; at most one is allowed`);
  if (metadatas.length > 1) report(`the commit has ${metadatas.length} metaData actions; at most one is allowed`);
  if (before === undefined || where.version === 0) {
    if (protocols.length === 0) report('a new table needs a protocol action');
    if (metadatas.length === 0) report('a new table needs a metaData action');
  }
  for (const a of actions) {
    if (a.kind === 'checkpointMetadata' || a.kind === 'sidecar') report(`a ${a.kind} action is only allowed in V2 checkpoints, not in commits`);
  }
  const protocol = protocols[0] ?? before?.protocol;
  const metadata = metadatas[0] ?? before?.metadata;
  if (protocol === undefined || metadata === undefined) return problems;
  if (protocols[0] !== undefined) checkProtocol(protocols[0], before?.protocol, report);
  const after = checkMetadata(metadata, protocol, where, report);
  checkFeatureUse(after, report);
  if (after.schema !== undefined) checkColumnMapping(metadata, after.schema, report);
  checkCommitInfo(actions, before, after, where, report);
  checkFileActions(actions, after, report);
  checkOtherActions(actions, protocol, report);
  checkAppendOnly(actions, before, after, report);
  return problems;
}

/** validateCommit that throws INTERNAL "delta writer: table T version V: invalid commit: p1; p2". */
export function assertValidCommit(actions: readonly Action[], before: CommitBefore | undefined, where: LogWhere): void {
  const problems = validateCommit(actions, before, where);
  if (problems.length === 0) return;
  throw new LochError('INTERNAL', `delta writer: ${describeWhere(where)}: invalid commit: ${problems.join('; ')}`, {
    context: whereContext(where, { problems }),
  });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function describeProtocol(p: Protocol): string {
  return `(${p.minReaderVersion},${p.minWriterVersion})`;
}

/** Every feature a protocol supports: its writer features, or those its legacy versions imply. */
function supportedFeatures(p: Protocol): string[] {
  if (p.minWriterVersion >= 7) return [...(p.writerFeatures ?? [])];
  return legacyWriterFeatures(p.minWriterVersion).filter((f) => protocolSupports(p, f));
}

function checkProtocol(p: Protocol, previous: Protocol | undefined, report: Report): void {
  const { minReaderVersion: reader, minWriterVersion: writer } = p;
  if (!Number.isInteger(reader) || reader < 1 || reader > 3) report(`protocol minReaderVersion ${reader} is not 1, 2 or 3`);
  if (!Number.isInteger(writer) || writer < 1 || writer > 7) report(`protocol minWriterVersion ${writer} is not from 1 to 7`);
  const readerList = p.readerFeatures;
  const writerList = p.writerFeatures;
  if ((readerList !== undefined) !== (reader === 3)) report(`protocol ${describeProtocol(p)}: readerFeatures must be present exactly when minReaderVersion is 3`);
  if ((writerList !== undefined) !== (writer === 7)) report(`protocol ${describeProtocol(p)}: writerFeatures must be present exactly when minWriterVersion is 7`);
  if (reader === 3 && writer !== 7) report(`protocol ${describeProtocol(p)}: reader version 3 needs writer version 7`);
  for (const [name, list] of [['readerFeatures', readerList ?? []], ['writerFeatures', writerList ?? []]] as const) {
    if (new Set(list).size !== list.length) report(`protocol ${name} lists a feature twice: ${list.join(', ')}`);
  }
  for (const f of readerList ?? []) if (!(writerList ?? []).includes(f)) report(`protocol reader feature '${f}' is not also a writer feature`);
  for (const f of writerList ?? []) {
    if (!isReaderWriterFeature(f)) continue;
    if (reader === 3 && !(readerList ?? []).includes(f)) report(`protocol writer feature '${f}' is a reader-writer feature but is not in readerFeatures`);
    const legacyReader = TABLE_FEATURES.get(f)?.legacy?.reader;
    if (reader < 3 && (legacyReader === undefined || reader < legacyReader)) report(`protocol ${describeProtocol(p)}: reader-writer feature '${f}' needs reader version 3`);
  }
  if (previous === undefined) return;
  if (reader < previous.minReaderVersion || writer < previous.minWriterVersion) {
    report(`protocol ${describeProtocol(p)} downgrades ${describeProtocol(previous)}`);
  }
  for (const f of supportedFeatures(previous)) {
    if (!protocolSupports(p, f) && !(p.writerFeatures ?? []).includes(f)) report(`protocol ${describeProtocol(p)} drops feature '${f}' of ${describeProtocol(previous)}`);
  }
}

function checkMetadata(metadata: Metadata, protocol: Protocol, where: LogWhere, report: Report): TableAfter {
  if (typeof metadata.id !== 'string' || metadata.id === '') report('metaData id is empty');
  if (metadata.format?.provider !== 'parquet') report(`metaData format provider is '${String(metadata.format?.provider)}', not 'parquet'`);
  for (const [key, value] of Object.entries(metadata.configuration ?? {})) {
    if (typeof value !== 'string') report(`metaData configuration ${key} is not a string`);
  }
  const mode = (metadata.configuration?.['delta.columnMapping.mode'] ?? 'none').trim().toLowerCase();
  if (mode !== 'none' && mode !== 'name' && mode !== 'id') report(`delta.columnMapping.mode '${mode}' is not none, name or id`);
  let schema: StructType | undefined;
  try {
    // With mapping on, physical names come from the metadata (checked in checkColumnMapping).
    schema = parseDeltaSchema(metadata.schemaString, where, mode === 'none' ? { columnMapping: 'none' } : {});
  } catch (error) {
    report(`metaData schemaString does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const partitionFields: StructField[] = [];
  const columns = Array.isArray(metadata.partitionColumns) ? metadata.partitionColumns : [];
  if (new Set(columns).size !== columns.length) report(`metaData partitionColumns lists a column twice: ${columns.join(', ')}`);
  if (schema !== undefined) {
    checkUniqueNames(schema, '', report);
    for (const column of columns) {
      const found = schema.fields.find((f) => f.name === column);
      if (found === undefined) report(`partition column '${column}' is not a top-level column of the schema`);
      else if (!isPartitionType(found.type)) report(`partition column '${column}' has type ${typeToString(found.type)}, which cannot be a partition column`);
      else partitionFields.push(found);
    }
  }
  return { protocol, metadata, ...(schema === undefined ? {} : { schema }), partitionFields };
}

function isPartitionType(type: DataType): boolean {
  return type.kind === 'decimal' || (type.kind === 'primitive' && type.name !== 'binary');
}

/** PROTOCOL.md: column names must be unique regardless of case (per struct). */
function checkUniqueNames(type: DataType, path: string, report: Report): void {
  if (type.kind === 'array') return checkUniqueNames(type.element, `${path}.element`, report);
  if (type.kind === 'map') {
    checkUniqueNames(type.key, `${path}.key`, report);
    return checkUniqueNames(type.value, `${path}.value`, report);
  }
  if (type.kind !== 'struct') return;
  const seen = new Set<string>();
  for (const f of type.fields) {
    const name = path === '' ? f.name : `${path}.${f.name}`;
    if (seen.has(f.name.toLowerCase())) report(`schema has column '${name}' twice (names are case-insensitive)`);
    seen.add(f.name.toLowerCase());
    checkUniqueNames(f.type, name, report);
  }
}

/** Every field of the schema, nested ones (in structs, arrays and maps) included, with its dotted name. */
function allFields(schema: StructType): { name: string; field: StructField }[] {
  const out: { name: string; field: StructField }[] = [];
  const visit = (type: DataType, path: string): void => {
    if (type.kind === 'array') visit(type.element, `${path}.element`);
    else if (type.kind === 'map') {
      visit(type.key, `${path}.key`);
      visit(type.value, `${path}.value`);
    } else if (type.kind === 'struct') {
      for (const f of type.fields) {
        const name = path === '' ? f.name : `${path}.${f.name}`;
        out.push({ name, field: f });
        visit(f.type, name);
      }
    }
  };
  visit(schema, '');
  return out;
}

function checkFeatureUse(after: TableAfter, report: Report): void {
  const { protocol, metadata } = after;
  const config = metadata.configuration ?? {};
  const needs: [reason: string, features: readonly string[]][] = [];
  const prop = (key: string, feature: string): void => {
    if (booleanProperty(metadata, key)) needs.push([`${key}=true`, [feature]]);
  };
  const mode = (config['delta.columnMapping.mode'] ?? 'none').trim().toLowerCase();
  if (mode === 'name' || mode === 'id') needs.push([`delta.columnMapping.mode=${mode}`, ['columnMapping']]);
  prop('delta.enableDeletionVectors', 'deletionVectors');
  prop('delta.enableChangeDataFeed', 'changeDataFeed');
  prop('delta.appendOnly', 'appendOnly');
  prop('delta.enableRowTracking', 'rowTracking');
  if (inCommitTimestampsEnabled(metadata)) needs.push(['delta.enableInCommitTimestamps=true', ['inCommitTimestamp']]);
  if (booleanProperty(metadata, 'delta.enableTypeWidening')) needs.push(['delta.enableTypeWidening=true', ['typeWidening', 'typeWidening-preview']]);
  if ((config['delta.checkpointPolicy'] ?? '').trim().toLowerCase() === 'v2') needs.push(['delta.checkpointPolicy=v2', ['v2Checkpoint']]);
  const constraint = Object.keys(config).find((k) => k.startsWith('delta.constraints.'));
  if (constraint !== undefined) needs.push([`CHECK constraint ${constraint}`, ['checkConstraints']]);
  for (const { name, field } of after.schema === undefined ? [] : allFields(after.schema)) {
    if (containsNtz(field.type)) needs.push([`column '${name}' of type ${typeToString(field.type)}`, ['timestampNtz']]);
    for (const f of metadataFeatures(field.metadata ?? {})) {
      needs.push([`column '${name}' metadata`, f === 'typeWidening' ? ['typeWidening', 'typeWidening-preview'] : [f]]);
    }
  }
  const reported = new Set<string>();
  for (const [reason, features] of needs) {
    if (features.some((f) => protocolSupports(protocol, f))) continue;
    const message = `${reason} needs table feature '${features[0]}', which protocol ${describeProtocol(protocol)} does not support`;
    if (!reported.has(message)) report(message);
    reported.add(message);
  }
}

/** True for timestamp_ntz itself or directly inside arrays/maps (struct fields are visited on their own). */
function containsNtz(type: DataType): boolean {
  if (type.kind === 'primitive') return type.name === 'timestamp_ntz';
  if (type.kind === 'array') return containsNtz(type.element);
  if (type.kind === 'map') return containsNtz(type.key) || containsNtz(type.value);
  return false;
}

function checkColumnMapping(metadata: Metadata, schema: StructType, report: Report): void {
  const mode = (metadata.configuration?.['delta.columnMapping.mode'] ?? 'none').trim().toLowerCase();
  if (mode !== 'name' && mode !== 'id') return;
  const ids = new Map<number, string>();
  const physical = new Map<string, string>();
  for (const { name, field } of allFields(schema)) {
    const meta = field.metadata ?? {};
    const physicalName = meta[PHYSICAL_NAME_KEY];
    const id = meta[COLUMN_ID_KEY];
    if (typeof physicalName !== 'string' || physicalName === '') report(`column '${name}' has no ${PHYSICAL_NAME_KEY} although column mapping is '${mode}'`);
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) report(`column '${name}' has no integer ${COLUMN_ID_KEY} although column mapping is '${mode}'`);
    if (typeof id === 'number') {
      const other = ids.get(id);
      if (other !== undefined) report(`columns '${other}' and '${name}' share ${COLUMN_ID_KEY} ${id}`);
      ids.set(id, name);
    }
    const parent = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
    if (typeof physicalName === 'string') {
      const key = `${parent}\u0000${physicalName}`;
      const other = physical.get(key);
      if (other !== undefined) report(`columns '${other}' and '${name}' share physical name '${physicalName}'`);
      physical.set(key, name);
    }
  }
  const rawMax = metadata.configuration?.['delta.columnMapping.maxColumnId'];
  const max = Number(rawMax);
  const highest = Math.max(0, ...ids.keys());
  if (rawMax === undefined || !Number.isInteger(max)) report(`delta.columnMapping.maxColumnId is missing or not an integer although column mapping is '${mode}'`);
  else if (max < highest) report(`delta.columnMapping.maxColumnId ${max} is below the highest column id ${highest}`);
}

function inCommitTimestampOf(info: CommitInfo): unknown {
  return info.inCommitTimestamp ?? info.raw?.['inCommitTimestamp'];
}

function checkCommitInfo(actions: readonly Action[], before: CommitBefore | undefined, after: TableAfter, where: LogWhere, report: Report): void {
  const enabled = inCommitTimestampsEnabled(after.metadata) && protocolSupports(after.protocol, 'inCommitTimestamp');
  if (!enabled) return;
  const first = actions[0];
  if (first?.kind !== 'commitInfo') {
    report('in-commit timestamps are enabled, so commitInfo must be the first action');
    return;
  }
  const ict = inCommitTimestampOf(first.commitInfo);
  if (!isCount(ict)) {
    report(`in-commit timestamps are enabled, but commitInfo.inCommitTimestamp is ${JSON.stringify(ict) ?? 'missing'}, not a non-negative integer`);
    return;
  }
  const wasEnabled = before !== undefined && inCommitTimestampsEnabled(before.metadata) && protocolSupports(before.protocol, 'inCommitTimestamp');
  if (before === undefined || wasEnabled || where.version === 0) return;
  const config = after.metadata.configuration ?? {};
  if (config['delta.inCommitTimestampEnablementVersion'] !== String(where.version) || config['delta.inCommitTimestampEnablementTimestamp'] !== String(ict)) {
    report(
      `enabling in-commit timestamps at version ${where.version} needs delta.inCommitTimestampEnablementVersion=${where.version} and delta.inCommitTimestampEnablementTimestamp=${ict}`,
    );
  }
}

function checkOtherActions(actions: readonly Action[], protocol: Protocol, report: Report): void {
  const appIds = new Set<string>();
  const domains = new Set<string>();
  for (const a of actions) {
    if (a.kind === 'txn') {
      if (typeof a.txn.appId !== 'string' || a.txn.appId === '') report('txn has an empty appId');
      if (!Number.isSafeInteger(a.txn.version)) report(`txn ${a.txn.appId}: version ${String(a.txn.version)} is not an integer`);
      if (appIds.has(a.txn.appId)) report(`txn appId '${a.txn.appId}' appears twice`);
      appIds.add(a.txn.appId);
    } else if (a.kind === 'domainMetadata') {
      const { domain } = a.domainMetadata;
      if (typeof domain !== 'string' || domain === '') report('domainMetadata has an empty domain');
      if (domains.has(domain)) report(`domainMetadata for domain '${domain}' appears twice`);
      domains.add(domain);
      if (!protocolSupports(protocol, 'domainMetadata')) report(`domainMetadata '${domain}' needs table feature 'domainMetadata', which protocol ${describeProtocol(protocol)} does not support`);
    }
  }
}

function isAppendOnly(protocol: Protocol, metadata: Metadata): boolean {
  return booleanProperty(metadata, 'delta.appendOnly') && protocolSupports(protocol, 'appendOnly');
}

function checkAppendOnly(actions: readonly Action[], before: CommitBefore | undefined, after: TableAfter, report: Report): void {
  if (before === undefined || !isAppendOnly(before.protocol, before.metadata) || !isAppendOnly(after.protocol, after.metadata)) return;
  for (const a of actions) {
    if (a.kind === 'remove' && a.remove.dataChange) report(`remove ${a.remove.path}: the table is append-only (delta.appendOnly=true), so no remove may change data`);
  }
}
