import { LochError } from '../../../core/errors.js';
import type { ColumnMappingMode } from '../spec/schema.js';

/**
 * Delta table properties (`metaData.configuration`) as typed, validated values, following
 * Spark's DeltaConfigs: `delta.*` keys are case-insensitive and normalised to their canonical
 * spelling, unknown `delta.*` keys and invalid values are refused, other keys pass untouched.
 */

export interface TableProperties {
  /** Every property, `delta.*` keys in canonical case: what metaData.configuration should hold. */
  readonly normalized: Readonly<Record<string, string>>;
  readonly appendOnly: boolean;
  /** Commits between checkpoints (delta.checkpointInterval, default 10). */
  readonly checkpointInterval: number;
  /** delta.logRetentionDuration in milliseconds (default 30 days). */
  readonly logRetentionMs: number;
  /** delta.deletedFileRetentionDuration in milliseconds (default 1 week). */
  readonly deletedFileRetentionMs: number;
  /** Leaf columns with statistics; -1 for all (default 32). */
  readonly dataSkippingNumIndexedCols: number;
  /** delta.dataSkippingStatsColumns entries (dotted, backtick-quoted names); overrides the count. */
  readonly dataSkippingStatsColumns?: readonly string[];
  readonly columnMappingMode: ColumnMappingMode;
  /** delta.columnMapping.maxColumnId (0 when absent). */
  readonly columnMappingMaxColumnId: number;
  readonly enableDeletionVectors: boolean;
  readonly enableChangeDataFeed: boolean;
  readonly enableInCommitTimestamps: boolean;
  /** delta.checkpoint.writeStatsAsJson (default true): keep add.stats in checkpoints. */
  readonly checkpointWriteStatsAsJson: boolean;
  /** CHECK constraints: name (as written after `delta.constraints.`) → SQL expression. */
  readonly constraints: ReadonlyMap<string, string>;
}

export interface PropertyParseOptions {
  /**
   * Keep unknown `delta.*` keys instead of refusing them: for configurations read from an
   * existing table, which a newer writer may have given properties Loch does not know.
   */
  readonly allowUnknownDeltaKeys?: boolean;
}

type Kind = 'boolean' | 'positiveInt' | 'indexedCols' | 'long' | 'interval' | 'mappingMode' | 'statsColumns' | 'text' | 'checkpointPolicy' | 'version';

/** Spark's DeltaConfigs keys (canonical spelling) and how their values are checked. */
const KNOWN: Readonly<Record<string, Kind>> = {
  'delta.appendOnly': 'boolean',
  'delta.checkpointInterval': 'positiveInt',
  'delta.logRetentionDuration': 'interval',
  'delta.deletedFileRetentionDuration': 'interval',
  'delta.sampleRetentionDuration': 'interval',
  'delta.checkpointRetentionDuration': 'interval',
  'delta.setTransactionRetentionDuration': 'interval',
  'delta.dropFeatureTruncateHistory.retentionDuration': 'interval',
  'delta.dataSkippingNumIndexedCols': 'indexedCols',
  'delta.dataSkippingStatsColumns': 'statsColumns',
  'delta.columnMapping.mode': 'mappingMode',
  'delta.columnMapping.maxColumnId': 'long',
  'delta.enableDeletionVectors': 'boolean',
  'delta.enableChangeDataFeed': 'boolean',
  'delta.enableChangeDataCapture': 'boolean',
  'delta.enableInCommitTimestamps': 'boolean',
  'delta.enableInCommitTimestamps-preview': 'boolean',
  'delta.inCommitTimestampEnablementVersion': 'long',
  'delta.inCommitTimestampEnablementTimestamp': 'long',
  'delta.checkpoint.writeStatsAsJson': 'boolean',
  'delta.checkpoint.writeStatsAsStruct': 'boolean',
  'delta.checkpointPolicy': 'checkpointPolicy',
  'delta.minReaderVersion': 'version',
  'delta.minWriterVersion': 'version',
  'delta.ignoreProtocolDefaults': 'boolean',
  'delta.enableExpiredLogCleanup': 'boolean',
  'delta.enableFullRetentionRollback': 'boolean',
  'delta.randomizeFilePrefixes': 'boolean',
  'delta.randomPrefixLength': 'positiveInt',
  'delta.compatibility.symlinkFormatManifest.enabled': 'boolean',
  'delta.enableRowTracking': 'boolean',
  'delta.enableTypeWidening': 'boolean',
  'delta.enableIcebergCompatV1': 'boolean',
  'delta.enableIcebergCompatV2': 'boolean',
  'delta.enableIcebergCompatV3': 'boolean',
  'delta.enableVariantShredding': 'boolean',
  'delta.universalFormat.enabledFormats': 'text',
  'delta.isolationLevel': 'text',
  'delta.autoOptimize': 'boolean',
  'delta.autoOptimize.optimizeWrite': 'boolean',
  'delta.autoOptimize.autoCompact': 'text',
  'delta.tuneFileSizesForRewrites': 'boolean',
  'delta.targetFileSize': 'text',
  'delta.parquet.compression.codec': 'text',
  'delta.parquet.format.version': 'text',
};

