import { LochError } from '../../core/errors.js';
import { icebergCompatVersion, parseBooleanProperty, universalFormats } from '../../formats/delta/write/properties.js';

/**
 * Table properties of Delta UniForm (Iceberg): `delta.universalFormat.enabledFormats` containing
 * 'iceberg' needs IcebergCompatV2, which needs column mapping and forbids active deletion
 * vectors. As on Databricks, asking for UniForm turns on what it needs.
 */

const COMPAT_V2 = 'delta.enableIcebergCompatV2';
const MAPPING_MODE = 'delta.columnMapping.mode';
const DELETION_VECTORS = 'delta.enableDeletionVectors';

/** True when the table's configuration turns UniForm Iceberg on. */
export function isUniformIceberg(configuration: Readonly<Record<string, string>>): boolean {
  return universalFormats(configuration).includes('iceberg');
}

function findKey(config: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.keys(config).find((k) => k.toLowerCase() === key.toLowerCase());
}

function setKey(config: Record<string, string>, key: string, value: string): void {
  const existing = findKey(config, key);
  if (existing !== undefined) delete config[existing];
  config[key] = value;
}

/**
 * The configuration a table with `configuration` must store: for UniForm Iceberg,
 * IcebergCompatV2 on and column mapping 'name' when it was 'none' or absent. Refused with
 * INVALID_ARGUMENT naming `table`: deletion vectors enabled on a table with IcebergCompatV2
 * (Delta's DELTA_ICEBERG_COMPAT_VIOLATION.DELETION_VECTORS_SHOULD_BE_DISABLED); UNSUPPORTED_FEATURE:
 * UniForm with IcebergCompatV1 or V3 (Loch converts only V2 tables). Other formats of the list
 * (hudi) are kept but not produced.
 */
export function uniformConfiguration(configuration: Readonly<Record<string, string>>, table: string): Record<string, string> {
  const out = { ...configuration };
  const formats = universalFormats(configuration);
  if (formats.includes('iceberg')) {
    const compat = icebergCompatVersion(configuration);
    if (compat === 1 || compat === 3) {
      throw new LochError('UNSUPPORTED_FEATURE', `delta uniform: table ${table}: UniForm with IcebergCompatV${compat} is not supported; use 'delta.enableIcebergCompatV2' = 'true'`, {
        context: { table },
      });
    }
    setKey(out, COMPAT_V2, 'true');
    const modeKey = findKey(out, MAPPING_MODE);
    const mode = modeKey === undefined ? 'none' : (out[modeKey] ?? 'none').trim().toLowerCase();
    if (mode === 'none') setKey(out, MAPPING_MODE, 'name');
  }
  const dvKey = findKey(out, DELETION_VECTORS);
  if (icebergCompatVersion(out) === 2 && dvKey !== undefined && parseBooleanProperty(out[dvKey] ?? '') === true) {
    throw new LochError(
      'INVALID_ARGUMENT',
      `delta uniform: table ${table}: [DELTA_ICEBERG_COMPAT_VIOLATION.DELETION_VECTORS_SHOULD_BE_DISABLED] The validation of IcebergCompatV2 has failed. ` +
        `IcebergCompatV2 requires deletion vectors to be disabled on the table ('${DELETION_VECTORS}' = 'false'), and UniForm Iceberg needs IcebergCompatV2.`,
      { context: { table, property: DELETION_VECTORS } },
    );
  }
  return out;
}

/**
 * Properties a request sets on top of the table's: when it turns UniForm on (it was off) and does
 * not itself say anything about deletion vectors, deletion vectors are turned off, as Databricks
 * does when UniForm is enabled on an existing table.
 */
export function enablingDefaults(before: Readonly<Record<string, string>>, requested: Readonly<Record<string, string>>): Record<string, string> {
  const merged = { ...before, ...requested };
  if (isUniformIceberg(before) || !isUniformIceberg(merged) || findKey(requested, DELETION_VECTORS) !== undefined) return { ...requested };
  const out = { ...requested };
  // The table's own spelling of the key is replaced, so no two keys differ only in case.
  const existing = findKey(before, DELETION_VECTORS);
  out[existing ?? DELETION_VECTORS] = 'false';
  return out;
}
