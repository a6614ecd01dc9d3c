import { createHash } from 'node:crypto';
import { LochError, isLochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { DeltaTable } from '../../table/delta-table.js';
import type { TableTransaction } from '../../table/write/table-writer.js';
import { bindQuery } from '../bind-query.js';
import { checkQueryAccess } from '../bind/raw-access.js';
import { authorizeTableWrite } from '../write-authorization.js';
import type { BoundQuery } from '../bind-query.js';
import type { CopyIntoStatement } from '../parse/file-statement.js';
import { resolveTableLocation } from '../resolve-table.js';
import type { SqlEnv } from '../sql-env.js';
import { countsRow } from '../write-target.js';
import type { WriteSummary } from '../write-target.js';
import { findCorruptFiles } from './corrupt-files.js';
import { selectSourceFiles } from './copy-source.js';
import type { FileEntry } from './file-listing.js';
import { locateFiles } from './file-location.js';
import type { FileLocation } from './file-location.js';
import { materialize } from './file-materialize.js';
import { parseFormat, readerOptions } from './reader-options.js';
import type { FileFormat, ReaderOptions } from './reader-options.js';
import { readerSql } from './reader-sql.js';

const WHAT = 'COPY INTO';
/** A commit that lost to a concurrent COPY INTO of the same files is retried this many times. */
const ATTEMPTS = 4;

/** What one COPY INTO reads and how: checked once, used by every attempt. */
interface CopyPlan {
  readonly statement: CopyIntoStatement;
  readonly format: FileFormat;
  readonly options: ReaderOptions;
  readonly force: boolean;
  readonly mergeSchema: boolean;
  readonly location: FileLocation;
  readonly table: DeltaTable;
}

/**
 * COPY INTO: appends the rows of the source files not loaded before, exactly once. Each loaded
 * file is recorded in the same Delta commit as its rows, as a `txn` action with appId
 * `copy_into:<sha256 of the file's identity>` (volume id + key, or the URL): a crash leaves
 * either both or neither, and a later run skips every file recorded in the snapshot, even if it
 * changed since (as Databricks does). `COPY_OPTIONS ('force' = 'true')` loads them all again.
 * Nothing to load commits nothing and returns zeros. A concurrent COPY INTO that loaded the
 * same files first makes the commit conflict; it is retried, skipping what the winner loaded.
 * An unreadable file fails the statement naming it, unless FORMAT_OPTIONS ignoreCorruptFiles
 * is true: it is then counted in num_skipped_corrupt_files and not recorded (retried next run).
 * Needs MODIFY on the table and READ VOLUME on the source (checked before anything is read).
 */
export async function executeCopyInto(env: SqlEnv, session: Session, statement: CopyIntoStatement): Promise<WriteSummary> {
  const plan = await planCopy(env, session, statement);
  const candidates = await selectSourceFiles(plan.location, statement, plan.options.filter);
  const corrupt = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const tx = await plan.table.begin(session);
    const pending = candidates.filter((f) => !corrupt.has(f.key) && (plan.force || tx.tx.snapshot?.txns.has(loadId(plan.location, f)) !== true));
    if (pending.length === 0) return { resultSql: summary(0, corrupt.size) };
    try {
      const rows = await loadAndCommit(env, session, plan, tx, pending, corrupt);
      if (rows !== undefined) return { resultSql: summary(rows, corrupt.size) };
    } catch (error) {
      if (!isLochError(error, 'CONFLICT') || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function planCopy(env: SqlEnv, session: Session, statement: CopyIntoStatement): Promise<CopyPlan> {
  const format = parseFormat(statement.format, WHAT);
  const options = readerOptions(statement.formatOptions, WHAT);
  const copy = copyOptions(statement.copyOptions);
  await authorizeTableWrite(env, statement.target, 'MODIFY', WHAT);
  const location = await locateFiles(env, statement.source, WHAT);
  if (statement.select !== undefined) await checkQueryAccess(env, session, withSourcePlaceholder(statement.select));
  const target = await resolveTableLocation(env, statement.target, WHAT);
  return { statement, format, options, ...copy, location, table: DeltaTable.open(env.ctx, target.location) };
}

/**
 * Writes `pending` in `tx` and commits; the rows written, or undefined when corrupt files were
 * found and added to `corrupt` (the caller then tries again without them).
 */
async function loadAndCommit(env: SqlEnv, session: Session, plan: CopyPlan, tx: TableTransaction, pending: readonly FileEntry[], corrupt: Set<string>): Promise<number | undefined> {
  const local = await materialize(env.ctx, plan.location, pending);
  let bound: BoundQuery | undefined;
  try {
    try {
      bound = await bindSource(env, session, plan, readerSql(plan.format, local.files, plan.options, WHAT));
      for (const file of pending) tx.tx.setAppTransaction(loadId(plan.location, file), 1);
      await tx.write({ sql: bound.sql }, { byName: !plan.statement.byPosition, ...(plan.statement.columns !== undefined ? { columns: plan.statement.columns } : {}), mergeSchema: plan.mergeSchema });
    } catch (error) {
      if (!isLochError(error, 'SQL_ERROR')) throw error;
      const bad = await findCorruptFiles(session, plan.format, plan.options, local.files);
      if (bad.length === 0) throw error;
      if (!plan.options.ignoreCorruptFiles) throw corruptError(plan, bad[0] as (typeof bad)[number]);
      for (const file of bad) corrupt.add(file.key);
      return undefined;
    }
    recordOperation(tx, plan, pending.length);
    const outcome = await tx.commit();
    return outcome.kind === 'committed' ? outcome.metrics.rows : 0;
  } finally {
    bound?.release();
    local.release();
  }
}

/** The source query: the reader alone, or the user's SELECT with its '<path>' replaced by the reader. */
async function bindSource(env: SqlEnv, session: Session, plan: CopyPlan, reader: string): Promise<BoundQuery> {
  const select = plan.statement.select;
  if (select === undefined) return { sql: `SELECT * FROM ${reader}`, scans: [], release: () => undefined };
  // The user's part was checked in planCopy; the reader is Loch's own, over the volume's files.
  return bindQuery(env, session, `${select.sql.slice(0, select.pathStart)}${reader}${select.sql.slice(select.pathEnd)}`, { trusted: true });
}

/** The user's SELECT with its '<path>' replaced by a plain name, for checkQueryAccess. */
function withSourcePlaceholder(select: NonNullable<CopyIntoStatement['select']>): string {
  return `${select.sql.slice(0, select.pathStart)}__loch_copy_source${select.sql.slice(select.pathEnd)}`;
}

/** DESCRIBE HISTORY shows COPY INTO, as on Databricks. */
function recordOperation(tx: TableTransaction, plan: CopyPlan, files: number): void {
  const op = tx.tx.operation;
  if (op === undefined) return;
  tx.tx.operation = { ...op, name: 'COPY INTO', parameters: { ...op.parameters, fileFormat: plan.format.toUpperCase(), numFiles: String(files), force: String(plan.force) } };
}

/** The txn appId recording that a file was loaded. */
export function loadId(location: FileLocation, file: FileEntry): string {
  return `copy_into:${createHash('sha256').update(location.identity(file.key)).digest('hex')}`;
}

function copyOptions(raw: Readonly<Record<string, string>>): { force: boolean; mergeSchema: boolean } {
  const out = { force: false, mergeSchema: false };
  for (const [key, value] of Object.entries(raw)) {
    const name = key.toLowerCase() === 'force' ? 'force' : key.toLowerCase() === 'mergeschema' ? 'mergeSchema' : undefined;
    if (name === undefined) throw new LochError('INVALID_ARGUMENT', `files: ${WHAT}: copy option ${key} is not supported (supported: force, mergeSchema)`, { context: { option: key } });
    if (!/^(true|false)$/i.test(value)) throw new LochError('INVALID_ARGUMENT', `files: ${WHAT}: copy option ${key} expects true or false, got ${value}`, { context: { option: key, value } });
    out[name] = value.toLowerCase() === 'true';
  }
  return out;
}

function corruptError(plan: CopyPlan, bad: { path: string; error: LochError }): LochError {
  return new LochError(
    'CORRUPT_DATA',
    `files: ${WHAT}: cannot read ${bad.path} as ${plan.format.toUpperCase()}: ${bad.error.message} (set FORMAT_OPTIONS ('ignoreCorruptFiles' = 'true') to skip such files)`,
    { cause: bad.error, context: { path: bad.path, format: plan.format } },
  );
}

function summary(rows: number, skippedCorrupt: number): string {
  return countsRow({ num_affected_rows: rows, num_inserted_rows: rows, num_skipped_corrupt_files: skippedCorrupt });
}
