/**
 * Names of the files in `_delta_log` (PROTOCOL.md "Delta Log Entries", "Checkpoints", "Log
 * Compaction Files", "Version Checksum File"). Keys are relative to the table root.
 */

export const LOG_DIR = '_delta_log/';
export const LAST_CHECKPOINT_KEY = `${LOG_DIR}_last_checkpoint`;
export const SIDECAR_DIR = `${LOG_DIR}_sidecars/`;
/**
 * Every versioned log file starts with a zero-padded version, and a version below 2^63 has 19
 * digits at most, so every such name starts with '0'. Listing this prefix skips `_sidecars/`,
 * `_staged_commits/`, `_last_checkpoint` and Hadoop's hidden `.crc` side files in one go.
 */
export const VERSIONED_PREFIX = `${LOG_DIR}0`;

export type LogFileName =
  | { readonly kind: 'commit'; readonly version: number }
  | {
      readonly kind: 'checkpoint';
      readonly version: number;
      /** classic: `v.checkpoint.parquet`; multi: `v.checkpoint.o.p.parquet`; v2: `v.checkpoint.uuid.(json|parquet)`. */
      readonly checkpointKind: 'classic' | 'multi' | 'v2';
      readonly format: 'parquet' | 'json';
      /** Multi-part: this part's 1-based number and the number of parts. */
      readonly part?: number;
      readonly parts?: number;
      readonly uuid?: string;
    }
  | { readonly kind: 'compaction'; readonly version: number; readonly endVersion: number }
  | { readonly kind: 'crc'; readonly version: number }
  | { readonly kind: 'last_checkpoint' }
  | { readonly kind: 'other' };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2 = /^(\d{20})\.checkpoint\.([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.(json|parquet)$/;
const COMPACTION = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const CRC = /^(\d{20})\.crc$/;

/**
 * Classifies a file name of `_delta_log` (the part after `_delta_log/`). Anything that does not
 * match a protocol name exactly — Hadoop `.x.crc` side files, `x.json.tmp` temp files, names
 * with a path inside — is 'other' and must be ignored by readers.
 */
export function parseLogFileName(name: string): LogFileName {
  if (name === '_last_checkpoint') return { kind: 'last_checkpoint' };
  if (name.length < 20 || name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) return { kind: 'other' };
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]) };
  m = CLASSIC.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), checkpointKind: 'classic', format: 'parquet' };
  m = MULTI.exec(name);
  if (m) {
    const part = Number(m[2]);
    const parts = Number(m[3]);
    if (part < 1 || part > parts) return { kind: 'other' };
    return { kind: 'checkpoint', version: Number(m[1]), checkpointKind: 'multi', format: 'parquet', part, parts };
  }
  m = V2.exec(name);
  if (m) {
    return { kind: 'checkpoint', version: Number(m[1]), checkpointKind: 'v2', format: m[3] === 'json' ? 'json' : 'parquet', uuid: m[2] ?? '' };
  }
  m = COMPACTION.exec(name);
  if (m) {
    const version = Number(m[1]);
    const endVersion = Number(m[2]);
    return endVersion > version ? { kind: 'compaction', version, endVersion } : { kind: 'other' };
  }
  m = CRC.exec(name);
  if (m) return { kind: 'crc', version: Number(m[1]) };
  return { kind: 'other' };
}

/** Parses a store key; keys outside `_delta_log/` itself (sub-folders included) are 'other'. */
export function parseLogKey(key: string): LogFileName {
  if (!key.startsWith(LOG_DIR)) return { kind: 'other' };
  const name = key.slice(LOG_DIR.length);
  return name.includes('/') ? { kind: 'other' } : parseLogFileName(name);
}

/** A version zero-padded to 20 digits. */
export function padVersion(version: number, width = 20): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`invalid Delta version ${version}`);
  return String(version).padStart(width, '0');
}

export function commitKey(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.json`;
}

export function classicCheckpointKey(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.checkpoint.parquet`;
}

export function multiPartCheckpointKey(version: number, part: number, parts: number): string {
  return `${LOG_DIR}${padVersion(version)}.checkpoint.${padVersion(part, 10)}.${padVersion(parts, 10)}.parquet`;
}

export function v2CheckpointKey(version: number, uuid: string, format: 'json' | 'parquet'): string {
  return `${LOG_DIR}${padVersion(version)}.checkpoint.${uuid}.${format}`;
}

export function compactionKey(startVersion: number, endVersion: number): string {
  return `${LOG_DIR}${padVersion(startVersion)}.${padVersion(endVersion)}.compacted.json`;
}

export function crcKey(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.crc`;
}
