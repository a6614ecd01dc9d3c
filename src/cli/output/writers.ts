import { toJsonValue, toText } from './render-value.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** Streams a result into a sink; only the `table` writer buffers, and only a bounded sample. */
export interface ResultWriter {
  begin(columns: readonly ResultColumn[]): void;
  rows(rows: readonly (readonly unknown[])[]): void;
  end(): void;
}

export type OutputFormat = 'table' | 'json' | 'csv';

export function createWriter(format: OutputFormat, write: (text: string) => void): ResultWriter {
  if (format === 'json') return new JsonWriter(write);
  if (format === 'csv') return new CsvWriter(write);
  return new TableWriter(write);
}

class JsonWriter implements ResultWriter {
  private columns: readonly ResultColumn[] = [];
  private count = 0;
  constructor(private readonly write: (text: string) => void) {}
  begin(columns: readonly ResultColumn[]): void {
    this.columns = columns;
    this.write('[');
  }
  rows(rows: readonly (readonly unknown[])[]): void {
    for (const row of rows) {
      const object: Record<string, unknown> = {};
      this.columns.forEach((c, i) => (object[c.name] = toJsonValue(row[i])));
      this.write(`${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(object)}`);
      this.count += 1;
    }
  }
  end(): void {
    this.write(this.count === 0 ? ']\n' : '\n]\n');
  }
}

class CsvWriter implements ResultWriter {
  constructor(private readonly write: (text: string) => void) {}
  begin(columns: readonly ResultColumn[]): void {
    this.write(`${columns.map((c) => csvField(c.name)).join(',')}\n`);
  }
  rows(rows: readonly (readonly unknown[])[]): void {
    let chunk = '';
    for (const row of rows) chunk += `${row.map((v) => (v === null || v === undefined ? '' : csvField(toText(v)))).join(',')}\n`;
    this.write(chunk);
  }
  end(): void {}
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const SAMPLE = 20;

/** DuckDB-shell-like box; long results show the first and last rows and the total count. */
class TableWriter implements ResultWriter {
  private columns: readonly ResultColumn[] = [];
  private head: string[][] = [];
  private tail: string[][] = [];
  private total = 0;
  private numeric: boolean[] = [];
  constructor(private readonly write: (text: string) => void) {}

  begin(columns: readonly ResultColumn[]): void {
    this.columns = columns;
    this.numeric = columns.map((c) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/.test(c.type));
  }

  rows(rows: readonly (readonly unknown[])[]): void {
    for (const row of rows) {
      const cells = row.map((v) => truncate(toText(v)));
      this.total += 1;
      if (this.head.length < SAMPLE) this.head.push(cells);
      else {
        this.tail.push(cells);
        if (this.tail.length > SAMPLE) this.tail.shift();
      }
    }
  }

  end(): void {
    const header = this.columns.map((c) => c.name);
    const types = this.columns.map((c) => c.type.toLowerCase());
    const body = [...this.head, ...this.tail];
    const widths = header.map((h, i) => Math.max(width(h), width(types[i] ?? ''), ...body.map((r) => width(r[i] ?? '')), 1));
    const line = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}\n`;
    let out = line('┌', '┬', '┐');
    out += `│${header.map((h, i) => ` ${center(h, widths[i] ?? 1)} `).join('│')}│\n`;
    out += `│${types.map((t, i) => ` ${center(t, widths[i] ?? 1)} `).join('│')}│\n`;
    out += line('├', '┼', '┤');
    const renderRow = (r: string[]) => `│${r.map((c, i) => ` ${this.numeric[i] ? padStart(c, widths[i] ?? 1) : padEnd(c, widths[i] ?? 1)} `).join('│')}│\n`;
    for (const r of this.head) out += renderRow(r);
    if (this.total > this.head.length + this.tail.length) out += `│${widths.map((w) => ` ${center('·', w)} `).join('│')}│\n`;
    for (const r of this.tail) out += renderRow(r);
    out += line('└', '┴', '┘');
    out += `${this.total} row${this.total === 1 ? '' : 's'}\n`;
    this.write(out);
  }
}

function truncate(text: string): string {
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}…` : oneLine;
}

function width(text: string): number {
  return [...text].length;
}

function padEnd(text: string, w: number): string {
  return text + ' '.repeat(Math.max(0, w - width(text)));
}

function padStart(text: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(text))) + text;
}

function center(text: string, w: number): string {
  const space = Math.max(0, w - width(text));
  const left = Math.floor(space / 2);
  return ' '.repeat(left) + text + ' '.repeat(space - left);
}
