import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test-support/errors.js';
import type { Metadata, Protocol } from './actions.js';
import {
  checkpointInterval,
  columnMappingMode,
  inCommitTimestampEnablement,
  inCommitTimestampsEnabled,
  validateReadProtocol,
} from './protocol.js';

const where = { table: '/t', version: 9 };

function meta(configuration: Record<string, string>): Metadata {
  return { id: 'x', format: { provider: 'parquet', options: {} }, schemaString: '{}', partitionColumns: [], configuration };
}

describe('validateReadProtocol', () => {
  it('accepts legacy reader versions 1 and 2 and every supported reader feature', () => {
    expect(() => validateReadProtocol({ minReaderVersion: 1, minWriterVersion: 2 }, where)).not.toThrow();
    expect(() => validateReadProtocol({ minReaderVersion: 2, minWriterVersion: 5 }, where)).not.toThrow();
    const features = ['columnMapping', 'deletionVectors', 'timestampNtz', 'typeWidening', 'typeWidening-preview', 'v2Checkpoint', 'vacuumProtocolCheck'];
    expect(() => validateReadProtocol({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: features, writerFeatures: ['anything'] }, where)).not.toThrow();
  });

  it('refuses an unknown reader feature, naming it', () => {
    const protocol: Protocol = { minReaderVersion: 5, minWriterVersion: 7, readerFeatures: ['columnMapping', 'blahabl'] };
    const error = thrown(() => validateReadProtocol(protocol, where));
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
    expect(error.message).toBe("delta protocol: table /t version 9 requires reader feature 'blahabl', which Loch does not support");
    expect(thrown(() => validateReadProtocol({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['variantType'] }, where)).code).toBe(
      'UNSUPPORTED_FEATURE',
    );
  });

  it('refuses reader versions above 3 and below 1', () => {
    expect(thrown(() => validateReadProtocol({ minReaderVersion: 99, minWriterVersion: 7 }, where)).message).toMatch(/requires reader version 99/);
    expect(thrown(() => validateReadProtocol({ minReaderVersion: 0, minWriterVersion: 2 }, where)).code).toBe('PROTOCOL_VIOLATION');
  });
});

describe('table property helpers', () => {
  it('reads the column mapping mode, honouring it only where the protocol supports it', () => {
    expect(columnMappingMode(meta({}))).toBe('none');
    expect(columnMappingMode(meta({ 'delta.columnMapping.mode': 'name' }), { minReaderVersion: 2, minWriterVersion: 5 })).toBe('name');
    expect(columnMappingMode(meta({ 'delta.columnMapping.mode': 'ID' }), { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping'] })).toBe('id');
    expect(columnMappingMode(meta({ 'delta.columnMapping.mode': 'name' }), { minReaderVersion: 1, minWriterVersion: 2 })).toBe('none');
    expect(thrown(() => columnMappingMode(meta({ 'delta.columnMapping.mode': 'bogus' }), undefined, where)).code).toBe('UNSUPPORTED_FEATURE');
  });

  it('reads in-commit timestamp settings', () => {
    expect(inCommitTimestampsEnabled(meta({}))).toBe(false);
    expect(inCommitTimestampsEnabled(meta({ 'delta.enableInCommitTimestamps': 'TRUE' }))).toBe(true);
    expect(inCommitTimestampEnablement(meta({ 'delta.enableInCommitTimestamps': 'true' }))).toBeUndefined();
    expect(
      inCommitTimestampEnablement(
        meta({
          'delta.enableInCommitTimestamps': 'true',
          'delta.inCommitTimestampEnablementVersion': '5',
          'delta.inCommitTimestampEnablementTimestamp': '1700000000000',
        }),
      ),
    ).toEqual({ version: 5, timestamp: 1_700_000_000_000 });
  });

  it('reads the checkpoint interval with the default of 10', () => {
    expect(checkpointInterval(meta({}))).toBe(10);
    expect(checkpointInterval(meta({ 'delta.checkpointInterval': '2' }))).toBe(2);
    expect(checkpointInterval(meta({ 'delta.checkpointInterval': 'x' }))).toBe(10);
  });
});
