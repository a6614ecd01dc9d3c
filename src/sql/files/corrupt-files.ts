import { isLochError } from '../../core/errors.js';
import type { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { LocalFile } from './file-materialize.js';
import type { FileFormat, ReaderOptions } from './reader-options.js';
import { readerSql } from './reader-sql.js';

/** A file that failed to read on its own, with DuckDB's complaint. */
export interface CorruptFile {
  readonly key: string;
  readonly path: string;
  readonly error: LochError;
}

/**
 * Reads each file alone, every column of every row (the row hash keeps DuckDB from skipping
 * columns), and returns those that fail with an engine error. Run only after a load failed, to
 * tell a bad file from a bad query or a schema mismatch between files.
 */
export async function findCorruptFiles(session: Session, format: FileFormat, options: ReaderOptions, files: readonly LocalFile[]): Promise<CorruptFile[]> {
  const corrupt: CorruptFile[] = [];
  for (const file of files) {
    try {
      await session.run(`SELECT bit_xor(hash(t)) FROM ${readerSql(format, [file], options, 'COPY INTO')} AS t`);
    } catch (error) {
      if (!isLochError(error, 'SQL_ERROR')) throw error;
      corrupt.push({ key: file.key, path: file.path, error });
    }
  }
  return corrupt;
}
