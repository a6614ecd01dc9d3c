import { LochError } from '../../../core/errors.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { describeWhere, logError, whereContext } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import type { Protocol } from '../spec/actions.js';
import { validateReadProtocol } from '../spec/protocol.js';

/**
 * Which protocol a Delta table needs (PROTOCOL.md "Protocol Evolution", "Table Features",
 * "Writer Version Requirements") and whether Loch may write a table with a given protocol.
 */

interface FeatureInfo {
  /** Reader-writer features are listed in both lists; writer features only in writerFeatures. */
  readonly readerWriter: boolean;
  /** The legacy protocol versions that imply the feature (features from before table features). */
  readonly legacy?: { readonly reader: number; readonly writer: number };
  /** Features the feature depends on (PROTOCOL.md names them in each feature's section). */
  readonly requires?: readonly string[];
}

const W = (extra: Partial<FeatureInfo> = {}): FeatureInfo => ({ readerWriter: false, ...extra });
const RW = (extra: Partial<FeatureInfo> = {}): FeatureInfo => ({ readerWriter: true, ...extra });

/** Every feature name Loch knows, in the order new features are appended to the lists. */
export const TABLE_FEATURES: ReadonlyMap<string, FeatureInfo> = new Map<string, FeatureInfo>([
  ['appendOnly', W({ legacy: { reader: 1, writer: 2 } })],
  ['invariants', W({ legacy: { reader: 1, writer: 2 } })],
  ['checkConstraints', W({ legacy: { reader: 1, writer: 3 } })],
  ['changeDataFeed', W({ legacy: { reader: 1, writer: 4 } })],
  ['generatedColumns', W({ legacy: { reader: 1, writer: 4 } })],
  ['columnMapping', RW({ legacy: { reader: 2, writer: 5 } })],
  ['identityColumns', W({ legacy: { reader: 1, writer: 6 } })],
  ['deletionVectors', RW()],
  ['timestampNtz', RW()],
  ['domainMetadata', W()],
  ['v2Checkpoint', RW()],
  ['vacuumProtocolCheck', RW()],
  ['typeWidening', RW()],
  ['typeWidening-preview', RW()],
  ['inCommitTimestamp', W()],
  ['rowTracking', W({ requires: ['domainMetadata'] })],
  ['clustering', W({ requires: ['domainMetadata'] })],
  ['icebergCompatV1', W({ requires: ['columnMapping'] })],
  ['icebergCompatV2', W({ requires: ['columnMapping'] })],
  ['allowColumnDefaults', W()],
  ['variantType', RW()],
  ['variantType-preview', RW()],
  ['variantShredding', RW({ requires: ['variantType'] })],
  ['catalogManaged', RW({ requires: ['inCommitTimestamp'] })],
  ['checkpointProtection', W()],
]);

/** The legacy floor of a new table, as Spark and delta-rs create them: writer 2 only asks for appendOnly/invariants. */
export const DEFAULT_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

const PROPERTY_FEATURES: readonly (readonly [key: string, feature: string])[] = [
  ['delta.appendOnly', 'appendOnly'],
  ['delta.enableChangeDataFeed', 'changeDataFeed'],
  ['delta.enableDeletionVectors', 'deletionVectors'],
  ['delta.enableInCommitTimestamps', 'inCommitTimestamp'],
  ['delta.enableRowTracking', 'rowTracking'],
  ['delta.enableTypeWidening', 'typeWidening'],
  ['delta.enableIcebergCompatV1', 'icebergCompatV1'],
  ['delta.enableIcebergCompatV2', 'icebergCompatV2'],
];

const FEATURE_PREFIX = 'delta.feature.';

/** True when `feature` is a reader-writer feature Loch knows. */
export function isReaderWriterFeature(feature: string): boolean {
  return TABLE_FEATURES.get(feature)?.readerWriter === true;
}

/** The features a legacy writer version implies (all of them for 7+, which has explicit lists). */
export function legacyWriterFeatures(writerVersion: number): string[] {
  return [...TABLE_FEATURES].filter(([, info]) => info.legacy !== undefined && info.legacy.writer <= writerVersion).map(([name]) => name);
}

/**
 * True when the protocol supports `feature`: listed in writerFeatures on writer version 7, or
 * implied by a legacy writer version (and, for columnMapping, a reader version of 2+).
 */
export function protocolSupports(protocol: Protocol, feature: string): boolean {
  const info = TABLE_FEATURES.get(feature);
  if (protocol.minWriterVersion >= 7) {
    if (!(protocol.writerFeatures ?? []).includes(feature)) return false;
    if (info?.readerWriter !== true) return true;
    return protocol.minReaderVersion >= 3 ? (protocol.readerFeatures ?? []).includes(feature) : info.legacy !== undefined && protocol.minReaderVersion >= info.legacy.reader;
  }
  if (info?.legacy === undefined) return false;
  return protocol.minWriterVersion >= info.legacy.writer && protocol.minReaderVersion >= info.legacy.reader;
}

