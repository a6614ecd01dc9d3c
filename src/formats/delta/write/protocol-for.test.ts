import { describe, expect, it } from 'vitest';
import { field, primitive } from '../../../expr/types.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import type { Protocol } from '../spec/actions.js';
import { thrown } from '../../../test-support/errors.js';
import { checkWritable, legacyWriterFeatures, protocolSupports, requiredProtocol } from './protocol-for.js';

const where = { table: '/t', version: 4 };
const plain: StructType = { kind: 'struct', fields: [field('id', primitive('long')), field('name', primitive('string'))] };

function schemaOf(...fields: StructField[]): StructType {
  return { kind: 'struct', fields };
}

function need(properties: Record<string, string> = {}, options: { schema?: StructType; checks?: boolean; current?: Protocol } = {}): Protocol {
  return requiredProtocol({
    properties,
    schema: options.schema ?? plain,
    hasCheckConstraints: options.checks ?? false,
    ...(options.current === undefined ? {} : { current: options.current }),
  });
}

describe('requiredProtocol: legacy versions', () => {
  it.each([
    ['nothing special', {}, false, { minReaderVersion: 1, minWriterVersion: 2 }],
    ['appendOnly', { 'delta.appendOnly': 'true' }, false, { minReaderVersion: 1, minWriterVersion: 2 }],
    ['appendOnly=false', { 'delta.appendOnly': 'false' }, false, { minReaderVersion: 1, minWriterVersion: 2 }],
    ['check constraints (flag)', {}, true, { minReaderVersion: 1, minWriterVersion: 3 }],
    ['check constraints (property)', { 'delta.constraints.pos': 'id > 0' }, false, { minReaderVersion: 1, minWriterVersion: 3 }],
    ['change data feed', { 'delta.enableChangeDataFeed': 'TRUE' }, false, { minReaderVersion: 1, minWriterVersion: 4 }],
    ['column mapping name', { 'delta.columnMapping.mode': 'name' }, false, { minReaderVersion: 2, minWriterVersion: 5 }],
    ['column mapping id', { 'delta.columnMapping.mode': 'id' }, false, { minReaderVersion: 2, minWriterVersion: 5 }],
    ['column mapping none', { 'delta.columnMapping.mode': 'none' }, false, { minReaderVersion: 1, minWriterVersion: 2 }],
    ['CDF + column mapping', { 'delta.enableChangeDataFeed': 'true', 'delta.columnMapping.mode': 'name' }, false, { minReaderVersion: 2, minWriterVersion: 5 }],
  ] as const)('%s', (_name, properties, checks, expected) => {
    expect(need(properties, { checks })).toEqual(expected);
  });

  it('derives invariants and generated columns from column metadata', () => {
    const invariants = schemaOf(field('x', primitive('integer'), true, { metadata: { 'delta.invariants': '{"expression":{"expression":"x > 3"}}' } }));
    expect(need({}, { schema: invariants })).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const generated = schemaOf(field('y', primitive('integer'), true, { metadata: { 'delta.generationExpression': 'x + 1' } }));
    expect(need({}, { schema: generated })).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
  });

  it('honours explicit legacy versions', () => {
    expect(need({ 'delta.minWriterVersion': '4' })).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
    expect(need({ 'delta.minReaderVersion': '2', 'delta.minWriterVersion': '5' })).toEqual({ minReaderVersion: 2, minWriterVersion: 5 });
    expect(need({ 'delta.minWriterVersion': '1' })).toEqual({ minReaderVersion: 1, minWriterVersion: 1 });
  });

  it('never downgrades a legacy protocol and upgrades it only as far as needed', () => {
    const current = { minReaderVersion: 1, minWriterVersion: 4 };
    expect(need({}, { current })).toEqual(current);
    expect(need({ 'delta.appendOnly': 'true' }, { current })).toEqual(current);
    expect(need({ 'delta.columnMapping.mode': 'name' }, { current })).toEqual({ minReaderVersion: 2, minWriterVersion: 5 });
    expect(need({}, { current: { minReaderVersion: 1, minWriterVersion: 1 } })).toEqual({ minReaderVersion: 1, minWriterVersion: 1 });
    expect(need({ 'delta.minWriterVersion': '2' }, { current: { minReaderVersion: 2, minWriterVersion: 6 } })).toEqual({ minReaderVersion: 2, minWriterVersion: 6 });
  });
});

