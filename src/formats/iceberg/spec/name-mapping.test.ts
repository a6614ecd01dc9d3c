import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idForName, nameForId, parseNameMapping } from './name-mapping.js';
import { parseTableMetadata } from './table-metadata.js';

const ICEBERG_CORPUS = join(process.env['LOCH_TESTDATA'] ?? '/work/shared/testdata', 'iceberg');

describe('name mapping', () => {
  it('parses nested mappings with several names and no id', () => {
    const mapping = parseNameMapping(
      '[{"names": ["a", "A"], "field-id": 1}, {"names": ["s.x"], "field-id": 2, "fields": [{"names": ["element"], "field-id": 3}]}, {"names": ["gone"]}]',
      'w',
    );
    expect(mapping).toEqual([
      { names: ['a', 'A'], fieldId: 1 },
      { names: ['s.x'], fieldId: 2, fields: [{ names: ['element'], fieldId: 3 }] },
      { names: ['gone'] },
    ]);
    expect(nameForId(mapping, 1)).toBe('a');
    expect(nameForId(mapping, 3)).toBeUndefined();
    expect(idForName(mapping, 'A')).toBe(1);
    expect(idForName(mapping, 's')).toBeUndefined();
  });

  it('reads the mapping of the migrated Hive table', () => {
    const t = 'hive_migrated_partition_values_not_in_files';
    const m = parseTableMetadata(readFileSync(join(ICEBERG_CORPUS, t, 'metadata/v2.metadata.json'), 'utf8'), t);
    const mapping = parseNameMapping(m.properties['schema.name-mapping.default']!, `${t}: schema.name-mapping.default`);
    const schema = m.schemas.find((s) => s.schemaId === m.currentSchemaId)!;
    for (const f of schema.fields) expect(nameForId(mapping, f.id)).toBe(f.name);
    expect(idForName(mapping, 'i')).toBe(1);
  });

  it('reports malformed mappings as corrupt, under its own subsystem', () => {
    expect(() => parseNameMapping('{"names": []}', 'p')).toThrow(/^iceberg name mapping: p: name mapping is not a JSON array/);
    expect(() => parseNameMapping('[{"names": [1]}]', 'p')).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
    expect(() => parseNameMapping('[', 'p')).toThrow(/not valid JSON/);
  });
});
