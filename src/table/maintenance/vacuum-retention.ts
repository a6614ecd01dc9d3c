import { LochError } from '../../core/errors.js';

export const HOUR_MS = 3_600_000;

/** The retention one VACUUM runs with, and where it came from (for VACUUM START's parameters). */
export interface VacuumRetention {
  /** Files a version committed within this many ms before now needs are kept. */
  readonly retentionMs: number;
  /** RETAIN n HOURS in ms, when given. */
  readonly specifiedMs?: number;
  /** The table's delta.deletedFileRetentionDuration in ms. */
  readonly defaultMs: number;
  /** False when the caller turned the safety check off (allowShortRetention). */
  readonly checkEnabled: boolean;
}

export interface RetentionRequest {
  readonly retentionHours?: number;
  readonly allowShortRetention?: boolean;
}

/**
 * The retention of a VACUUM: RETAIN n HOURS when given (fractions kept to the millisecond; Spark
 * rounds to whole hours, which would turn RETAIN 0.4 HOURS into 0), else the table's
 * delta.deletedFileRetentionDuration (`defaultMs`).
 *
 * A negative or non-numeric RETAIN throws INVALID_ARGUMENT. A RETAIN shorter than the table's
 * retention throws INVALID_ARGUMENT with Delta's safety message (naming the table and both
 * durations) unless `allowShortRetention` — Spark's
 * spark.databricks.delta.retentionDurationCheck.enabled = false.
 */
export function chooseRetention(table: string, defaultMs: number, request: RetentionRequest): VacuumRetention {
  const checkEnabled = request.allowShortRetention !== true;
  const hours = request.retentionHours;
  if (hours === undefined) return { retentionMs: defaultMs, defaultMs, checkEnabled };
  if (!Number.isFinite(hours) || hours < 0) {
    throw new LochError('INVALID_ARGUMENT', `delta vacuum: table ${table}: retention for VACUUM can't be less than 0 hours (got RETAIN ${hours} HOURS)`, {
      context: { table, retentionHours: hours },
    });
  }
  const specifiedMs = Math.round(hours * HOUR_MS);
  if (checkEnabled && specifiedMs < defaultMs) throw shortRetention(table, hours, defaultMs);
  return { retentionMs: specifiedMs, specifiedMs, defaultMs, checkEnabled };
}

/** Delta's wording (VacuumCommand.checkRetentionPeriodSafety), with the table and both durations. */
function shortRetention(table: string, hours: number, defaultMs: number): LochError {
  const safeHours = Math.ceil(defaultMs / HOUR_MS);
  return new LochError(
    'INVALID_ARGUMENT',
    `delta vacuum: table ${table}: RETAIN ${hours} HOURS is shorter than the table's delta.deletedFileRetentionDuration (${formatHours(defaultMs)}). ` +
      'Are you sure you would like to vacuum files with such a low retention period? If you have writers that are currently ' +
      'writing to this table, there is a risk that you may corrupt the state of your Delta table. If you are certain that there ' +
      'are no operations being performed on this table, such as insert/upsert/delete/optimize, then you may turn off this check ' +
      'by setting: spark.databricks.delta.retentionDurationCheck.enabled = false (in Loch: vacuum({ allowShortRetention: true })). ' +
      `If you are not sure, please use a value not less than "${safeHours} hours".`,
    { context: { table, retentionHours: hours, defaultRetentionMillis: defaultMs } },
  );
}

function formatHours(ms: number): string {
  const hours = ms / HOUR_MS;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(3).replace(/0+$/, '')} hours`;
}