export interface ProtocolInput {
  /** The table properties the table will have (after this commit). */
  readonly properties: Readonly<Record<string, string>>;
  readonly schema: StructType;
  readonly hasCheckConstraints: boolean;
  /** The table's protocol before this commit; never downgraded. */
  readonly current?: Protocol;
}

/**
 * The least protocol a table with these properties and this schema needs, never below `current`
 * (the result supports everything `current` does).
 *
 * - Legacy versions while only legacy features are used: (1,2) appendOnly/invariants (the floor),
 *   (1,3) checkConstraints, (1,4) changeDataFeed/generatedColumns, (2,5) columnMapping,
 *   (1,6) identityColumns.
 * - Table features (writer 7, and reader 3 when a non-legacy reader-writer feature is needed)
 *   as soon as a non-legacy feature is needed, the current protocol uses them, or the properties
 *   ask for them. writerFeatures then lists every feature used, legacy ones included; upgrading a
 *   legacy protocol lists every feature its versions imply (PROTOCOL.md: a writer must assume
 *   they were used). A reader version of 2 is kept for column mapping without reader features.
 * - `delta.minReaderVersion` / `delta.minWriterVersion` and `delta.feature.<name>` =
 *   'supported' (or 'enabled') are honoured; bad values throw INVALID_ARGUMENT, unknown feature
 *   names UNSUPPORTED_FEATURE.
 */
export function requiredProtocol(input: ProtocolInput): Protocol {
  const explicit = explicitVersions(input.properties);
  const needed = withDependencies(neededFeatures(input));
  const current = input.current;
  const featureForm =
    [...needed].some((f) => TABLE_FEATURES.get(f)?.legacy === undefined) ||
    explicit.writer === 7 ||
    explicit.reader === 3 ||
    (current !== undefined && (current.minWriterVersion >= 7 || current.minReaderVersion >= 3));
  return featureForm ? featureProtocol(needed, explicit, current) : legacyProtocol(needed, explicit, current);
}

interface ExplicitVersions {
  readonly reader?: number;
  readonly writer?: number;
}

function explicitVersions(properties: Readonly<Record<string, string>>): ExplicitVersions {
  const read = (key: string, max: number): number | undefined => {
    const raw = properties[key];
    if (raw === undefined) return undefined;
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < 1 || value > max || raw.trim() === '') {
      throw new LochError('INVALID_ARGUMENT', `delta protocol: table property ${key} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`, {
        context: { property: key, value: raw },
      });
    }
    return value;
  };
  const reader = read('delta.minReaderVersion', 3);
  const writer = read('delta.minWriterVersion', 7);
  return { ...(reader === undefined ? {} : { reader }), ...(writer === undefined ? {} : { writer }) };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

function neededFeatures(input: ProtocolInput): Set<string> {
  const needed = new Set<string>();
  const props = input.properties;
  for (const [key, feature] of PROPERTY_FEATURES) if (isTrue(props[key])) needed.add(feature);
  const mode = props['delta.columnMapping.mode']?.trim().toLowerCase();
  if (mode === 'name' || mode === 'id') needed.add('columnMapping');
  if (props['delta.checkpointPolicy']?.trim().toLowerCase() === 'v2') needed.add('v2Checkpoint');
  if (input.hasCheckConstraints || Object.keys(props).some((k) => k.startsWith('delta.constraints.'))) needed.add('checkConstraints');
  for (const feature of requestedFeatures(props)) needed.add(feature);
  for (const feature of schemaFeatures(input.schema)) needed.add(feature);
  // A table that already supports the preview spelling of type widening needs no second feature.
  if (needed.has('typeWidening') && input.current !== undefined && protocolSupports(input.current, 'typeWidening-preview') && !isTrue(props['delta.feature.typeWidening'])) {
    needed.delete('typeWidening');
  }
  return needed;
}

function featureByLowerName(name: string): string {
  const lower = name.toLowerCase();
  for (const known of TABLE_FEATURES.keys()) if (known.toLowerCase() === lower) return known;
  return name;
}