describe('requiredProtocol: table features', () => {
  it('uses reader 3 / writer 7 for deletion vectors, listing only what is used', () => {
    expect(need({ 'delta.enableDeletionVectors': 'true' })).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['deletionVectors'],
    });
  });

  it('lists legacy features the table uses next to the new ones', () => {
    const p = need({ 'delta.enableDeletionVectors': 'true', 'delta.appendOnly': 'true', 'delta.enableChangeDataFeed': 'true', 'delta.columnMapping.mode': 'name' }, { checks: true });
    expect(p).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['columnMapping', 'deletionVectors'],
      writerFeatures: ['appendOnly', 'checkConstraints', 'changeDataFeed', 'columnMapping', 'deletionVectors'],
    });
    expect(p.writerFeatures).not.toContain('invariants');
  });

  it('keeps reader version 1 for writer-only features', () => {
    expect(need({ 'delta.enableInCommitTimestamps': 'true' })).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] });
    expect(need({ 'delta.enableInCommitTimestamps': 'true', 'delta.appendOnly': 'true' })).toEqual({
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['appendOnly', 'inCommitTimestamp'],
    });
  });

  it('keeps reader version 2 for column mapping with writer-only features', () => {
    expect(need({ 'delta.enableInCommitTimestamps': 'true', 'delta.columnMapping.mode': 'id' })).toEqual({
      minReaderVersion: 2,
      minWriterVersion: 7,
      writerFeatures: ['columnMapping', 'inCommitTimestamp'],
    });
  });

  it('needs timestampNtz for a timestamp_ntz column at any depth', () => {
    const deep: DataType = { kind: 'array', element: { kind: 'map', key: primitive('string'), value: { kind: 'struct', fields: [field('t', primitive('timestamp_ntz'))] }, valueContainsNull: true }, containsNull: true };
    for (const schema of [schemaOf(field('t', primitive('timestamp_ntz'))), schemaOf(field('a', deep))]) {
      expect(need({}, { schema })).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] });
    }
    expect(need({}, { schema: schemaOf(field('t', primitive('timestamp'))) })).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  });

  it('adds feature dependencies', () => {
    expect(need({ 'delta.enableRowTracking': 'true' }).writerFeatures).toEqual(['domainMetadata', 'rowTracking']);
    expect(need({ 'delta.feature.clustering': 'supported' }).writerFeatures).toEqual(['domainMetadata', 'clustering']);
  });

  it('honours delta.feature.<name> requests and explicit feature versions', () => {
    expect(need({ 'delta.feature.domainMetadata': 'supported' })).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] });
    // Stored keys are lower-cased (as Spark stores them); the feature keeps its camelCase name.
    expect(need({ 'delta.feature.domainmetadata': 'supported' })).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] });
    expect(need({ 'delta.feature.appendOnly': 'Enabled' })).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(need({ 'delta.feature.v2Checkpoint': 'supported' })).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['v2Checkpoint'], writerFeatures: ['v2Checkpoint'] });
    expect(need({ 'delta.minWriterVersion': '7' })).toEqual({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: [] });
    expect(need({ 'delta.minReaderVersion': '3', 'delta.minWriterVersion': '7' })).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: [] });
    expect(need({ 'delta.checkpointPolicy': 'v2' }).readerFeatures).toEqual(['v2Checkpoint']);
  });

  it('rejects bad requests', () => {
    expect(thrown(() => need({ 'delta.minWriterVersion': '8' })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => need({ 'delta.minReaderVersion': 'two' })).message).toBe(
      'delta protocol: table property delta.minReaderVersion must be an integer from 1 to 3, got "two"',
    );
    expect(thrown(() => need({ 'delta.feature.deletionVectors': 'yes' })).code).toBe('INVALID_ARGUMENT');
    const unknown = thrown(() => need({ 'delta.feature.teleport': 'supported' }));
    expect(unknown.code).toBe('UNSUPPORTED_FEATURE');
    expect(unknown.message).toContain("'teleport'");
  });
});

