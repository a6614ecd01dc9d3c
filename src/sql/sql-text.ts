/** Literal SQL text for values the SQL layer builds into statements (DESCRIBE output). */
export function sqlString(text: string | null | undefined): string {
  return text === null || text === undefined ? 'NULL::VARCHAR' : `'${text.replace(/'/g, "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlBigint(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'NULL::BIGINT' : `${Math.trunc(value)}::BIGINT`;
}

export function sqlTimestampMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? 'NULL::TIMESTAMPTZ' : `make_timestamptz(${Math.trunc(ms) * 1000}::BIGINT)`;
}

export function sqlStringList(items: readonly string[]): string {
  return items.length === 0 ? '[]::VARCHAR[]' : `[${items.map(sqlString).join(', ')}]`;
}

/** A MAP(VARCHAR, VARCHAR); non-string values are rendered as JSON text, as Databricks shows them. */
export function sqlStringMap(entries: Readonly<Record<string, unknown>> | undefined): string {
  const pairs = Object.entries(entries ?? {});
  if (pairs.length === 0) return 'MAP()::MAP(VARCHAR, VARCHAR)';
  const keys = pairs.map(([k]) => sqlString(k)).join(', ');
  const values = pairs.map(([, v]) => sqlString(typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return `MAP([${keys}], [${values}])`;
}