const KNOWN_BY_LOWER = new Map(Object.keys(KNOWN).map((key) => [key.toLowerCase(), key]));

/** Key families whose members are not listed one by one (canonical prefix spelling). */
const PASSTHROUGH_PREFIXES = ['delta.universalFormat.config.', 'delta.coordinatedCommits.', 'delta.rowTracking.', 'delta.liquid.'];
const CONSTRAINT_PREFIX = 'delta.constraints.';
const FEATURE_PREFIX = 'delta.feature.';

function invalid(table: string, key: string, value: string, expected: string): LochError {
  return new LochError('INVALID_ARGUMENT', `delta properties: table ${table}: ${key} must be ${expected}, got '${value}'`, {
    context: { table, key, value },
  });
}

/** Scala's String.toBoolean: 'true' or 'false' in any case, nothing else. */
export function parseBooleanProperty(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Java's Integer/Long.parseLong: an optional sign and decimal digits, within the range. */
function parseIntegral(value: string, bits: 32 | 64): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const big = BigInt(value.replace(/^\+/, ''));
  const limit = 1n << BigInt(bits - 1);
  if (big < -limit || big >= limit) return undefined;
  return Number.isSafeInteger(Number(big)) ? Number(big) : undefined;
}

/** The canonical spelling of a key: known `delta.*` keys and prefixes fixed, others unchanged. */
export function canonicalPropertyKey(key: string): string {
  const lower = key.toLowerCase();
  if (!lower.startsWith('delta.')) return key;
  const known = KNOWN_BY_LOWER.get(lower);
  if (known !== undefined) return known;
  // Spark lower-cases feature keys entirely and keeps the constraint name as written.
  if (lower.startsWith(FEATURE_PREFIX)) return lower;
  if (lower.startsWith(CONSTRAINT_PREFIX)) return `${CONSTRAINT_PREFIX}${key.slice(CONSTRAINT_PREFIX.length)}`;
  for (const prefix of PASSTHROUGH_PREFIXES) {
    if (lower.startsWith(prefix.toLowerCase())) return `${prefix}${key.slice(prefix.length)}`;
  }
  return key;
}

/** Whether `canonicalKey` is a `delta.*` key Loch recognises (listed, or in a known family). */
function isKnownDeltaKey(canonicalKey: string): boolean {
  if (canonicalKey in KNOWN) return true;
  return [CONSTRAINT_PREFIX, FEATURE_PREFIX, ...PASSTHROUGH_PREFIXES].some((p) => canonicalKey.startsWith(p) && canonicalKey.length > p.length);
}

function checkValue(table: string, key: string, value: string, kind: Kind): void {
  const fail = (expected: string): never => {
    throw invalid(table, key, value, expected);
  };
  switch (kind) {
    case 'boolean':
      if (parseBooleanProperty(value) === undefined) fail("'true' or 'false'");
      return;
    case 'positiveInt':
      if ((parseIntegral(value, 32) ?? 0) <= 0) fail('a positive integer');
      return;
    case 'indexedCols':
      if ((parseIntegral(value, 32) ?? -2) < -1) fail('an integer of at least -1');
      return;
    case 'long':
      if ((parseIntegral(value, 64) ?? -1) < 0) fail('a non-negative integer');
      return;
    case 'version':
      if ((parseIntegral(value, 32) ?? 0) <= 0) fail('a protocol version (a positive integer)');
      return;
    case 'interval':
      parseIntervalMs(value, { table, key });
      return;
    case 'mappingMode':
      if (!['none', 'name', 'id'].includes(value.toLowerCase())) fail("one of 'none', 'name', 'id'");
      return;
    case 'checkpointPolicy':
      if (!['classic', 'v2'].includes(value.toLowerCase())) fail("'classic' or 'v2'");
      return;
    case 'statsColumns':
      try {
        splitStatsColumns(value, { table, key });
      } catch (cause) {
        const detail = cause instanceof Error ? cause.message.replace(/^.*invalid column name/, 'column name') : '';
        throw new LochError('INVALID_ARGUMENT', `delta properties: table ${table}: ${key} must be a comma-separated list of column names, got '${value}' (${detail})`, {
          cause,
          context: { table, key, value },
        });
      }
      return;
    case 'text':
      return;
  }
}

