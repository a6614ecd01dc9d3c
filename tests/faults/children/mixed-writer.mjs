// Usage: node mixed-writer.mjs <table> <role> <writer> <count> <warehouse>
// role append:    `count` blind appends of {writer, seq, k: seq % 4}.
// role overwrite: `count` read-modify-write overwrites of the whole table.
// role replace:   `count` read-modify-write REPLACE WHERE k = 1 of the k = 1 rows.
// A read-modify-write reads the rows of the version its transaction started from, keeps those
// `keepRow` selects and adds {writer, seq}. A CONFLICT is reported and the write re-planned.
// Every commit carries userMetadata {role, writer, seq} so the parent can replay the history.
import { col, eq, lit, primitive } from '../../../dist/index.js';
import { openLoch, report } from './loch-open.mjs';
import { keepRow } from './keep-row.mjs';

const [table, role, writerText, countText, warehouse] = process.argv.slice(2);
const writer = Number(writerText);
const count = Number(countText);
const loch = await openLoch(warehouse);
const delta = await loch.deltaTable(table);

async function rowsAt(version, where) {
  const result = await loch.sql(`SELECT writer, seq, k FROM delta.\`${table}\` VERSION AS OF ${version}${where ? ` WHERE ${where}` : ''}`);
  return (await result.all()).map((r) => ({ writer: Number(r[0]), seq: Number(r[1]), k: Number(r[2]) }));
}

async function once(seq) {
  const userMetadata = JSON.stringify({ role, writer, seq });
  if (role === 'append') return delta.write({ rows: [{ writer, seq, k: seq % 4 }] }, { userMetadata });
  const tx = await delta.begin();
  const replace = role === 'replace';
  const read = await rowsAt(tx.readVersion, replace ? 'k = 1' : undefined);
  const rows = [...read.filter((r) => keepRow(r, writer, seq)), { writer, seq, k: replace ? 1 : seq % 4 }];
  await tx.write({ rows }, replace ? { replaceWhere: { sql: 'k = 1', filter: eq(col('k'), lit(primitive('integer'), 1)) }, userMetadata } : { mode: 'overwrite', userMetadata });
  const outcome = await tx.commit();
  return outcome;
}

try {
  for (let seq = 0; seq < count; seq += 1) {
    for (;;) {
      try {
        const outcome = await once(seq);
        report({ role, writer, seq, version: outcome.commit.version, attempts: outcome.commit.attempts });
        break;
      } catch (error) {
        if (error?.code !== 'CONFLICT') throw error;
        report({ role, writer, seq, conflict: { ...error.context }, message: error.message });
      }
    }
  }
  report({ role, writer, done: true });
} catch (error) {
  report({ role, writer, error: String(error?.message ?? error), code: error?.code });
  process.exitCode = 1;
} finally {
  await loch.close();
}
