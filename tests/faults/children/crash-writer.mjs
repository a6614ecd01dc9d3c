// Usage: node crash-writer.mjs <table> <trial> <seed> <warehouse>
// Writes to the table until killed: appends, whole-table overwrites and REPLACE WHERE i = 0,
// chosen by a seeded random stream. Rows are {tag, i}; `tag` = trial * 1000 + operation number
// is unique per table, and every commit carries userMetadata {op, tag, n} so the parent can
// replay the log. Read-modify-writes keep the rows crashKeep selects.
// Protocol: prints {loaded} once the package is loaded and Loch is open (a slow start, done
// while the previous trial runs), waits for a line on stdin before touching the table, prints
// {ready} and then {version, tag} after each commit.
import { col, eq, lit, primitive } from '../../../dist/index.js';
import { crashKeep } from './keep-row.mjs';
import { openLoch, report } from './loch-open.mjs';

const [table, trialText, seedText, warehouse] = process.argv.slice(2);
const trial = Number(trialText);
let state = Number(seedText) >>> 0;
const random = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};
const loch = await openLoch(warehouse);
const delta = await loch.deltaTable(table);
const I_IS_0 = { sql: 'i = 0', filter: eq(col('i'), lit(primitive('integer'), 0)) };

async function rowsAt(version, where) {
  const result = await loch.sql(`SELECT tag, i FROM delta.\`${table}\` VERSION AS OF ${version}${where ? ` WHERE ${where}` : ''}`);
  return (await result.all()).map((r) => ({ tag: Number(r[0]), i: Number(r[1]) }));
}

async function step(tag) {
  const roll = random();
  const n = 1 + Math.floor(random() * 3);
  if (roll < 0.6) {
    const rows = Array.from({ length: n }, (_, i) => ({ tag, i }));
    return delta.write({ rows }, { userMetadata: JSON.stringify({ op: 'append', tag, n }) });
  }
  const replace = roll >= 0.85;
  const tx = await delta.begin();
  const read = await rowsAt(tx.readVersion, replace ? 'i = 0' : undefined);
  const fresh = replace ? [{ tag, i: 0 }] : Array.from({ length: n }, (_, i) => ({ tag, i }));
  const rows = [...read.filter((r) => crashKeep(r, tag)), ...fresh];
  const op = replace ? 'replace' : 'overwrite';
  await tx.write({ rows }, replace ? { replaceWhere: I_IS_0, userMetadata: JSON.stringify({ op, tag, n: 1 }) } : { mode: 'overwrite', userMetadata: JSON.stringify({ op, tag, n }) });
  return tx.commit();
}

await (await loch.sql('SELECT 1')).all();
report({ loaded: true });
await new Promise((resolve) => process.stdin.once('data', resolve));
await delta.snapshot();
report({ ready: true });
for (let k = 0; ; k += 1) {
  const tag = trial * 1000 + k;
  const outcome = await step(tag);
  report({ version: outcome.commit.version, tag });
}
