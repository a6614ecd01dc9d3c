/** One overload of a macro: its parameter list and its body, as SQL text. */
export type Overload = readonly [params: string, body: string];

/**
 * `CREATE OR REPLACE MACRO name(p) AS body, (p, q) AS body2`. A macro in the default schema
 * hides every overload of a DuckDB built-in of the same name, so a macro that takes a built-in's
 * name must list all the built-in's arities and delegate to `system.main.<name>` for DuckDB's own
 * forms.
 */
export function macro(name: string, ...overloads: Overload[]): string {
  return `CREATE OR REPLACE MACRO ${name}${overloads.map(([params, body]) => `(${params}) AS ${body}`).join(', ')}`;
}

/** A macro body that fails with `message` when evaluated. */
export function failure(message: string): string {
  return `error('${message.replaceAll("'", "''")}')`;
}

/**
 * True for numeric SQL types. `typeof` depends only on the argument's type, so DuckDB folds a
 * CASE on it to one branch at bind time; every branch must still bind for every type, which is
 * why the branches TRY_CAST their argument to the shape they need.
 */
export function isNumeric(x: string): string {
  return `(typeof(${x}) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE') OR typeof(${x}) LIKE 'DECIMAL(%')`;
}

/** The message of the macros that stand for calls the rewrite could not translate. */
export function literalFormatNeeded(fn: string): string {
  return failure(`${fn}: Loch needs the format as a string literal using supported pattern letters (yyyy MM dd HH mm ss SSS a E …)`);
}
