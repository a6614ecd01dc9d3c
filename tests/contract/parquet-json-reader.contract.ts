import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParquetJsonReader } from '../../src/formats/delta/parquet-port.js';
import type { ObjectStore } from '../../src/storage/object-store.js';

/**
 * The ParquetJsonReader contract (src/formats/delta/parquet-port.ts), for every implementation:
 * rows in file order as `to_json` shapes, column restriction that tolerates missing columns,
 * NOT_FOUND for a missing object and CORRUPT_DATA for bytes that are not parquet.
 */
export function parquetJsonReaderContract(
  name: string,
  make: () => Promise<{ reader: ParquetJsonReader; store: ObjectStore; cleanup(): Promise<void> }>,
): void {
  describe(`ParquetJsonReader contract: ${name}`, () => {
    let reader: ParquetJsonReader;
    let store: ObjectStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ reader, store, cleanup } = await make());
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const tmp = `/tmp/loch-contract-${process.pid}-${Date.now()}.parquet`;
      await c.run(`COPY (
        SELECT i AS n, CASE WHEN i % 2 = 0 THEN {'path': 'f' || i, 'size': i * 10, 'partitionValues': MAP {'p': 'v' || i}} END AS add,
               [i, i + 1] AS list, NULL::VARCHAR AS nothing
        FROM range(5) t(i) ORDER BY i
      ) TO '${tmp}' (FORMAT parquet)`);
      c.closeSync();
      db.closeSync();
      const { readFile, unlink } = await import('node:fs/promises');
      await store.put('dir/actions.parquet', new Uint8Array(await readFile(tmp)));
      await unlink(tmp);
      await store.put('dir/not-parquet.parquet', new TextEncoder().encode('{"this is": "json"}'));
    });
    afterAll(async () => cleanup());

    const collect = async (key: string, columns?: readonly string[]) => {
      const rows: Record<string, unknown>[] = [];
      for await (const row of reader.readJsonRows(store, key, columns)) rows.push(row);
      return rows;
    };

    it('yields every row in file order with structs, maps and lists as JSON', async () => {
      const rows = await collect('dir/actions.parquet');
      expect(rows.map((r) => r['n'])).toEqual([0, 1, 2, 3, 4]);
      expect(rows[2]?.['add']).toEqual({ path: 'f2', size: 20, partitionValues: { p: 'v2' } });
      expect(rows[1]?.['add'] ?? null).toBeNull();
      expect(rows[3]?.['list']).toEqual([3, 4]);
      expect(rows[0]?.['nothing'] ?? null).toBeNull();
    });

    it('restricts columns and ignores ones the file does not have', async () => {
      const rows = await collect('dir/actions.parquet', ['add', 'sidecar']);
      expect(rows).toHaveLength(5);
      expect(rows[4]?.['add']).toEqual({ path: 'f4', size: 40, partitionValues: { p: 'v4' } });
      const none = await collect('dir/actions.parquet', ['sidecar']);
      expect(none).toHaveLength(5);
    });

    it('NOT_FOUND for a missing object, CORRUPT_DATA for bytes that are not parquet', async () => {
      await expect(collect('dir/missing.parquet')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(collect('dir/not-parquet.parquet')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    });
  });
}