describe('requiredProtocol: upgrading and keeping current protocols', () => {
  it('upgrades legacy (1,2) to features, listing the features writer 2 implies', () => {
    expect(need({ 'delta.enableDeletionVectors': 'true' }, { current: { minReaderVersion: 1, minWriterVersion: 2 } })).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['appendOnly', 'invariants', 'deletionVectors'],
    });
  });

  it('upgrades legacy (2,5) keeping column mapping as a reader feature', () => {
    expect(need({ 'delta.enableDeletionVectors': 'true' }, { current: { minReaderVersion: 2, minWriterVersion: 5 } })).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['columnMapping', 'deletionVectors'],
      writerFeatures: ['appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed', 'generatedColumns', 'columnMapping', 'deletionVectors'],
    });
  });

  it('upgrades legacy (1,4) with a writer-only feature keeping reader 1', () => {
    expect(need({ 'delta.enableInCommitTimestamps': 'true' }, { current: { minReaderVersion: 1, minWriterVersion: 4 } })).toEqual({
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed', 'generatedColumns', 'inCommitTimestamp'],
    });
  });

  it('keeps every current feature, unknown ones included, and appends new ones', () => {
    const current: Protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors', 'someFutureThing'] };
    expect(need({}, { current })).toEqual(current);
    expect(need({ 'delta.appendOnly': 'true' }, { current })).toEqual({ ...current, writerFeatures: ['deletionVectors', 'someFutureThing', 'appendOnly'] });
    expect(need({ 'delta.columnMapping.mode': 'name' }, { current })).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'columnMapping'],
      writerFeatures: ['deletionVectors', 'someFutureThing', 'columnMapping'],
    });
  });

  it('moves a writer-features table to reader features when a reader-writer feature is added', () => {
    const current: Protocol = { minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['columnMapping', 'inCommitTimestamp'] };
    expect(need({ 'delta.columnMapping.mode': 'name' }, { current })).toEqual(current);
    expect(need({ 'delta.enableDeletionVectors': 'true' }, { current })).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['columnMapping', 'deletionVectors'],
      writerFeatures: ['columnMapping', 'inCommitTimestamp', 'deletionVectors'],
    });
  });

  it('adds the features a legacy minWriterVersion request implies to a features table', () => {
    const current: Protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] };
    expect(need({ 'delta.minWriterVersion': '3' }, { current }).writerFeatures).toEqual(['inCommitTimestamp', 'appendOnly', 'invariants', 'checkConstraints']);
  });

  it('does not add typeWidening when the preview feature is already there', () => {
    const current: Protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['typeWidening-preview'], writerFeatures: ['typeWidening-preview'] };
    expect(need({ 'delta.enableTypeWidening': 'true' }, { current })).toEqual(current);
  });
});

