import { describe, expect, it } from 'vitest';
import { corpusTables, readLogActions } from '../test-support/corpus.js';
import { thrown } from '../../../test-support/errors.js';
import { canonicalPropertyKey, parseColumnPath, parseIntervalMs, parseTableProperties, splitStatsColumns } from './properties.js';

const DAY = 86_400_000;

describe('parseTableProperties', () => {
  it('gives the Spark defaults for an empty configuration', () => {
    const p = parseTableProperties({}, 't');
    expect(p).toEqual({
      normalized: {},
      appendOnly: false,
      checkpointInterval: 10,
      logRetentionMs: 30 * DAY,
      deletedFileRetentionMs: 7 * DAY,
      dataSkippingNumIndexedCols: 32,
      columnMappingMode: 'none',
      columnMappingMaxColumnId: 0,
      enableDeletionVectors: false,
      enableChangeDataFeed: false,
      enableInCommitTimestamps: false,
      checkpointWriteStatsAsJson: true,
      constraints: new Map(),
    });
  });

  it('types every supported property', () => {
    const p = parseTableProperties(
      {
        'delta.appendOnly': 'TRUE',
        'delta.checkpointInterval': '3',
        'delta.logRetentionDuration': 'interval 2 days',
        'delta.deletedFileRetentionDuration': '36 hours',
        'delta.dataSkippingNumIndexedCols': '-1',
        'delta.dataSkippingStatsColumns': 'a, s.b ,`x.y`',
        'delta.columnMapping.mode': 'Name',
        'delta.columnMapping.maxColumnId': '24',
        'delta.enableDeletionVectors': 'true',
        'delta.enableChangeDataFeed': 'true',
        'delta.enableInCommitTimestamps': 'true',
        'delta.checkpoint.writeStatsAsJson': 'false',
        'delta.constraints.positive': 'x > 0',
        'delta.constraints.Named': 'y IS NOT NULL',
      },
      't',
    );
    expect(p.appendOnly).toBe(true);
    expect(p.checkpointInterval).toBe(3);
    expect(p.logRetentionMs).toBe(2 * DAY);
    expect(p.deletedFileRetentionMs).toBe(1.5 * DAY);
    expect(p.dataSkippingNumIndexedCols).toBe(-1);
    expect(p.dataSkippingStatsColumns).toEqual(['a', 's.b', '`x.y`']);
    expect(p.columnMappingMode).toBe('name');
    expect(p.columnMappingMaxColumnId).toBe(24);
    expect(p.enableDeletionVectors && p.enableChangeDataFeed && p.enableInCommitTimestamps).toBe(true);
    expect(p.checkpointWriteStatsAsJson).toBe(false);
    expect([...p.constraints]).toEqual([
      ['positive', 'x > 0'],
      ['Named', 'y IS NOT NULL'],
    ]);
  });

  it('normalises delta keys to their canonical case and keeps other keys as written', () => {
    const p = parseTableProperties(
      {
        'DELTA.APPENDONLY': 'false',
        'delta.checkpointinterval': '5',
        'Delta.Feature.DeletionVectors': 'supported',
        'DELTA.CONSTRAINTS.MyCheck': 'a > 1',
        'delta.rowtracking.materializedRowIdColumnName': 'c',
        'owner.Team': 'Data',
      },
      't',
    );
    expect(p.normalized).toEqual({
      'delta.appendOnly': 'false',
      'delta.checkpointInterval': '5',
      'delta.feature.deletionvectors': 'supported',
      'delta.constraints.MyCheck': 'a > 1',
      'delta.rowTracking.materializedRowIdColumnName': 'c',
      'owner.Team': 'Data',
    });
    expect(p.checkpointInterval).toBe(5);
    expect(p.constraints.get('MyCheck')).toBe('a > 1');
    expect(canonicalPropertyKey('delta.ENABLEdeletionvectors')).toBe('delta.enableDeletionVectors');
  });

  it('reads the legacy change data capture and preview in-commit timestamp keys', () => {
    expect(parseTableProperties({ 'delta.enableChangeDataCapture': 'true' }, 't').enableChangeDataFeed).toBe(true);
    expect(parseTableProperties({ 'delta.enableInCommitTimestamps-preview': 'true' }, 't').enableInCommitTimestamps).toBe(true);
  });

  it('accepts the configuration of every corpus table', () => {
    let checked = 0;
    for (const table of corpusTables()) {
      for (const { action } of readLogActions(table)) {
        const configuration = action.metaData?.['configuration'] as Record<string, string> | undefined;
        if (configuration === undefined) continue;
        expect(parseTableProperties(configuration, table).normalized).toEqual(configuration);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('refuses unknown delta keys naming the key, unless told to keep them', () => {
    const error = thrown(() => parseTableProperties({ 'delta.appendOnyl': 'true' }, 'tbl'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('delta properties: table tbl: unknown Delta table property delta.appendOnyl');
    const kept = parseTableProperties({ 'delta.futureThing': 'x' }, 'tbl', { allowUnknownDeltaKeys: true });
    expect(kept.normalized).toEqual({ 'delta.futureThing': 'x' });
  });

  it('refuses invalid values naming key and value', () => {
    const bad: [string, string][] = [
      ['delta.appendOnly', 'yes'],
      ['delta.checkpointInterval', '0'],
      ['delta.checkpointInterval', '1.5'],
      ['delta.checkpointInterval', '99999999999'],
      ['delta.dataSkippingNumIndexedCols', '-2'],
      ['delta.columnMapping.mode', 'position'],
      ['delta.logRetentionDuration', '1 month'],
      ['delta.deletedFileRetentionDuration', 'forever'],
      ['delta.dataSkippingStatsColumns', 'a,,b'],
      ['delta.dataSkippingStatsColumns', '`a'],
      ['delta.constraints.c', ' '],
      ['delta.feature.x', 'on'],
    ];
    for (const [key, value] of bad) {
      const error = thrown(() => parseTableProperties({ [key]: value }, 'tbl'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(key);
      expect(error.message).toContain(value.trim() === '' ? key : value);
    }
  });

  it('refuses keys that differ only in case', () => {
    expect(thrown(() => parseTableProperties({ 'delta.appendOnly': 'true', 'DELTA.appendonly': 'false' }, 't')).code).toBe('INVALID_ARGUMENT');
  });
});

describe('parseIntervalMs', () => {
  it('accepts the Spark interval forms', () => {
    expect(parseIntervalMs('interval 30 days')).toBe(30 * DAY);
    expect(parseIntervalMs('30 days')).toBe(30 * DAY);
    expect(parseIntervalMs('INTERVAL 1 WEEK')).toBe(7 * DAY);
    expect(parseIntervalMs('interval 2 hours')).toBe(7_200_000);
    expect(parseIntervalMs('1 day 2 hours 3 minutes 4 seconds')).toBe(DAY + 7_384_000);
    expect(parseIntervalMs('interval 1.5 seconds')).toBe(1500);
    expect(parseIntervalMs('250 milliseconds 1000 microseconds')).toBe(251);
    expect(parseIntervalMs('interval 2 days -1 day')).toBe(DAY);
    expect(parseIntervalMs('0 seconds')).toBe(0);
  });

  it('rejects months, years, unknown units, fractions of days and negative totals', () => {
    for (const text of ['', 'interval', '1 month', '2 years', '3 fortnights', '1.5 days', '-1 day', 'days 3', '1 day 2']) {
      const error = thrown(() => parseIntervalMs(text, { table: 't', key: 'delta.logRetentionDuration' }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('delta.logRetentionDuration');
    }
  });
});

describe('stats column names', () => {
  it('splits on commas outside backticks and parses dotted paths', () => {
    expect(splitStatsColumns('a,`b,c`.d , e.f')).toEqual(['a', '`b,c`.d', 'e.f']);
    expect(parseColumnPath('a')).toEqual(['a']);
    expect(parseColumnPath('s.inner.x')).toEqual(['s', 'inner', 'x']);
    expect(parseColumnPath('`x.y`.`we``ird`')).toEqual(['x.y', 'we`ird']);
    expect(parseColumnPath(' `sp ace` ')).toEqual(['sp ace']);
  });

  it('rejects empty parts and broken quoting', () => {
    for (const bad of ['', 'a.', '.a', 'a..b', '`a', '`a`b', 'a`b`']) expect(thrown(() => parseColumnPath(bad)).code).toBe('INVALID_ARGUMENT');
  });
});