function requestedFeatures(properties: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [key, raw] of Object.entries(properties)) {
    if (!key.startsWith(FEATURE_PREFIX)) continue;
    // Property keys are stored lower-cased (as Spark does); feature names are camelCase.
    const name = featureByLowerName(key.slice(FEATURE_PREFIX.length));
    const value = raw.trim().toLowerCase();
    if (value !== 'supported' && value !== 'enabled') {
      throw new LochError('INVALID_ARGUMENT', `delta protocol: table property ${key} must be 'supported', got ${JSON.stringify(raw)}`, {
        context: { property: key, value: raw },
      });
    }
    if (!TABLE_FEATURES.has(name)) {
      throw new LochError('UNSUPPORTED_FEATURE', `delta protocol: table property ${key} names table feature '${name}', which Loch does not know`, {
        context: { property: key, feature: name },
      });
    }
    out.push(name);
  }
  return out;
}

/** Features the schema uses: timestamp_ntz anywhere, and column metadata of other features. */
function schemaFeatures(schema: StructType): Set<string> {
  const out = new Set<string>();
  const visitType = (type: DataType): void => {
    if (type.kind === 'primitive' && type.name === 'timestamp_ntz') out.add('timestampNtz');
    else if (type.kind === 'struct') type.fields.forEach(visitField);
    else if (type.kind === 'array') visitType(type.element);
    else if (type.kind === 'map') {
      visitType(type.key);
      visitType(type.value);
    }
  };
  const visitField = (field: StructField): void => {
    for (const feature of metadataFeatures(field.metadata ?? {})) out.add(feature);
    visitType(field.type);
  };
  schema.fields.forEach(visitField);
  return out;
}

/** Writer features that column metadata keys make active (PROTOCOL.md "Column Metadata"). */
export function metadataFeatures(metadata: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const keys = Object.keys(metadata);
  if (keys.includes('delta.invariants')) out.push('invariants');
  if (keys.includes('delta.generationExpression')) out.push('generatedColumns');
  if (keys.some((k) => k.startsWith('delta.identity.'))) out.push('identityColumns');
  if (keys.includes('CURRENT_DEFAULT')) out.push('allowColumnDefaults');
  if (keys.includes('delta.typeChanges')) out.push('typeWidening');
  return out;
}

function withDependencies(features: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const add = (feature: string): void => {
    if (out.has(feature)) return;
    out.add(feature);
    for (const dependency of TABLE_FEATURES.get(feature)?.requires ?? []) add(dependency);
  };
  for (const feature of features) add(feature);
  return out;
}

function legacyProtocol(needed: ReadonlySet<string>, explicit: ExplicitVersions, current: Protocol | undefined): Protocol {
  // A new table starts from an explicit request or the default floor; an existing one from its protocol.
  let reader = Math.max(current?.minReaderVersion ?? explicit.reader ?? DEFAULT_PROTOCOL.minReaderVersion, explicit.reader ?? 1);
  let writer = Math.max(current?.minWriterVersion ?? explicit.writer ?? DEFAULT_PROTOCOL.minWriterVersion, explicit.writer ?? 1);
  for (const feature of needed) {
    const legacy = TABLE_FEATURES.get(feature)?.legacy;
    if (legacy === undefined) continue;
    reader = Math.max(reader, legacy.reader);
    writer = Math.max(writer, legacy.writer);
  }
  return { minReaderVersion: reader, minWriterVersion: writer };
}

/** Appends `features` to `list` in registry order (unknown names last, sorted), skipping duplicates. */
function appendOrdered(list: string[], features: Iterable<string>): void {
  const rank = (name: string): number => {
    const index = [...TABLE_FEATURES.keys()].indexOf(name);
    return index < 0 ? TABLE_FEATURES.size : index;
  };
  const fresh = [...new Set(features)].filter((f) => !list.includes(f));
  fresh.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  list.push(...fresh);
}

function featureProtocol(needed: ReadonlySet<string>, explicit: ExplicitVersions, current: Protocol | undefined): Protocol {
  const writerFeatures: string[] = [];
  const readerFeatures: string[] = [];
  if (current !== undefined) {
    if (current.minWriterVersion >= 7) appendOrdered(writerFeatures, current.writerFeatures ?? []);
    else appendOrdered(writerFeatures, legacyWriterFeatures(current.minWriterVersion));
    if (current.minReaderVersion >= 3) {
      appendOrdered(readerFeatures, current.readerFeatures ?? []);
      appendOrdered(writerFeatures, current.readerFeatures ?? []);
    }
  }
  if (explicit.writer !== undefined && explicit.writer < 7) appendOrdered(writerFeatures, legacyWriterFeatures(explicit.writer));
  appendOrdered(writerFeatures, withDependencies([...writerFeatures, ...needed]));
  const readerWriter = writerFeatures.filter(isReaderWriterFeature);
  const needsReaderFeatures =
    readerFeatures.length > 0 ||
    explicit.reader === 3 ||
    (current?.minReaderVersion ?? 1) >= 3 ||
    readerWriter.some((f) => TABLE_FEATURES.get(f)?.legacy === undefined);
  if (needsReaderFeatures) {
    appendOrdered(readerFeatures, readerWriter);
    return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures };
  }
  const legacyReader = Math.max(1, ...readerWriter.map((f) => TABLE_FEATURES.get(f)?.legacy?.reader ?? 1));
  const reader = Math.max(current?.minReaderVersion ?? 1, explicit.reader ?? 1, legacyReader);
  return { minReaderVersion: reader, minWriterVersion: 7, writerFeatures };
}

