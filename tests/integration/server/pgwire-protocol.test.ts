import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { randomIds } from '../../../src/core/ids.js';
import { startPgWire } from '../../../src/server/pgwire/pg-server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The wire protocol message by message, with a raw socket: what drivers other than pg rely on
 * (SSL/GSS negotiation, Describe of a statement, row-limited Execute, skip-until-Sync after an
 * error, transaction status in ReadyForQuery).
 */
interface Message {
  readonly type: string;
  readonly body: Buffer;
}

class RawClient {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.on('error', reject);
    });
  }

  startup(code: number, params: Record<string, string> = {}): void {
    const pairs = Buffer.from(Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('') + (Object.keys(params).length > 0 ? '\0' : ''));
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + pairs.length, 0);
    head.writeInt32BE(code, 4);
    this.socket.write(Buffer.concat([head, pairs]));
  }

  send(type: string, ...parts: (string | number[] | Buffer)[]): void {
    const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : Buffer.isBuffer(p) ? p : Buffer.from(p))));
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeInt32BE(body.length + 4, 1);
    this.socket.write(Buffer.concat([head, body]));
  }

  private async bytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) await new Promise<void>((resolve) => (this.wake = resolve));
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  async byte(): Promise<string> {
    return (await this.bytes(1)).toString('latin1');
  }

  async read(): Promise<Message> {
    const head = await this.bytes(5);
    return { type: head.toString('latin1', 0, 1), body: await this.bytes(head.readInt32BE(1) - 4) };
  }

  /** Messages up to and including the next ReadyForQuery. */
  async untilReady(): Promise<Message[]> {
    const out: Message[] = [];
    for (;;) {
      const m = await this.read();
      out.push(m);
      if (m.type === 'Z') return out;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

const int16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const types = (messages: readonly Message[]): string => messages.map((m) => m.type).join('');
const text = (m: Message | undefined): string => m?.body.toString('utf8') ?? '';

let dir: string;
let loch: Loch;
let server: { readonly port: number; close(): Promise<void> };
let token: string;

async function ready(): Promise<RawClient> {
  const c = await RawClient.open(server.port);
  c.startup(80877103); // SSLRequest
  expect(await c.byte()).toBe('N');
  c.startup(80877104); // GSSENCRequest
  expect(await c.byte()).toBe('N');
  c.startup(196608, { user: 'token', database: 'main', application_name: 'raw' });
  const auth = await c.read();
  expect([auth.type, auth.body.readInt32BE(0)]).toEqual(['R', 3]);
  c.send('p', token);
  const messages = await c.untilReady();
  expect(types(messages)).toMatch(/^RS+KZ$/);
  const status = messages.filter((m) => m.type === 'S').map((m) => text(m).split('\0').slice(0, 2).join('='));
  expect(status).toEqual(expect.arrayContaining(['server_version=15.0', 'client_encoding=UTF8', 'standard_conforming_strings=on', 'application_name=raw']));
  return c;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-pgraw-'));
  loch = await Loch.open({ warehouse: join(dir, 'warehouse'), metastore: 'memory:' });
  token = (await loch.identity.createToken(loch.catalog.principal)).token;
  await (await loch.sql('CREATE TABLE t (id BIGINT)')).all();
  server = await startPgWire({ loch, clock: systemClock, ids: randomIds, maxBodyBytes: 1 << 24 }, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pgwire protocol details', () => {
  it('describes a statement, then pages a portal with Execute row limits', async () => {
    const c = await ready();
    c.send('P', 'pick', 'SELECT i FROM range(5) t(i) WHERE i >= $1 ORDER BY i', [...int16(1), ...int32(20)]);
    c.send('D', Buffer.from('S'), 'pick');
    c.send('B', 'cur', 'pick', [...int16(0), ...int16(1), ...int32(1), 0x31, ...int16(0)]);
    c.send('E', 'cur', int32(2));
    c.send('H');
    const first = [await c.read(), await c.read(), await c.read(), await c.read(), await c.read(), await c.read(), await c.read()];
    expect(types(first)).toBe('1tT2DDs');
    expect([first[1]?.body.readInt16BE(0), first[1]?.body.readInt32BE(2)]).toEqual([1, 20]);
    expect(text(first[4]).slice(6)).toBe('1');
    c.send('E', 'cur', int32(0));
    c.send('S');
    const rest = await c.untilReady();
    expect(types(rest)).toBe('DDCZ');
    expect(text(rest[2])).toBe('SELECT 2\0');
    c.close();
  });

  it('skips to Sync after an error and stays usable', async () => {
    const c = await ready();
    c.send('P', '', 'SELECT * FROM missing', int16(0));
    c.send('B', '', '', [...int16(0), ...int16(0), ...int16(0)]);
    c.send('D', Buffer.from('P'), '');
    c.send('E', '', int32(0));
    c.send('S');
    const failed = await c.untilReady();
    expect(types(failed)).toBe('12EZ');
    expect(text(failed[2])).toContain('C42P01\0');
    c.send('Q', '');
    expect(types(await c.untilReady())).toBe('IZ');
    c.send('Q', 'SELECT 1 AS a; SELECT * FROM missing; SELECT 2 AS b');
    expect(types(await c.untilReady())).toBe('TDCEZ');
    c.close();
  });

  it('reports the pseudo transaction in ReadyForQuery and warns that ROLLBACK undoes nothing', async () => {
    const c = await ready();
    c.send('Q', 'BEGIN');
    const begun = await c.untilReady();
    expect(types(begun)).toBe('CZ');
    expect(text(begun[1])).toBe('T');
    c.send('Q', 'INSERT INTO t VALUES (1)');
    expect(text((await c.untilReady())[0])).toBe('INSERT 0 1\0');
    c.send('Q', 'ROLLBACK');
    const rolled = await c.untilReady();
    expect(types(rolled)).toBe('NCZ');
    expect(text(rolled[0])).toContain('auto-commit');
    expect(text(rolled[2])).toBe('I');
    c.send('Q', 'SELECT count(*) AS n FROM t');
    const counted = await c.untilReady();
    expect(text(counted[1]).slice(6)).toBe('1');
    c.send('X');
    c.close();
  });
});
