/**
 * Quoting for SQL text that Loch builds itself. Everything user-controlled that ends up in SQL
 * (paths, names, string values) goes through one of these two functions.
 */

/** A DuckDB identifier in double quotes, inner double quotes doubled: a"b → "a""b". */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal in single quotes, inner single quotes doubled: it's → 'it''s'. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
