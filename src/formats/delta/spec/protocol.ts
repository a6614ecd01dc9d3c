import { LochError } from '../../../core/errors.js';
import { describeWhere, logError, whereContext } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import type { Metadata, Protocol } from './actions.js';
import type { ColumnMappingMode } from './schema.js';

export type { ColumnMappingMode } from './schema.js';

/** Reader table features Loch implements (PROTOCOL.md "Valid Feature Names in Table Features"). */
export const SUPPORTED_READER_FEATURES: ReadonlySet<string> = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'typeWidening',
  'typeWidening-preview',
  'v2Checkpoint',
  'vacuumProtocolCheck',
]);

/** The highest reader protocol version Loch understands (3 = reader table features). */
export const MAX_READER_VERSION = 3;

function unsupported(where: LogWhere, what: string, context: Record<string, unknown>): LochError {
  return new LochError('UNSUPPORTED_FEATURE', `delta protocol: ${describeWhere(where)} requires ${what}, which Loch does not support`, {
    context: whereContext(where, context),
  });
}

/**
 * Refuses tables Loch cannot read correctly: an unknown reader feature or a reader version above
 * 3 throws UNSUPPORTED_FEATURE ("delta protocol: table T version V requires reader feature 'x',
 * which Loch does not support"). Features are checked first because they name the exact reason.
 * A reader version below 1 is a PROTOCOL_VIOLATION.
 */
export function validateReadProtocol(protocol: Protocol, where: LogWhere): void {
  for (const feature of protocol.readerFeatures ?? []) {
    if (!SUPPORTED_READER_FEATURES.has(feature)) throw unsupported(where, `reader feature '${feature}'`, { feature });
  }
  const version = protocol.minReaderVersion;
  if (version > MAX_READER_VERSION) throw unsupported(where, `reader version ${version}`, { minReaderVersion: version });
  if (version < 1) {
    throw logError('PROTOCOL_VIOLATION', 'delta protocol', where, `minReaderVersion ${version} is not a valid reader version`, {
      context: { minReaderVersion: version },
    });
  }
}

/** True when the protocol lists `feature` as a reader feature (reader version 3). */
export function hasReaderFeature(protocol: Protocol, feature: string): boolean {
  return protocol.minReaderVersion >= 3 && (protocol.readerFeatures ?? []).includes(feature);
}

/** True when the protocol lists `feature` as a writer feature (writer version 7). */
export function hasWriterFeature(protocol: Protocol, feature: string): boolean {
  return protocol.minWriterVersion >= 7 && (protocol.writerFeatures ?? []).includes(feature);
}

/** Column mapping is honoured on reader version 2, or 3 with the `columnMapping` feature. */
export function supportsColumnMapping(protocol: Protocol): boolean {
  return protocol.minReaderVersion === 2 || hasReaderFeature(protocol, 'columnMapping');
}

/** A table property read as a boolean ("true", case-insensitive); absent or other → false. */
export function booleanProperty(metadata: Metadata, key: string): boolean {
  return (metadata.configuration[key] ?? '').trim().toLowerCase() === 'true';
}

/**
 * The table's column mapping mode from `delta.columnMapping.mode` (absent → 'none'). When the
 * protocol is given and does not support column mapping, the property is ignored ('none'), as
 * PROTOCOL.md "Column Mapping" requires. An unknown mode throws UNSUPPORTED_FEATURE.
 */
export function columnMappingMode(metadata: Metadata, protocol?: Protocol, where?: LogWhere): ColumnMappingMode {
  const raw = metadata.configuration['delta.columnMapping.mode'];
  if (raw === undefined) return 'none';
  const mode = raw.trim().toLowerCase();
  if (mode !== 'none' && mode !== 'name' && mode !== 'id') {
    const at = where === undefined ? 'delta protocol' : `delta protocol: ${describeWhere(where)}`;
    throw new LochError('UNSUPPORTED_FEATURE', `${at}: column mapping mode '${raw}' is not supported`, {
      context: where === undefined ? { mode: raw } : whereContext(where, { mode: raw }),
    });
  }
  if (protocol !== undefined && mode !== 'none' && !supportsColumnMapping(protocol)) return 'none';
  return mode;
}

/** `delta.enableInCommitTimestamps` (also the older `-preview` spelling). */
export function inCommitTimestampsEnabled(metadata: Metadata): boolean {
  return (
    booleanProperty(metadata, 'delta.enableInCommitTimestamps') || booleanProperty(metadata, 'delta.enableInCommitTimestamps-preview')
  );
}

export interface InCommitTimestampEnablement {
  /** The first version whose commitInfo carries an inCommitTimestamp. */
  readonly version: number;
  /** The inCommitTimestamp of that version (ms). */
  readonly timestamp: number;
}

/**
 * When ICT was enabled on a table that already had commits, the version and timestamp at which it
 * was (PROTOCOL.md "In-Commit Timestamps"); undefined when ICT is off or was on from the start.
 */
export function inCommitTimestampEnablement(metadata: Metadata): InCommitTimestampEnablement | undefined {
  if (!inCommitTimestampsEnabled(metadata)) return undefined;
  const version = Number(metadata.configuration['delta.inCommitTimestampEnablementVersion']);
  const timestamp = Number(metadata.configuration['delta.inCommitTimestampEnablementTimestamp']);
  if (!Number.isInteger(version) || !Number.isFinite(timestamp)) return undefined;
  return { version, timestamp };
}

/** `delta.enableChangeDataFeed`. */
export function changeDataFeedEnabled(metadata: Metadata): boolean {
  return booleanProperty(metadata, 'delta.enableChangeDataFeed');
}

/** `delta.enableDeletionVectors` (readers must honour DVs even when this is off). */
export function deletionVectorsEnabled(metadata: Metadata): boolean {
  return booleanProperty(metadata, 'delta.enableDeletionVectors');
}

/** `delta.appendOnly`. */
export function appendOnly(metadata: Metadata): boolean {
  return booleanProperty(metadata, 'delta.appendOnly');
}

/** `delta.checkpointInterval`, default 10 (Delta's default). */
export function checkpointInterval(metadata: Metadata): number {
  const value = Number(metadata.configuration['delta.checkpointInterval']);
  return Number.isInteger(value) && value > 0 ? value : 10;
}