/**
 * Validates and types the properties of table `table` (named in messages). Known `delta.*`
 * keys are matched case-insensitively and renamed to their canonical spelling, values checked
 * as Spark does (booleans 'true'/'false' in any case, integers in range, intervals without
 * months or years, column mapping none|name|id); `delta.constraints.<name>` become
 * `constraints`, `delta.feature.<name>` keys are lower-cased. Other keys are kept as written.
 * An unknown `delta.*` key (unless options.allowUnknownDeltaKeys), an invalid value, two keys
 * that differ only in case, or an empty constraint throw INVALID_ARGUMENT naming key and value.
 */
export function parseTableProperties(props: Readonly<Record<string, string>>, table: string, options: PropertyParseOptions = {}): TableProperties {
  const normalized: Record<string, string> = {};
  const constraints = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(props)) {
    const key = canonicalPropertyKey(rawKey);
    if (key in normalized) {
      throw new LochError('INVALID_ARGUMENT', `delta properties: table ${table}: property ${key} is given twice (keys differ only in case)`, {
        context: { table, key },
      });
    }
    if (key.toLowerCase().startsWith('delta.') && !isKnownDeltaKey(key) && options.allowUnknownDeltaKeys !== true) {
      throw new LochError('INVALID_ARGUMENT', `delta properties: table ${table}: unknown Delta table property ${rawKey}`, { context: { table, key: rawKey, value } });
    }
    const kind = KNOWN[key];
    if (kind !== undefined) checkValue(table, key, value, kind);
    if (key.startsWith(FEATURE_PREFIX) && !['supported', 'enabled'].includes(value.toLowerCase())) {
      throw invalid(table, key, value, "'supported' or 'enabled'");
    }
    if (key.startsWith(CONSTRAINT_PREFIX)) {
      if (value.trim() === '' || key.length === CONSTRAINT_PREFIX.length) throw invalid(table, key, value, 'a named, non-empty CHECK expression');
      constraints.set(key.slice(CONSTRAINT_PREFIX.length), value);
    }
    normalized[key] = value;
  }
  return typedProperties(normalized, constraints);
}

function typedProperties(normalized: Readonly<Record<string, string>>, constraints: ReadonlyMap<string, string>): TableProperties {
  const bool = (key: string, fallback: boolean): boolean => {
    const value = normalized[key];
    return value === undefined ? fallback : parseBooleanProperty(value) ?? fallback;
  };
  const int = (key: string, fallback: number): number => {
    const value = normalized[key];
    return value === undefined ? fallback : parseIntegral(value, 64) ?? fallback;
  };
  const statsColumns = normalized['delta.dataSkippingStatsColumns'];
  return {
    normalized,
    appendOnly: bool('delta.appendOnly', false),
    checkpointInterval: int('delta.checkpointInterval', 10),
    logRetentionMs: parseIntervalMs(normalized['delta.logRetentionDuration'] ?? 'interval 30 days'),
    deletedFileRetentionMs: parseIntervalMs(normalized['delta.deletedFileRetentionDuration'] ?? 'interval 1 week'),
    dataSkippingNumIndexedCols: int('delta.dataSkippingNumIndexedCols', 32),
    ...(statsColumns !== undefined ? { dataSkippingStatsColumns: splitStatsColumns(statsColumns) } : {}),
    columnMappingMode: (normalized['delta.columnMapping.mode']?.toLowerCase() ?? 'none') as ColumnMappingMode,
    columnMappingMaxColumnId: int('delta.columnMapping.maxColumnId', 0),
    enableDeletionVectors: bool('delta.enableDeletionVectors', false),
    enableChangeDataFeed: bool('delta.enableChangeDataFeed', bool('delta.enableChangeDataCapture', false)),
    enableInCommitTimestamps: bool('delta.enableInCommitTimestamps', bool('delta.enableInCommitTimestamps-preview', false)),
    checkpointWriteStatsAsJson: bool('delta.checkpoint.writeStatsAsJson', true),
    constraints,
  };
}

/**
 * The formats of `delta.universalFormat.enabledFormats` (a comma list such as 'iceberg' or
 * 'iceberg,hudi'), lower-cased and trimmed; [] when absent. Keys are matched case-insensitively.
 */
export function universalFormats(configuration: Readonly<Record<string, string>>): string[] {
  const key = Object.keys(configuration).find((k) => k.toLowerCase() === 'delta.universalformat.enabledformats');
  const raw = key === undefined ? '' : (configuration[key] ?? '');
  return raw
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
}

/**
 * The IcebergCompat version the table asks for (`delta.enableIcebergCompatV1|V2|V3` = 'true',
 * highest wins; keys case-insensitive), or undefined. Writers then materialise partition values
 * in the data files (and, from V2, write list/map nested ids).
 */
export function icebergCompatVersion(configuration: Readonly<Record<string, string>>): 1 | 2 | 3 | undefined {
  const on = (version: number): boolean =>
    Object.entries(configuration).some(([k, v]) => k.toLowerCase() === `delta.enableicebergcompatv${version}` && parseBooleanProperty(v) === true);
  return on(3) ? 3 : on(2) ? 2 : on(1) ? 1 : undefined;
}

