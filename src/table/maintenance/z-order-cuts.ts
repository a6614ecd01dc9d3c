/**
 * Where a Z-ordered group is cut into files. A file covering a run of the curve that starts and
 * ends on boundaries of large aligned cells is one box in the ranked space (tight min/max in
 * every column); a run crossing such a boundary spans both cells. So among the cell boundaries
 * where a file would hold between half and one and a half times the target row count, the cut
 * goes at the most aligned one (ties: the one nearest the target). With uniform ranks and a
 * power-of-two file count this reproduces the aligned grid exactly; with skewed or correlated
 * columns files vary in size but still avoid the big boundaries.
 */

export interface CellCount {
  /** The cell's id (a prefix of the Morton key), ascending in the input. */
  readonly cell: number;
  readonly rows: number;
}

/** Inclusive cell id range of one output file. */
export interface CellRange {
  readonly first: number;
  readonly last: number;
  readonly rows: number;
}

const LOW = 0.5;
const HIGH = 1.5;

/** Alignment of a cut between cells a < b: trailing zeros of the most aligned id in (a, b]. */
export function cutAlignment(a: number, b: number): number {
  return Math.floor(Math.log2(a ^ b));
}

/** Cuts `cells` (ascending, non-empty cells only) into ranges of about `targetRows` rows. */
export function planCuts(cells: readonly CellCount[], targetRows: number): CellRange[] {
  const out: CellRange[] = [];
  let start = 0;
  while (start < cells.length) {
    const end = chooseEnd(cells, start, Math.max(1, targetRows));
    const rows = cells.slice(start, end + 1).reduce((n, c) => n + c.rows, 0);
    out.push({ first: (cells[start] as CellCount).cell, last: (cells[end] as CellCount).cell, rows });
    start = end + 1;
  }
  return out;
}

/** Index of the last cell of the file starting at `start`. */
function chooseEnd(cells: readonly CellCount[], start: number, target: number): number {
  let rows = 0;
  let best = -1;
  let bestAlignment = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = start; i < cells.length; i++) {
    rows += (cells[i] as CellCount).rows;
    if (rows > HIGH * target && best >= 0) break;
    const next = cells[i + 1];
    // The end of the group is a boundary of every cell: a perfect place to cut.
    const alignment = next === undefined ? Number.POSITIVE_INFINITY : cutAlignment((cells[i] as CellCount).cell, next.cell);
    if (rows >= LOW * target || next === undefined) {
      const distance = Math.abs(rows - target);
      if (alignment > bestAlignment || (alignment === bestAlignment && distance < bestDistance)) {
        best = i;
        bestAlignment = alignment;
        bestDistance = distance;
      }
    }
    if (rows > HIGH * target) break;
  }
  return best >= 0 ? best : cells.length - 1;
}
