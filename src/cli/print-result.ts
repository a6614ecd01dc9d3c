import type { StatementResult } from '../sql/result.js';
import { createWriter } from './output/writers.js';
import type { OutputFormat } from './output/writers.js';

/** Streams one result to `write` batch by batch. */
export async function printResult(result: StatementResult, format: OutputFormat, write: (text: string) => void): Promise<void> {
  const writer = createWriter(format, write);
  writer.begin(result.columns);
  for await (const rows of result.batches()) writer.rows(rows);
  writer.end();
}
