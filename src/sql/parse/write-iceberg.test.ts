import { describe, expect, it } from 'vitest';
import { parseWriteStatement } from './write-statements.js';

describe('Iceberg write syntax', () => {
  it('reads iceberg.`path` targets and Spark partition transforms', () => {
    const s = parseWriteStatement("CREATE TABLE iceberg.`/t` (id BIGINT, ts TIMESTAMP, s STRING, d DATE) USING ICEBERG PARTITIONED BY (days(ts), bucket(16, id), truncate(s, 4), years(d), s)");
    expect(s).toMatchObject({
      kind: 'create_table',
      target: { kind: 'path', format: 'iceberg', path: '/t' },
      using: 'iceberg',
      partitionedBy: ['ts', 'id', 's', 'd'],
      partitionTransforms: [
        { transform: 'day', column: 'ts' },
        { transform: 'bucket[16]', column: 'id' },
        { transform: 'truncate[4]', column: 's' },
        { transform: 'year', column: 'd' },
        { transform: 'identity', column: 's' },
      ],
    });
  });

  it('keeps plain PARTITIONED BY columns free of transforms', () => {
    const s = parseWriteStatement('CREATE TABLE t (a INT, b INT) PARTITIONED BY (a)');
    expect(s).toMatchObject({ partitionedBy: ['a'] });
    expect(s).not.toHaveProperty('partitionTransforms');
  });

  it('refuses bucket without a width', () => {
    expect(() => parseWriteStatement('CREATE TABLE t (a INT) USING ICEBERG PARTITIONED BY (bucket(a))')).toThrow(/positive width/);
  });

  it('reads ADD / DROP / REPLACE PARTITION FIELD', () => {
    expect(parseWriteStatement('ALTER TABLE iceberg.`/t` ADD PARTITION FIELD bucket(8, id) AS shard')).toMatchObject({
      kind: 'partition_field',
      action: 'add',
      term: { transform: 'bucket[8]', column: 'id' },
      as: 'shard',
    });
    expect(parseWriteStatement('ALTER TABLE iceberg.`/t` DROP PARTITION FIELD shard')).toMatchObject({ action: 'drop', fieldName: 'shard', term: { transform: 'identity', column: 'shard' } });
    expect(parseWriteStatement('ALTER TABLE iceberg.`/t` REPLACE PARTITION FIELD days(ts) WITH hours(ts)')).toMatchObject({
      action: 'replace',
      term: { transform: 'day', column: 'ts' },
      with: { transform: 'hour', column: 'ts' },
    });
  });
});