describe('protocolSupports / legacyWriterFeatures', () => {
  it('maps legacy versions to the features they imply', () => {
    expect(legacyWriterFeatures(1)).toEqual([]);
    expect(legacyWriterFeatures(3)).toEqual(['appendOnly', 'invariants', 'checkConstraints']);
    expect(legacyWriterFeatures(6)).toContain('identityColumns');
  });

  it('answers for legacy and feature protocols', () => {
    expect(protocolSupports({ minReaderVersion: 1, minWriterVersion: 4 }, 'changeDataFeed')).toBe(true);
    expect(protocolSupports({ minReaderVersion: 1, minWriterVersion: 5 }, 'columnMapping')).toBe(false);
    expect(protocolSupports({ minReaderVersion: 2, minWriterVersion: 5 }, 'columnMapping')).toBe(true);
    expect(protocolSupports({ minReaderVersion: 1, minWriterVersion: 6 }, 'deletionVectors')).toBe(false);
    expect(protocolSupports({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: ['deletionVectors'] }, 'deletionVectors')).toBe(false);
    expect(protocolSupports({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] }, 'deletionVectors')).toBe(true);
    expect(protocolSupports({ minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['columnMapping'] }, 'columnMapping')).toBe(true);
    expect(protocolSupports({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly'] }, 'appendOnly')).toBe(true);
    expect(protocolSupports({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly'] }, 'changeDataFeed')).toBe(false);
  });
});

describe('checkWritable', () => {
  const ok = (protocol: Protocol, schema: StructType = plain): void => checkWritable(protocol, where, schema);

  it('accepts every legacy protocol whose schema uses nothing unsupported', () => {
    for (const [reader, writer] of [[1, 1], [1, 2], [1, 3], [1, 4], [2, 5], [2, 6]] as const) {
      expect(() => ok({ minReaderVersion: reader, minWriterVersion: writer })).not.toThrow();
    }
  });

  it('accepts every feature Loch writes', () => {
    const protocol: Protocol = {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['columnMapping', 'deletionVectors', 'timestampNtz', 'typeWidening', 'v2Checkpoint', 'vacuumProtocolCheck'],
      writerFeatures: [
        'appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed', 'columnMapping', 'deletionVectors', 'timestampNtz', 'inCommitTimestamp',
        'domainMetadata', 'typeWidening', 'typeWidening-preview', 'vacuumProtocolCheck', 'v2Checkpoint', 'clustering', 'generatedColumns', 'identityColumns',
      ],
    };
    expect(() => ok(protocol)).not.toThrow();
  });

  it('writes IcebergCompatV2 tables (UniForm: partition values in files, nested ids, no DVs)', () => {
    expect(() => ok({ minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['columnMapping', 'icebergCompatV2'] })).not.toThrow();
  });

  it.each(['rowTracking', 'icebergCompatV1', 'checkpointProtection', 'somethingNew'])('refuses writer feature %s', (feature) => {
    const error = thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly', feature] }));
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
    expect(error.message).toBe(`delta protocol: table /t version 4 requires writer feature '${feature}', which Loch does not support for writing`);
    expect(error.context).toMatchObject({ table: '/t', version: 4, feature });
  });

  it('refuses writer versions above 7 and unreadable tables', () => {
    expect(thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 8 })).message).toMatch(/requires writer version 8, which Loch does not support for writing/);
    expect(thrown(() => ok({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['variantType'], writerFeatures: ['variantType'] })).message).toMatch(
      /reader feature 'variantType'/,
    );
    expect(thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 0 })).code).toBe('PROTOCOL_VIOLATION');
  });

  it('refuses generated, identity and default columns only when a column uses them', () => {
    const generated = schemaOf(field('s', { kind: 'struct', fields: [field('g', primitive('integer'), true, { metadata: { 'delta.generationExpression': 'id * 2' } })] }));
    const error = thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 4 }, generated));
    expect(error.message).toBe(
      "delta protocol: table /t version 4 requires writer feature 'generatedColumns' (column 's.g' has a generation expression), which Loch does not support for writing",
    );
    const identity = schemaOf(field('id', primitive('long'), false, { metadata: { 'delta.identity.start': 1, 'delta.identity.step': 1 } }));
    expect(thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 6 }, identity)).message).toMatch(/'identityColumns' \(column 'id'/);
    // Writer 5 does not imply identity columns.
    expect(() => ok({ minReaderVersion: 2, minWriterVersion: 5 }, identity)).not.toThrow();
    const defaults = schemaOf(field('d', primitive('integer'), true, { metadata: { CURRENT_DEFAULT: '42' } }));
    expect(() => ok({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['allowColumnDefaults'] })).not.toThrow();
    expect(thrown(() => ok({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['allowColumnDefaults'] }, defaults)).message).toMatch(/default value/);
  });

  it('refuses column-dependent features when no schema is given', () => {
    expect(thrown(() => checkWritable({ minReaderVersion: 1, minWriterVersion: 4 }, where)).message).toMatch(/'generatedColumns'/);
    expect(() => checkWritable({ minReaderVersion: 1, minWriterVersion: 3 }, where)).not.toThrow();
  });
});
