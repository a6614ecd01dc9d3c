import { LochError } from '../../core/errors.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/**
 * A file size as Databricks accepts it in delta.targetFileSize: bytes ('134217728') or a number
 * with a binary unit ('128mb', '1 GB', '512k'). INVALID_ARGUMENT otherwise.
 */
export function parseFileSize(text: string, table: string): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) {
    throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table}: delta.targetFileSize '${text}' is not a size (bytes, or a number with b, kb, mb, gb or tb)`, {
      context: { table, value: text },
    });
  }
  return Number(match[1]) * unit;
}
