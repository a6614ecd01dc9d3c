// Usage: node appender.mjs <table> <writer> <count> <warehouse>
// Appends `count` one-row batches {writer, seq} to the table, one commit each, and reports every
// commit's version and attempts. A failed write is reported and ends the child with code 1.
import { openLoch, report } from './loch-open.mjs';

const [table, writerText, countText, warehouse] = process.argv.slice(2);
const writer = Number(writerText);
const count = Number(countText);
const loch = await openLoch(warehouse);
const delta = await loch.deltaTable(table);
const started = Date.now();
try {
  for (let seq = 0; seq < count; seq += 1) {
    const outcome = await delta.write({ rows: [{ writer, seq }] });
    if (outcome.kind !== 'committed') throw new Error(`write ${writer}/${seq} was skipped: ${outcome.reason}`);
    report({ writer, seq, version: outcome.commit.version, attempts: outcome.commit.attempts });
  }
  report({ writer, done: true, ms: Date.now() - started });
} catch (error) {
  report({ writer, error: String(error?.message ?? error), code: error?.code });
  process.exitCode = 1;
} finally {
  await loch.close();
}
