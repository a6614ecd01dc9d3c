import { describe, expect, it } from 'vitest';
import { enablingDefaults, isUniformIceberg, uniformConfiguration } from './uniform-properties.js';

describe('UniForm properties', () => {
  it('turns on IcebergCompatV2 and column mapping with UniForm Iceberg', () => {
    expect(isUniformIceberg({ 'delta.universalFormat.enabledFormats': 'hudi, Iceberg' })).toBe(true);
    expect(isUniformIceberg({ 'delta.universalFormat.enabledFormats': 'hudi' })).toBe(false);
    const out = uniformConfiguration({ 'delta.universalFormat.enabledFormats': 'iceberg', 'delta.enableDeletionVectors': 'false' }, 't');
    expect(out).toEqual({
      'delta.universalFormat.enabledFormats': 'iceberg',
      'delta.enableDeletionVectors': 'false',
      'delta.enableIcebergCompatV2': 'true',
      'delta.columnMapping.mode': 'name',
    });
    expect(uniformConfiguration({ 'delta.universalFormat.enabledFormats': 'iceberg', 'delta.columnMapping.mode': 'id' }, 't')['delta.columnMapping.mode']).toBe('id');
    expect(uniformConfiguration({ a: 'b' }, 't')).toEqual({ a: 'b' });
  });

  it('refuses deletion vectors with IcebergCompatV2, and IcebergCompatV1/V3 UniForm', () => {
    expect(() => uniformConfiguration({ 'delta.universalFormat.enabledFormats': 'iceberg', 'delta.enableDeletionVectors': 'TRUE' }, '/x/t')).toThrow(
      /table \/x\/t: \[DELTA_ICEBERG_COMPAT_VIOLATION.DELETION_VECTORS_SHOULD_BE_DISABLED\]/,
    );
    expect(() => uniformConfiguration({ 'delta.enableIcebergCompatV2': 'true', 'delta.enableDeletionVectors': 'true' }, 't')).toThrow(/IcebergCompatV2 requires deletion vectors to be disabled/);
    expect(() => uniformConfiguration({ 'delta.universalFormat.enabledFormats': 'iceberg', 'delta.enableIcebergCompatV1': 'true' }, 't')).toThrow(/IcebergCompatV1 is not supported/);
  });

  it('turns deletion vectors off when a request enables UniForm without saying', () => {
    const before = { 'delta.enableDeletionVectors': 'true' };
    expect(enablingDefaults(before, { 'delta.universalFormat.enabledFormats': 'iceberg' })).toEqual({
      'delta.universalFormat.enabledFormats': 'iceberg',
      'delta.enableDeletionVectors': 'false',
    });
    expect(enablingDefaults(before, { 'delta.universalFormat.enabledFormats': 'iceberg', 'delta.enableDeletionVectors': 'true' })['delta.enableDeletionVectors']).toBe('true');
    expect(enablingDefaults({ 'delta.universalFormat.enabledFormats': 'iceberg' }, { x: 'y' })).toEqual({ x: 'y' });
  });
});
