import { describe, expect, it } from 'vitest';
import { cutAlignment, planCuts } from './z-order-cuts.js';

const uniform = (cells: number, rows: number) => Array.from({ length: cells }, (_, cell) => ({ cell, rows }));

describe('z-order cuts', () => {
  it('measures how aligned a cut between two cells is', () => {
    expect(cutAlignment(15, 16)).toBe(4);
    expect(cutAlignment(16, 17)).toBe(0);
    expect(cutAlignment(3, 9)).toBe(3);
  });

  it('cuts uniform cells exactly at the aligned boundaries', () => {
    const ranges = planCuts(uniform(64, 10), 160);
    expect(ranges.map((r) => [r.first, r.last])).toEqual([
      [0, 15],
      [16, 31],
      [32, 47],
      [48, 63],
    ]);
  });

  it('prefers an aligned boundary to an exact row count, within half to one and a half targets', () => {
    // Noise: cell 15 is a little heavier, so the exact count would cut inside the aligned block.
    const cells = uniform(32, 10).map((c) => (c.cell === 7 ? { ...c, rows: 14 } : c));
    const ranges = planCuts(cells, 160);
    expect(ranges.map((r) => [r.first, r.last])).toEqual([
      [0, 15],
      [16, 31],
    ]);
  });

  it('gives a cell larger than the window a file of its own and skips empty cells', () => {
    const ranges = planCuts(
      [
        { cell: 0, rows: 5 },
        { cell: 1, rows: 500 },
        { cell: 8, rows: 50 },
        { cell: 12, rows: 60 },
      ],
      100,
    );
    expect(ranges.map((r) => [r.first, r.last, r.rows])).toEqual([
      [0, 1, 505],
      [8, 12, 110],
    ]);
    expect(planCuts([], 10)).toEqual([]);
  });
});
