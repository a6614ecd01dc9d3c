import type { RawBlock } from './document-model.js';

/** A positioned run of text on a page (what pdf.js' getTextContent gives, reduced). */
export interface PositionedText {
  readonly text: string;
  readonly x: number;
  /** Baseline, PDF user space (grows upwards). */
  readonly y: number;
  /** Font size in points, 0 when unknown. */
  readonly size: number;
  readonly width: number;
}

/** A visual line: runs sharing a baseline. */
export interface TextLine {
  readonly text: string;
  readonly y: number;
  readonly size: number;
}

/**
 * Lines from runs in content order: a run joins the current line when its baseline is within
 * 40% of the font size, with a space when there is a horizontal gap; the line's size is its
 * largest run's. Runs are not re-sorted so multi-column content keeps the producer's order.
 */
export function groupLines(runs: readonly PositionedText[]): TextLine[] {
  const lines: { parts: string[]; y: number; size: number; end: number }[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const current = lines[lines.length - 1];
    const tolerance = Math.max(1, 0.4 * Math.max(run.size, current?.size ?? 0));
    if (current !== undefined && Math.abs(current.y - run.y) <= tolerance) {
      const gap = run.x - current.end;
      const needsSpace = gap > 0.15 * (run.size || 10) && !/\s$/.test(current.parts[current.parts.length - 1] ?? '') && !/^\s/.test(run.text);
      current.parts.push(needsSpace ? ` ${run.text}` : run.text);
      current.size = Math.max(current.size, run.size);
      current.end = run.x + run.width;
    } else {
      lines.push({ parts: [run.text], y: run.y, size: run.size, end: run.x + run.width });
    }
  }
  return lines.map((l) => ({ text: l.parts.join('').replace(/\s+/g, ' ').trim(), y: l.y, size: l.size })).filter((l) => l.text !== '');
}

/** The body font size: the size carrying the most characters (sizes rounded to 0.5 pt). */
export function bodySize(pages: readonly (readonly TextLine[])[]): number {
  const weight = new Map<number, number>();
  for (const line of pages.flat()) {
    const size = roundSize(line.size);
    weight.set(size, (weight.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [size, w] of weight) {
    if (w > bestWeight || (w === bestWeight && size < best)) [best, bestWeight] = [size, w];
  }
  return best;
}

/**
 * Blocks of all pages: a line at least 15% larger than the body size is a heading (level by
 * rank of the distinct heading sizes, largest = 1; consecutive heading lines of one size are one
 * heading); body lines form paragraphs, broken where the vertical gap exceeds 1.8 × the line
 * height or the page ends. Without font sizes (all 0) everything is text.
 */
export function layoutBlocks(pages: readonly (readonly TextLine[])[]): RawBlock[] {
  const body = bodySize(pages);
  const isHeading = (l: TextLine): boolean => body > 0 && roundSize(l.size) >= body * 1.15;
  const headingSizes = [...new Set(pages.flat().filter(isHeading).map((l) => roundSize(l.size)))].sort((a, b) => b - a);
  const blocks: RawBlock[] = [];
  pages.forEach((lines, page) => {
    let open: { type: 'section_header' | 'text'; text: string; size: number; y: number; level?: number } | undefined;
    const close = (): void => {
      if (open !== undefined) blocks.push({ type: open.type, content: open.text, page, ...(open.level === undefined ? {} : { level: open.level }) });
      open = undefined;
    };
    for (const line of lines) {
      const heading = isHeading(line);
      const size = roundSize(line.size);
      const gap = open === undefined ? 0 : open.y - line.y;
      const continues = open !== undefined && (open.type === 'section_header') === heading && (!heading || open.size === size) && gap <= 1.8 * Math.max(line.size, open.size, 1) * 1.2;
      if (open !== undefined && continues) {
        open.text = joinLines(open.text, line.text);
        open.y = line.y;
        continue;
      }
      close();
      open = heading
        ? { type: 'section_header', text: line.text, size, y: line.y, level: Math.min(6, headingSizes.indexOf(size) + 1) }
        : { type: 'text', text: line.text, size, y: line.y };
    }
    close();
  });
  return blocks;
}

/** Joins wrapped lines; a hyphen at a line end before a lower-case letter is a word split. */
function joinLines(a: string, b: string): string {
  if (/[A-Za-z]-$/.test(a) && /^[a-z]/.test(b)) return a.slice(0, -1) + b;
  return `${a} ${b}`;
}

function roundSize(size: number): number {
  return Math.round(size * 2) / 2;
}