/** Writer features Loch honours when writing (see checkWritable). */
export const WRITABLE_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'checkConstraints',
  'changeDataFeed',
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'inCommitTimestamp',
  'domainMetadata',
  'typeWidening',
  'typeWidening-preview',
  'vacuumProtocolCheck',
  // Loch writes classic (V1-spec) checkpoints, which the feature allows; never multi-part ones.
  'v2Checkpoint',
  // Supported as long as Loch does not cluster: it keeps the delta.clustering domain untouched.
  'clustering',
  // Loch writes what IcebergCompatV2 asks (partition values in the files, nested ids, no DVs).
  'icebergCompatV2',
]);

/**
 * Writer features that impose nothing until a column uses them: the column metadata key prefix
 * that makes them active.
 */
const COLUMN_FEATURES: ReadonlyMap<string, { readonly key: string; readonly what: string }> = new Map([
  ['generatedColumns', { key: 'delta.generationExpression', what: 'a generation expression' }],
  ['identityColumns', { key: 'delta.identity.', what: 'an identity definition' }],
  ['allowColumnDefaults', { key: 'CURRENT_DEFAULT', what: 'a default value' }],
]);

const MAX_WRITER_VERSION = 7;

/**
 * Refuses tables Loch cannot write correctly. Writers must also read the table, so every reader
 * check of validateReadProtocol applies first. Then a writer version above 7 or a writer feature
 * (listed, or implied by a legacy writer version) outside WRITABLE_FEATURES throws
 * UNSUPPORTED_FEATURE naming it: "delta protocol: table T version V requires writer feature 'x',
 * which Loch does not support for writing".
 *
 * generatedColumns, identityColumns and allowColumnDefaults only matter when a column uses them,
 * so they are refused only when `schema` has such a column, naming it. Pass the schema: without
 * it they are refused whenever the protocol allows them (legacy writer 4+ included), because Loch
 * cannot tell they are unused.
 */
export function checkWritable(protocol: Protocol, where: LogWhere, schema?: StructType): void {
  validateReadProtocol(protocol, where);
  const version = protocol.minWriterVersion;
  if (version > MAX_WRITER_VERSION) throw unwritable(where, `writer version ${version}`, { minWriterVersion: version });
  if (version < 1) {
    throw logError('PROTOCOL_VIOLATION', 'delta protocol', where, `minWriterVersion ${version} is not a valid writer version`, {
      context: { minWriterVersion: version },
    });
  }
  const features = version >= 7 ? (protocol.writerFeatures ?? []) : legacyWriterFeatures(version);
  for (const feature of features) {
    if (WRITABLE_FEATURES.has(feature)) continue;
    const column = COLUMN_FEATURES.get(feature);
    if (column === undefined || schema === undefined) throw unwritable(where, `writer feature '${feature}'`, { feature });
    const user = columnWithMetadata(schema, column.key);
    if (user !== undefined) {
      throw unwritable(where, `writer feature '${feature}' (column '${user}' has ${column.what})`, { feature, column: user });
    }
  }
}

function unwritable(where: LogWhere, what: string, context: Record<string, unknown>): LochError {
  return new LochError('UNSUPPORTED_FEATURE', `delta protocol: ${describeWhere(where)} requires ${what}, which Loch does not support for writing`, {
    context: whereContext(where, context),
  });
}

/** The dotted name of the first column (nested included) with a metadata key starting with `prefix`. */
function columnWithMetadata(schema: StructType, prefix: string): string | undefined {
  const inType = (type: DataType, path: string): string | undefined => {
    if (type.kind === 'struct') {
      for (const field of type.fields) {
        const name = path === '' ? field.name : `${path}.${field.name}`;
        if (Object.keys(field.metadata ?? {}).some((k) => k.startsWith(prefix))) return name;
        const nested = inType(field.type, name);
        if (nested !== undefined) return nested;
      }
      return undefined;
    }
    if (type.kind === 'array') return inType(type.element, `${path}.element`);
    if (type.kind === 'map') return inType(type.key, `${path}.key`) ?? inType(type.value, `${path}.value`);
    return undefined;
  };
  return inType(schema, '');
}
