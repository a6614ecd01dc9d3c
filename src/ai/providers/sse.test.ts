import { describe, expect, it } from 'vitest';
import { SseParser, sseEvents } from './sse.js';
import type { SseEvent } from './sse.js';

function parseAll(pieces: readonly string[]): SseEvent[] {
  const parser = new SseParser();
  return [...pieces.flatMap((p) => parser.push(p)), ...parser.end()];
}

async function collect(chunks: readonly Uint8Array[]): Promise<SseEvent[]> {
  async function* source() { for (const c of chunks) yield c; }
  const out: SseEvent[] = [];
  for await (const e of sseEvents(source())) out.push(e);
  return out;
}

describe('SseParser', () => {
  it('parses data events, event names and strips one leading space', () => {
    expect(parseAll(['data: {"a":1}\n\nevent: ping\ndata:  two spaces\n\n'])).toEqual([
      { data: '{"a":1}' },
      { event: 'ping', data: ' two spaces' },
    ]);
  });

  it('joins multi-line data with newlines and ignores comments and unknown fields', () => {
    expect(parseAll([': keep-alive\ndata: line 1\nfoo: bar\ndata: line 2\ndata\n\n'])).toEqual([{ data: 'line 1\nline 2\n' }]);
  });

  it('accepts CRLF and lone CR line ends, also split between chunks', () => {
    expect(parseAll(['data: a\r\n\r\ndata: b\r\rdata: c\r', '\n\r', '\n'])).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
  });

  it('reassembles an event split at every possible byte position', () => {
    const text = 'event: content_block_delta\r\ndata: {"x":"héllo"}\r\n\r\ndata: [DONE]\n\n';
    const expected = [{ event: 'content_block_delta', data: '{"x":"héllo"}' }, { data: '[DONE]' }];
    for (let i = 0; i <= text.length; i++) expect(parseAll([text.slice(0, i), text.slice(i)])).toEqual(expected);
    expect(parseAll([...text])).toEqual(expected);
  });

  it('does not dispatch events without data, nor an unterminated last event', () => {
    expect(parseAll(['event: lonely\n\n', 'data: cut off'])).toEqual([]);
  });

  it('keeps id (it persists) and retry, and skips a leading BOM', () => {
    expect(parseAll(['\uFEFFid: 7\nretry: 1500\ndata: x\n\ndata: y\n\n'])).toEqual([{ id: '7', retry: 1500, data: 'x' }, { id: '7', data: 'y' }]);
  });
});

describe('sseEvents', () => {
  it('decodes UTF-8 characters split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: 日本語\n\ndata: ok\n\n');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await collect(chunks)).toEqual([{ data: '日本語' }, { data: 'ok' }]);
  });
});
