/**
 * The baseline: a DuckDB of its own (same engine settings and thread count as Loch's) with one
 * view per table over `read_parquet` of exactly the data files of the Delta snapshot Loch reads.
 */
import { DuckDbEngine } from '../../src/engine/index.js';
import type { Session } from '../../src/engine/index.js';
import type { LoadedTable } from './load.js';

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export interface Baseline {
  readonly session: Session;
  close(): Promise<void>;
}

function viewSql(table: LoadedTable): string {
  const renamed = table.columns.some(([name, physical]) => name !== physical);
  const items = renamed ? table.columns.map(([name, physical]) => `${ident(physical)} AS ${ident(name)}`).join(', ') : '*';
  return `CREATE VIEW ${ident(table.name)} AS SELECT ${items} FROM read_parquet([${table.files.map(literal).join(', ')}])`;
}

export async function openBaseline(tables: readonly LoadedTable[]): Promise<Baseline> {
  const engine = await DuckDbEngine.create();
  const session = await engine.session();
  try {
    for (const table of tables) await session.run(viewSql(table));
  } catch (error) {
    await session.close();
    await engine.close();
    throw error;
  }
  return {
    session,
    close: async () => {
      await session.close();
      await engine.close();
    },
  };
}
