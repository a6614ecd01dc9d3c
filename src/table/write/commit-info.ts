import { inCommitTimestampsEnabled } from '../../formats/delta/spec/protocol.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';

/** Loch's engineInfo, as Spark writes "Apache-Spark/3.5.0 Delta-Lake/3.1.0". */
export const ENGINE_INFO = 'Loch/0.1.0';

/** The operation a commit performs, in the names and shapes `DESCRIBE HISTORY` shows. */
export interface OperationRecord {
  /** Spark's operation name: WRITE, CREATE TABLE, CREATE TABLE AS SELECT, CONVERT, … */
  readonly name: string;
  /** Spark writes every parameter as a string (JSON text for lists). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Spark writes metric values as strings. */
  readonly metrics: Readonly<Record<string, string>>;
  readonly userMetadata?: string;
}

export interface CommitInfoInput {
  readonly operation: OperationRecord;
  readonly readVersion: number;
  readonly footprint: { readonly isolation: 'WriteSerializable' | 'Serializable'; readonly isBlindAppend: boolean };
  readonly after: { readonly metadata: Metadata };
}

export interface CommitInfoTiming {
  readonly txnId: string;
  readonly now: number;
  /** In-commit timestamp of the previous version; the new one must be strictly greater. */
  readonly previousTimestamp?: number;
}

/**
 * The commitInfo object of a commit. With in-commit timestamps enabled it carries
 * `inCommitTimestamp`, monotonic over versions even when the clock is not (PROTOCOL.md
 * "In-Commit Timestamps": greater than the previous commit's).
 */
export function buildCommitInfo(input: CommitInfoInput, timing: CommitInfoTiming): Record<string, unknown> {
  const ict = inCommitTimestampsEnabled(input.after.metadata)
    ? Math.max(timing.now, (timing.previousTimestamp ?? Number.NEGATIVE_INFINITY) + 1)
    : undefined;
  return {
    ...(ict !== undefined ? { inCommitTimestamp: ict } : {}),
    timestamp: ict ?? timing.now,
    operation: input.operation.name,
    operationParameters: input.operation.parameters,
    ...(input.readVersion >= 0 ? { readVersion: input.readVersion } : {}),
    isolationLevel: input.footprint.isolation,
    isBlindAppend: input.footprint.isBlindAppend,
    operationMetrics: input.operation.metrics,
    ...(input.operation.userMetadata !== undefined ? { userMetadata: input.operation.userMetadata } : {}),
    engineInfo: ENGINE_INFO,
    txnId: timing.txnId,
  };
}
