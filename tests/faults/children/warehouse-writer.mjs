// Usage: node warehouse-writer.mjs <warehouse> <metastore url | ''> <p> <ready file> <go file>
// One of several processes working in ONE warehouse at the same time, through SQL on the compiled
// package. Opens Loch, creates <ready file>, waits until <go file> exists (all start together),
// then: CREATE SCHEMA/TABLE/VOLUME IF NOT EXISTS of the shared w, w.shared and w.common (racing
// the others); its own tables w.t_<p>_<k> with one row each, interleaved with 20 single-row
// INSERTs into w.shared; two UPDATEs of its own rows (one midway) and a MERGE of them; a view
// created, read and dropped; a volume of its own with a file, and a file in w.common. Every
// statement's outcome is one JSON line; a Delta CONFLICT (another process changed the same
// files first) is reported and retried, as a user would. A failure is reported as {error, code}
// and ends the child with code 1.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Loch } from '../../../dist/index.js';

const [warehouse, metastore, pText, readyFile, goFile] = process.argv.slice(2);
const p = Number(pText);
const TABLES = 10;
const ROWS = 20;
const report = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const loch = await Loch.open({ warehouse, threads: 1, ...(metastore ? { metastore } : {}) });

/** Runs one statement and returns its rows; a CONFLICT is retried (bounded), others end the child. */
async function sql(text, attempts = 20) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const rows = await (await loch.sql(text)).all();
      return rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    } catch (error) {
      if (error?.code !== 'CONFLICT' || attempt >= attempts) throw error;
      report({ p, conflict: text, attempt, message: error.message });
    }
  }
}

async function waitForGo() {
  await writeFile(readyFile, '');
  const deadline = Date.now() + 60_000;
  while (!existsSync(goFile)) {
    if (Date.now() > deadline) throw new Error(`no start signal at ${goFile}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function putFile(path, text) {
  const file = await loch.catalog.resolveVolumePath(path);
  await file.store.put(file.key, new TextEncoder().encode(text));
  report({ p, put: path });
}

try {
  await waitForGo();
  report({ p, started: Date.now() });
  await sql('CREATE SCHEMA IF NOT EXISTS w');
  await sql('CREATE TABLE IF NOT EXISTS w.shared (p INT, i INT)');
  await sql('CREATE VOLUME IF NOT EXISTS w.common');
  for (let i = 0; i < ROWS; i += 1) {
    if (i % 2 === 0 && i / 2 < TABLES) {
      const k = i / 2;
      await sql(`CREATE TABLE w.t_${p}_${k} (p INT, k INT)`);
      report({ p, created: `w.t_${p}_${k}`, inserted: await sql(`INSERT INTO w.t_${p}_${k} VALUES (${p}, ${k})`) });
    }
    report({ p, shared: i, inserted: await sql(`INSERT INTO w.shared VALUES (${p}, ${i})`) });
    // The first UPDATE runs midway, while the other writers are still appending.
    if (i === ROWS / 2 - 1) report({ p, update: 0, rows: await sql(`UPDATE w.shared SET i = i WHERE p = ${p}`) });
  }
  report({ p, update: 1, rows: await sql(`UPDATE w.shared SET i = i WHERE p = ${p}`) });
  const merge = `MERGE INTO w.shared t USING (SELECT ${p} AS p, CAST(range AS INT) AS i FROM range(${ROWS})) s ON t.p = s.p AND t.i = s.i AND t.p = ${p} WHEN MATCHED THEN UPDATE SET i = s.i`;
  report({ p, merge: await sql(merge) });
  await sql(`CREATE VIEW w.v_${p} AS SELECT i FROM w.shared WHERE p = ${p}`);
  report({ p, view: await sql(`SELECT count(*) FROM w.v_${p}`) });
  await sql(`DROP VIEW w.v_${p}`);
  await sql(`CREATE VOLUME w.vol_${p}`);
  await putFile(`/Volumes/main/w/vol_${p}/hello.txt`, `hello from ${p}\n`);
  await putFile(`/Volumes/main/w/common/p${p}.txt`, `common ${p}\n`);
  report({ p, done: true, finished: Date.now() });
} catch (error) {
  report({ p, error: String(error?.message ?? error), code: error?.code, stack: String(error?.stack ?? '') });
  process.exitCode = 1;
} finally {
  await loch.close();
}