/** Where a value came from, for error messages. */
export interface PropertyWhere {
  readonly table?: string;
  readonly key?: string;
}

function intervalError(text: string, where: PropertyWhere, detail: string): LochError {
  const at = [where.table && `table ${where.table}`, where.key].filter(Boolean).join(': ');
  return new LochError('INVALID_ARGUMENT', `delta properties: ${at ? `${at}: ` : ''}invalid interval '${text}': ${detail}`, {
    context: { ...where, value: text },
  });
}

const UNIT_MICROS: Readonly<Record<string, number>> = {
  week: 7 * 86_400_000_000,
  day: 86_400_000_000,
  hour: 3_600_000_000,
  minute: 60_000_000,
  second: 1_000_000,
  millisecond: 1_000,
  microsecond: 1,
};

/**
 * A Spark calendar interval as Delta accepts it for retention properties, in milliseconds:
 * 'interval 30 days', '30 days', 'interval 1 week', '2 hours 30 minutes', '1.5 seconds'.
 * Optional leading 'interval', then `[+|-]number unit` pairs; units week, day, hour, minute,
 * second, millisecond, microsecond (singular or plural, any case); a fraction only for seconds;
 * a day is 24 hours. Months and years (not a fixed length), an empty or negative total, or any
 * other text throw INVALID_ARGUMENT naming the text (and `where`).
 */
export function parseIntervalMs(text: string, where: PropertyWhere = {}): number {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words[0] === 'interval') words.shift();
  if (words.length === 0 || words[0] === '' || words.length % 2 !== 0) throw intervalError(text, where, "expected 'interval <number> <unit> ...'");
  let micros = 0;
  for (let i = 0; i < words.length; i += 2) {
    const number = words[i]!;
    const unit = words[i + 1]!.replace(/s$/, '');
    if (unit === 'month' || unit === 'year') throw intervalError(text, where, "months and years are not accepted; use days (e.g. '365 days')");
    const scale = UNIT_MICROS[unit];
    if (scale === undefined) throw intervalError(text, where, `unknown unit '${words[i + 1]}'`);
    const pattern = unit === 'second' ? /^[+-]?(\d+(\.\d{0,6})?|\.\d{1,6})$/ : /^[+-]?\d+$/;
    if (!pattern.test(number)) throw intervalError(text, where, `'${number}' is not a valid number of ${unit}s`);
    micros += Math.round(Number(number) * scale);
  }
  if (!Number.isSafeInteger(micros) || micros < 0) throw intervalError(text, where, 'the interval must be a non-negative duration');
  return Math.floor(micros / 1000);
}

/**
 * The entries of a delta.dataSkippingStatsColumns value: comma-separated column names, each a
 * dotted path whose parts may be backtick-quoted (`a.b`.c; `` for a backtick). Entries are
 * returned trimmed, quoting kept (parse one with parseColumnPath). An empty entry or a broken
 * quote throws INVALID_ARGUMENT.
 */
export function splitStatsColumns(value: string, where: PropertyWhere = {}): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '`') quoted = !quoted;
    if (ch === ',' && !quoted) {
      entries.push(current.trim());
      current = '';
    } else current += ch;
  }
  entries.push(current.trim());
  for (const entry of entries) parseColumnPath(entry, where);
  return entries;
}

/** The parts of one column name: 'a.b' → ['a', 'b'], '`x.y`.z' → ['x.y', 'z']. */
export function parseColumnPath(entry: string, where: PropertyWhere = {}): string[] {
  const fail = (detail: string): never => {
    const at = [where.table && `table ${where.table}`, where.key].filter(Boolean).join(': ');
    throw new LochError('INVALID_ARGUMENT', `delta properties: ${at ? `${at}: ` : ''}invalid column name '${entry}': ${detail}`, {
      context: { ...where, value: entry },
    });
  };
  const parts: string[] = [];
  let i = 0;
  const text = entry.trim();
  while (i <= text.length) {
    let part = '';
    if (text[i] === '`') {
      for (i++; ; i++) {
        if (i >= text.length) fail('unclosed backtick');
        if (text[i] === '`' && text[i + 1] !== '`') break;
        part += text[i];
        if (text[i] === '`') i++; // a doubled backtick stands for one
      }
      i++;
    } else {
      while (i < text.length && text[i] !== '.' && text[i] !== '`') part += text[i++];
      part = part.trim();
    }
    if (part === '') fail('empty name part');
    parts.push(part);
    if (i >= text.length) break;
    if (text[i] !== '.') fail(`unexpected '${text[i]}'`);
    i++;
    if (i >= text.length) fail('ends with a dot');
  }
  return parts;
}
