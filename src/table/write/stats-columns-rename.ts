import { parseColumnPath, splitStatsColumns } from '../../formats/delta/write/properties.js';

/**
 * `delta.dataSkippingStatsColumns` names columns by their logical paths, so renaming or dropping
 * a column rewrites the entries that name it or a field inside it (as Delta does), keeping the
 * others as written. Entries that do not parse leave the property untouched.
 */

const KEY = 'delta.dataSkippingStatsColumns';

function findKey(config: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(config).find((k) => k.toLowerCase() === KEY.toLowerCase());
}

/** `path` starts with `prefix`, case-insensitively. */
function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p.toLowerCase() === (path[i] as string).toLowerCase());
}

function quotePart(part: string): string {
  return /^[A-Za-z0-9_]+$/.test(part) ? part : `\`${part.replaceAll('`', '``')}\``;
}

function rewrite(config: Readonly<Record<string, string>>, change: (parts: string[]) => string[] | undefined): Readonly<Record<string, string>> {
  const key = findKey(config);
  if (key === undefined) return config;
  let entries: string[];
  try {
    entries = splitStatsColumns(config[key] as string);
  } catch {
    return config;
  }
  let changed = false;
  const out: string[] = [];
  for (const entry of entries) {
    const parts = parseColumnPath(entry);
    const next = change(parts);
    if (next === parts) out.push(entry);
    else {
      changed = true;
      if (next !== undefined) out.push(next.map(quotePart).join('.'));
    }
  }
  if (!changed) return config;
  const copy = { ...config };
  if (out.length === 0) delete copy[key];
  else copy[key] = out.join(',');
  return copy;
}

/** The configuration with stats column entries under `from` moved under `to`. */
export function renameStatsColumns(config: Readonly<Record<string, string>>, from: readonly string[], to: readonly string[]): Readonly<Record<string, string>> {
  return rewrite(config, (parts) => (startsWith(parts, from) ? [...to, ...parts.slice(from.length)] : parts));
}

/**
 * The configuration without stats column entries naming `path` or a field inside it; the
 * property goes away when no entry is left.
 */
export function dropStatsColumns(config: Readonly<Record<string, string>>, path: readonly string[]): Readonly<Record<string, string>> {
  return rewrite(config, (parts) => (startsWith(parts, path) ? undefined : parts));
}
