/**
 * An incremental Server-Sent-Events parser (the WHATWG "event stream" format) for model
 * providers' streamed answers. Bytes may arrive split anywhere — inside a UTF-8 character, a
 * line, or between the CR and LF of a line end — so the parser keeps what it has not finished.
 */

/** One dispatched event. `event` is absent when the stream gave no `event:` field (type "message"). */
export interface SseEvent {
  readonly event?: string;
  /** The `data:` lines joined with "\n". */
  readonly data: string;
  readonly id?: string;
  /** A `retry:` reconnection time (ms) given with this event, if any. */
  readonly retry?: number;
}

/**
 * Feeds text in, takes complete events out. Follows the spec: lines end with CRLF, LF or CR; a
 * blank line dispatches; lines starting with ":" are comments; "field: value" loses one leading
 * space of the value; a line without ":" is a field with an empty value; unknown fields are
 * ignored; an event without data lines is not dispatched; a leading BOM is skipped.
 */
export class SseParser {
  private buffer = '';
  private afterCr = false;
  private started = false;
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private retry: number | undefined;

  /** Adds text and returns the events it completed, in order. */
  push(text: string): SseEvent[] {
    let input = text;
    if (!this.started && input.length > 0) {
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    // A CR that ended the previous piece already ended its line: skip the LF that pairs with it.
    if (this.afterCr && input.startsWith('\n')) input = input.slice(1);
    this.afterCr = false;
    this.buffer += input;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i), out);
      if (ch === 13) {
        if (i + 1 === this.buffer.length) this.afterCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /**
   * The end of the stream: an unterminated last line is processed, but an event that was never
   * followed by a blank line is discarded, as the spec says (the caller decides whether a stream
   * that ends like that was cut off).
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer.length > 0) this.line(this.buffer, out);
    this.buffer = '';
    this.resetEvent();
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) return this.dispatch(out);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length > 0) {
      out.push({
        data: this.data.join('\n'),
        ...(this.event !== undefined && this.event !== '' ? { event: this.event } : {}),
        ...(this.id !== undefined ? { id: this.id } : {}),
        ...(this.retry !== undefined ? { retry: this.retry } : {}),
      });
    }
    this.resetEvent();
  }

  private resetEvent(): void {
    this.data = [];
    this.event = undefined;
    this.retry = undefined;
  }
}

/** The events of a byte stream (a fetch body or any async iterable of chunks), decoded as UTF-8. */
export async function* sseEvents(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  for await (const chunk of bytes) yield* parser.push(decoder.decode(chunk, { stream: true }));
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
