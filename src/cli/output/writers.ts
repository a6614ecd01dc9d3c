import { toJsonValue, toText } from './render-value.js';
import { TableWriter, type TableLimits } from './table-writer.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** Streams a result into a sink; only the `table` writer buffers, and only the rows it shows. */
export interface ResultWriter {
  begin(columns: readonly ResultColumn[]): void;
  rows(rows: readonly (readonly unknown[])[]): void;
  end(): void;
}

export type OutputFormat = 'table' | 'json' | 'csv';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

/** Defaults of the table box: 40 rows (like DuckDB), 120 characters wide. */
export const DEFAULT_LIMITS: TableLimits = { maxRows: 40, maxWidth: 120 };

/** A writer of `format`; JSON and CSV print every row and every value in full. */
export function createWriter(format: OutputFormat, write: (text: string) => void, limits: TableLimits = DEFAULT_LIMITS): ResultWriter {
  if (format === 'json') return new JsonWriter(write);
  if (format === 'csv') return new CsvWriter(write);
  return new TableWriter(write, limits);
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
