import type { Session } from '../../engine/index.js';
import type { FileStatement } from '../parse/file-statement.js';
import type { SqlEnv } from '../sql-env.js';
import type { WriteSummary } from '../write-target.js';
import { executeCopyInto } from './copy-into.js';
import { executeList } from './list-files.js';

export { parseFileStatement } from '../parse/file-statement.js';
export type { CopyIntoStatement, FileStatement, ListStatement } from '../parse/file-statement.js';

/**
 * Runs a file statement (LIST, COPY INTO) on `session`; the summary's SELECT gives Databricks'
 * result columns: LIST → path, name, size, modification_time; COPY INTO → num_affected_rows,
 * num_inserted_rows, num_skipped_corrupt_files.
 */
export async function executeFileStatement(env: SqlEnv, session: Session, statement: FileStatement): Promise<WriteSummary> {
  switch (statement.kind) {
    case 'list':
      return executeList(env, statement);
    case 'copy_into':
      return executeCopyInto(env, session, statement);
  }
}
