import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/index.js';
import { avroType, readAvroContainer, writeAvroContainer } from './container.js';

const SCHEMA = {
  type: 'record',
  name: 'row',
  fields: [
    { name: 'id', type: 'long', 'field-id': 1 },
    { name: 'name', type: ['null', 'string'], default: null, 'field-id': 2 },
    { name: 'ts', type: ['null', { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true }], default: null, 'field-id': 3 },
    { name: 'blob', type: ['null', 'bytes'], default: null, 'field-id': 4 },
    { name: 'tags', type: { type: 'array', items: 'int', 'element-id': 6 }, 'field-id': 5 },
  ],
};
const SYNC = new Uint8Array(16).fill(7);

const rows = (n: number): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) => ({
    id: 7_777_310_120_628_922_486n + BigInt(i),
    name: i % 3 === 0 ? null : `row ${i}`,
    ts: i % 2 === 0 ? -1n : 1_740_960_000_000_000n,
    blob: i % 4 === 0 ? null : Uint8Array.of(i & 0xff, 0, 255),
    tags: [i, -i],
  }));

function plain(records: readonly unknown[]): unknown {
  // Buffer.toJSON runs before the replacer: compare every byte array as { type: 'Buffer', data }.
  const bytes = (v: Uint8Array): unknown => ({ type: 'Buffer', data: [...v] });
  return JSON.parse(JSON.stringify(records, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? bytes(v) : v)));
}

async function avscDecode(bytes: Uint8Array): Promise<{ schema: unknown; records: unknown[] }> {
  return new Promise((resolve, reject) => {
    const records: unknown[] = [];
    let schema: unknown;
    const decoder = new avsc.streams.BlockDecoder({
      parseHook: (s: unknown) => {
        schema = s;
        return avroType(s);
      },
    });
    decoder.on('data', (r: unknown) => records.push(r));
    decoder.on('end', () => resolve({ schema, records }));
    decoder.on('error', reject);
    decoder.end(Buffer.from(bytes));
  });
}

describe('avro container', () => {
  for (const codec of ['null', 'deflate'] as const) {
    it(`round-trips records, metadata and the raw schema (codec ${codec})`, () => {
      const records = rows(5000); // several blocks
      const bytes = writeAvroContainer(SCHEMA, records, { 'format-version': '2', note: 'é' }, codec, SYNC);
      const read = readAvroContainer(bytes, 'x.avro');
      expect(read.schema).toEqual(SCHEMA);
      expect(Buffer.from(read.metadata.get('note') ?? []).toString()).toBe('é');
      expect(Buffer.from(read.metadata.get('avro.codec') ?? []).toString()).toBe(codec);
      expect(plain(read.records)).toEqual(plain(records));
      expect(typeof (read.records[0] as { id: unknown }).id).toBe('bigint');
    });
  }

  it('writes byte-identical output for the same sync marker and an empty file with header only', () => {
    const a = writeAvroContainer(SCHEMA, rows(3), {}, 'null', SYNC);
    const b = writeAvroContainer(SCHEMA, rows(3), {}, 'null', SYNC);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const empty = writeAvroContainer(SCHEMA, [], {}, 'deflate');
    expect(readAvroContainer(empty, 'e.avro').records).toEqual([]);
  });

  it('is readable by avsc BlockDecoder with field ids intact', async () => {
    const bytes = writeAvroContainer(SCHEMA, rows(3), { k: 'v' }, 'deflate', SYNC);
    const { schema, records } = await avscDecode(bytes);
    expect(JSON.stringify(schema)).toContain('"field-id":3');
    expect(JSON.stringify(schema)).toContain('"element-id":6');
    expect((records[1] as { id: bigint }).id).toBe(7_777_310_120_628_922_487n);
  });

  it('refuses unsupported codecs and corrupt files', () => {
    const good = writeAvroContainer(SCHEMA, rows(2), {}, 'null', SYNC);
    // The codec value is zigzag length 4 (0x08) + "null"; make it length 6 (0x0c) + "snappy".
    const snappy = Buffer.from(good).toString('latin1').replace('\u0008null', '\u000csnappy');
    const expectCode = (bytes: Uint8Array, code: 'CORRUPT_DATA' | 'UNSUPPORTED_FEATURE', message: RegExp): void => {
      try {
        readAvroContainer(bytes, 'bad.avro');
        expect.unreachable();
      } catch (err) {
        expect(isLochError(err, code), String(err)).toBe(true);
        expect((err as Error).message).toMatch(message);
      }
    };
    expectCode(Buffer.from(snappy, 'latin1'), 'UNSUPPORTED_FEATURE', /^iceberg avro: bad\.avro: codec "snappy"/);
    expectCode(Buffer.from('PAR1xxxx'), 'CORRUPT_DATA', /not an Avro container/);
    expectCode(good.subarray(0, good.length - 5), 'CORRUPT_DATA', /bad\.avro/);
    const wrongSync = new Uint8Array(good);
    wrongSync[wrongSync.length - 1] = (wrongSync[wrongSync.length - 1] ?? 0) ^ 0xff;
    expectCode(wrongSync, 'CORRUPT_DATA', /sync marker mismatch/);
  });

  it('refuses records that do not match the schema', () => {
    expect(() => writeAvroContainer(SCHEMA, [{ id: 'x', tags: [] }], {})).toThrow(/iceberg avro: cannot encode 1 records: record 0: invalid value at id = x/);
    expect(() => writeAvroContainer(SCHEMA, [], {}, 'null', new Uint8Array(3))).toThrow(/sync marker must be 16 bytes/);
  });
});
