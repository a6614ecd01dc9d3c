import { LochError } from '../../../core/errors.js';
import type { IcebergField, IcebergSchema } from '../model.js';

/**
 * Which statistics a data file records per column, from the table properties Java reads:
 * `write.metadata.metrics.default` (default `truncate(16)`), `write.metadata.metrics.column.<name>`
 * (dotted column path), and `write.metadata.metrics.max-inferred-column-defaults` (default 100:
 * without an explicit default, leaves after the first 100 get `none`).
 */
export type MetricsMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'counts' }
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'full' };

export const DEFAULT_METRICS_MODE: MetricsMode = { kind: 'truncate', length: 16 };

const DEFAULT_KEY = 'write.metadata.metrics.default';
const COLUMN_PREFIX = 'write.metadata.metrics.column.';
const MAX_INFERRED_KEY = 'write.metadata.metrics.max-inferred-column-defaults';
const DEFAULT_MAX_INFERRED = 100;

/** Parses "none", "counts", "full", "truncate(N)" (N ≥ 1; case-insensitive); INVALID_ARGUMENT otherwise. */
export function parseMetricsMode(text: string, where: string): MetricsMode {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'counts' || t === 'full') return { kind: t };
  const m = /^truncate\((\d+)\)$/.exec(t);
  const length = m === null ? NaN : Number(m[1]);
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new LochError('INVALID_ARGUMENT', `iceberg write: ${where}: metrics mode "${text}" is not none, counts, full or truncate(N) with N ≥ 1`);
  }
  return { kind: 'truncate', length };
}

/**
 * The metrics mode of every primitive leaf (by field id) of `schema`, in schema order. Nested
 * leaves use their dotted path ("s.inner") for per-column properties.
 */
export function metricsModes(properties: Readonly<Record<string, string>>, schema: IcebergSchema): ReadonlyMap<number, MetricsMode> {
  const explicitDefault = properties[DEFAULT_KEY];
  const base = explicitDefault === undefined ? DEFAULT_METRICS_MODE : parseMetricsMode(explicitDefault, DEFAULT_KEY);
  const maxText = properties[MAX_INFERRED_KEY];
  const maxInferred = maxText === undefined ? DEFAULT_MAX_INFERRED : Number.parseInt(maxText, 10);
  const out = new Map<number, MetricsMode>();
  leaves(schema.fields, []).forEach((leaf, index) => {
    const own = properties[COLUMN_PREFIX + leaf.path];
    if (own !== undefined) out.set(leaf.id, parseMetricsMode(own, COLUMN_PREFIX + leaf.path));
    else if (explicitDefault === undefined && Number.isFinite(maxInferred) && index >= maxInferred) out.set(leaf.id, { kind: 'none' });
    else out.set(leaf.id, base);
  });
  return out;
}

function leaves(fields: readonly IcebergField[], prefix: readonly string[]): { id: number; path: string }[] {
  return fields.flatMap((f) => {
    const path = [...prefix, f.name];
    if (f.type.kind === 'struct') return leaves(f.type.fields, path);
    if (f.type.kind === 'list' || f.type.kind === 'map') return [];
    return [{ id: f.id, path: path.join('.') }];
  });
}
