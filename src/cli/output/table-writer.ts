import { toText } from './render-value.js';
import type { ResultColumn, ResultWriter } from './writers.js';

/** How much of a result the box shows. */
export interface TableLimits {
  /** Rows shown (first half and last half of the result); 0 shows every row. */
  readonly maxRows: number;
  /** Width of the whole box in characters (columns shrink, then middle columns hide). */
  readonly maxWidth: number;
}

/** The narrowest a shrunk column gets; below that, columns hide instead (DuckDB does the same). */
const MIN_COLUMN = 10;
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * A box like DuckDB's: a header of names and types, values clipped with '…' so the box fits the
 * width, long results as their first and last rows around a "… N rows omitted …" marker, and a
 * footer "N rows". Keeps only the rows it will show, so any result size takes bounded memory.
 */
export class TableWriter implements ResultWriter {
  private columns: readonly ResultColumn[] = [];
  private readonly head: string[][] = [];
  private readonly tail: string[][] = [];
  private total = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly limits: TableLimits,
  ) {}

  begin(columns: readonly ResultColumn[]): void {
    this.columns = columns;
  }

  rows(rows: readonly (readonly unknown[])[]): void {
    const unlimited = this.limits.maxRows <= 0;
    const headSize = Math.ceil(this.limits.maxRows / 2);
    const tailSize = Math.floor(this.limits.maxRows / 2);
    for (const row of rows) {
      this.total += 1;
      if (unlimited || this.head.length < headSize) this.head.push(row.map((v) => this.cell(v)));
      else if (tailSize > 0) {
        this.tail.push(row.map((v) => this.cell(v)));
        if (this.tail.length > tailSize) this.tail.shift();
      }
    }
  }

  end(): void {
    // DDL answers with no rows in one `status` column (NO_ROWS of the SQL layer); DuckDB's shell
    // prints nothing for DDL, and neither does the box.
    if (this.total === 0 && this.columns.length === 1 && this.columns[0]?.name === 'status') return;
    const names = this.columns.map((c) => c.name);
    const types = this.columns.map((c) => c.type.toLowerCase());
    const body = [...this.head, ...this.tail];
    const natural = names.map((n, i) => Math.max(width(n), width(types[i] ?? ''), 1, ...body.map((r) => width(r[i] ?? ''))));
    const omitted = this.total - this.head.length - this.tail.length;
    const marker = `… ${omitted} rows omitted …`;
    const layout = widenForMarker(fitColumns(natural, this.limits.maxWidth), omitted > 0 ? width(marker) : 0, this.limits.maxWidth);
    const pick = (cells: readonly string[]): string[] => layout.map((slot) => (slot.index < 0 ? '…' : (cells[slot.index] ?? '')));
    const widths = layout.map((slot) => slot.width);
    const numeric = layout.map((slot) => slot.index >= 0 && NUMERIC.test(this.columns[slot.index]?.type ?? ''));
    const line = (l: string, m: string, r: string): string => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}\n`;
    const render = (cells: readonly string[], align: (i: number) => 'left' | 'right' | 'center'): string =>
      `│${cells.map((c, i) => ` ${pad(clip(c, widths[i] ?? 1), widths[i] ?? 1, align(i))} `).join('│')}│\n`;
    let out = line('┌', '┬', '┐');
    out += render(pick(names), () => 'center');
    out += render(pick(types), () => 'center');
    out += line('├', '┼', '┤');
    const value = (i: number): 'left' | 'right' => (numeric[i] ? 'right' : 'left');
    for (const r of this.head) out += render(pick(r), value);
    if (omitted > 0) {
      const inner = widths.reduce((sum, w) => sum + w + 3, -1);
      out += `│${pad(clip(marker, inner), inner, 'center')}│\n`;
    }
    for (const r of this.tail) out += render(pick(r), value);
    out += line('└', '┴', '┘');
    out += footer(this.total, this.total - omitted, this.columns.length, layout.filter((s) => s.index >= 0).length);
    this.write(out);
  }

  /** One line of text per value, no longer than the box could ever show. */
  private cell(value: unknown): string {
    const text = toText(value).replace(/\r?\n/g, '\\n');
    const cap = Math.max(this.limits.maxWidth, MIN_COLUMN);
    return text.length > cap * 2 ? text.slice(0, cap * 2) : text;
  }
}

function footer(rows: number, shownRows: number, columns: number, shownColumns: number): string {
  let text = `${rows} row${rows === 1 ? '' : 's'}`;
  if (shownRows < rows) text += ` (${shownRows} shown)`;
  if (shownColumns < columns) text += `  ${columns} columns (${shownColumns} shown)`;
  return `${text}\n`;
}

/** A column of the box: the result column it shows (-1 for the '…' of hidden columns) and its width. */
export interface ColumnSlot {
  readonly index: number;
  readonly width: number;
}

/**
 * Widths that make the box fit `maxWidth`: wide columns are capped at one common width (the
 * largest that fits, at least MIN_COLUMN); when even that is too wide, columns from the middle
 * give way to a single '…' column, as DuckDB does.
 */
export function fitColumns(natural: readonly number[], maxWidth: number): ColumnSlot[] {
  const budget = (count: number): number => maxWidth - 1 - 3 * count;
  const all = natural.map((w, index) => ({ index, width: w }));
  const capped = capWidths(all, budget(all.length));
  if (capped !== undefined) return capped;
  const kept = [...all];
  while (kept.length > 1) {
    kept.splice(Math.floor(kept.length / 2), 1);
    const middle = Math.ceil(kept.length / 2);
    const slots = [...kept.slice(0, middle), { index: -1, width: 1 }, ...kept.slice(middle)];
    const fitted = capWidths(slots, budget(slots.length));
    if (fitted !== undefined) return fitted;
  }
  return [{ index: kept[0]?.index ?? 0, width: Math.max(MIN_COLUMN, budget(1)) }];
}

/** Widens the last column so the omission marker fits inside the box, when the width allows. */
function widenForMarker(slots: ColumnSlot[], markerWidth: number, maxWidth: number): ColumnSlot[] {
  const inner = slots.reduce((sum, s) => sum + s.width + 3, -1);
  const last = slots[slots.length - 1];
  if (last === undefined || inner >= markerWidth + 2) return slots;
  const extra = Math.min(markerWidth + 2 - inner, Math.max(0, maxWidth - 2 - inner));
  return [...slots.slice(0, -1), { index: last.index, width: last.width + extra }];
}

/** Caps widths so their sum fits `room`, or undefined when not even MIN_COLUMN each fits. */
function capWidths(slots: readonly ColumnSlot[], room: number): ColumnSlot[] | undefined {
  const sum = (cap: number): number => slots.reduce((s, slot) => s + Math.min(slot.width, cap), 0);
  const widest = Math.max(0, ...slots.map((s) => s.width));
  if (sum(widest) <= room) return [...slots];
  if (sum(MIN_COLUMN) > room) return undefined;
  let low = MIN_COLUMN;
  let high = widest;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sum(mid) <= room) low = mid;
    else high = mid - 1;
  }
  return slots.map((s) => ({ index: s.index, width: Math.min(s.width, low) }));
}

function width(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** The text cut to `w` characters, the last one '…' when anything was cut. */
export function clip(text: string, w: number): string {
  if (width(text) <= w) return text;
  return `${[...text].slice(0, Math.max(0, w - 1)).join('')}…`;
}

function pad(text: string, w: number, align: 'left' | 'right' | 'center'): string {
  const space = Math.max(0, w - width(text));
  if (align === 'right') return ' '.repeat(space) + text;
  if (align === 'left') return text + ' '.repeat(space);
  const left = Math.floor(space / 2);
  return ' '.repeat(left) + text + ' '.repeat(space - left);
}
