import { LochError } from '../core/errors.js';

/** The LochError that `run` throws; fails the test when it returns or throws anything else. */
export function thrown(run: () => unknown): LochError {
  try {
    run();
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error('expected a LochError, but the call returned');
}

/** The LochError that `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<LochError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error('expected a LochError, but the promise resolved');
}
