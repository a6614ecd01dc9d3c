import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * Vitest's order, except that the files known to run for minutes start first. Without timings
 * cached from an earlier run (a fresh clone, as in CI) vitest starts the largest files first,
 * which put the 6-minute SIGKILL trials near the end, as the run's tail on one worker while the
 * other had finished.
 */
const HEAVY = ['tests/faults/writer-crash.test.ts', 'tests/faults/concurrent-writers.test.ts'];

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const i = HEAVY.findIndex((suffix) => file.moduleId.endsWith(suffix));
      return i < 0 ? HEAVY.length : i;
    };
    return sorted.map((file, i) => ({ file, i })).sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i).map((x) => x.file);
  }
}
