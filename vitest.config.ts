import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './tests/support/heavy-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker; many suites wait on child processes,
    // sockets and the S3/PostgreSQL servers, so two keep both cores busy.
    maxWorkers: 2,
    sequence: { sequencer: HeavyFirstSequencer },
  },
});
