import { describe, expect, it } from 'vitest';
import { BodyReader, dataRow, errorResponse, Framer, rowDescription } from './codec.js';

function frontend(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

describe('pgwire codec', () => {
  it('frames startup packets and typed messages arriving in arbitrary pieces', () => {
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8, 0);
    startup.writeInt32BE(80877103, 4);
    const query = frontend('Q', Buffer.from('select 1\0'));
    const sync = frontend('S', Buffer.alloc(0));
    const all = Buffer.concat([startup, query, sync]);
    const framer = new Framer(1024);
    for (const byte of all.subarray(0, 11)) framer.push(Buffer.from([byte]));
    const first = framer.next('startup');
    expect(first?.type).toBe('');
    expect(first?.body.readInt32BE(0)).toBe(80877103);
    expect(framer.next('normal')).toBeUndefined();
    framer.push(all.subarray(11));
    expect(framer.next('normal')).toEqual({ type: 'Q', body: Buffer.from('select 1\0') });
    expect(framer.next('normal')).toEqual({ type: 'S', body: Buffer.alloc(0) });
    expect(framer.next('normal')).toBeUndefined();
    expect(framer.bufferedBytes).toBe(0);
  });

  it('refuses a message larger than the limit as soon as its header arrives', () => {
    const framer = new Framer(100);
    const head = Buffer.alloc(5);
    head.write('Q', 0, 'latin1');
    head.writeInt32BE(1_000_000, 1);
    framer.push(head);
    expect(() => framer.next('normal')).toThrow(/exceeds the limit of 100 bytes/);
    const bad = new Framer(100);
    bad.push(Buffer.from([0x51, 0, 0, 0, 2]));
    expect(() => bad.next('normal')).toThrow(/invalid message length 2/);
  });

  it('reads fields and reports truncated bodies as protocol violations', () => {
    const body = Buffer.concat([Buffer.from('name\0'), Buffer.from([0, 2, 0, 0, 0, 23])]);
    const reader = new BodyReader(body, 'Parse');
    expect([reader.cstring(), reader.int16(), reader.int32()]).toEqual(['name', 2, 23]);
    expect(() => reader.int32()).toThrow(/malformed Parse message/);
    expect(() => new BodyReader(Buffer.from('abc'), 'Query').cstring()).toThrow(/unterminated string/);
  });

  it('encodes backend messages with correct lengths', () => {
    const row = dataRow([Buffer.from('ab'), null]);
    expect(row.toString('latin1', 0, 1)).toBe('D');
    expect(row.readInt32BE(1)).toBe(row.length - 1);
    expect(row.readInt16BE(5)).toBe(2);
    expect(row.readInt32BE(7)).toBe(2);
    expect(row.readInt32BE(13)).toBe(-1);
    const description = rowDescription([{ name: 'n', typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 }]);
    expect(description.readInt32BE(1)).toBe(description.length - 1);
    expect(description.readInt32BE(7 + 2 + 6)).toBe(23);
    const error = errorResponse({ severity: 'ERROR', code: '42P01', message: 'gone' });
    expect(error.toString('utf8', 5)).toBe('SERROR\0VERROR\0C42P01\0Mgone\0\0');
  });
});
