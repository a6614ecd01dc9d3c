// Usage: node dml-tx.mjs <warehouse> <table> <op JSON> <staged file> <go file>
// Opens a transaction, stages one operation (delete | update | merge | append), reports
// {staged, readVersion}, creates <staged file>, waits for <go file>, then commits and reports
// {committed: version} or {error, code}. A conflict is an outcome, not a failure: exit code 0.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { col, eq, lit, primitive } from '../../../dist/index.js';
import { openLoch, report } from './loch-open.mjs';

const [warehouse, table, opText, stagedFile, goFile] = process.argv.slice(2);
const op = JSON.parse(opText);
// The condition as SQL plus, as the SQL front end derives it, a filter on p that prunes files.
const condition = { sql: op.where, ...(op.partition !== undefined ? { filter: eq(col('p'), lit(primitive('integer'), op.partition)) } : {}) };
const loch = await openLoch(warehouse);
try {
  const tx = await (await loch.deltaTable(table)).begin();
  if (op.kind === 'delete') await tx.delete({ condition });
  else if (op.kind === 'update') await tx.update({ assignments: [{ path: [op.column], valueSql: op.value }], condition });
  else if (op.kind === 'merge') await tx.merge({ sourceSql: op.source, sourceAlias: 's', targetAlias: 't', onSql: op.on, clauses: op.clauses, keys: op.keys ?? [] });
  else await tx.write({ rows: op.rows });
  report({ staged: true, readVersion: tx.readVersion });
  await writeFile(stagedFile, '');
  while (!existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 2));
  try {
    const outcome = await tx.commit();
    report({ committed: outcome.kind === 'committed' ? outcome.commit.version : null });
  } catch (error) {
    report({ error: String(error?.message ?? error), code: error?.code });
  }
} catch (error) {
  report({ failed: String(error?.stack ?? error) });
  process.exitCode = 1;
} finally {
  await loch.close();
}
