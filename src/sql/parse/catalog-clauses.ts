import type { Token } from './lexer.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import { acceptWord, readIdentifier, readProperties, readPropertyKeys, skip } from './write-clauses.js';
import type { NameParts, ObjectAlteration } from './catalog-ast.js';

/**
 * Readers shared by the catalog-statement parsers: dotted names with a part limit, IF [NOT]
 * EXISTS, principals, LIKE patterns and option clauses that may come in any order, once each.
 */

/** name[.name…] with 1..`maxParts` parts (`what` names the statement in errors). */
export function readName(cursor: TokenCursor, what: string, maxParts: number): string[] {
  const first = cursor.peek();
  if (identifierValue(first) === undefined) cursor.fail(`${what} expects a name`);
  const parts = [readIdentifier(cursor, what)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    parts.push(readIdentifier(cursor, what));
  }
  if (parts.length > maxParts) {
    const shape = ['name', 'schema.name', 'catalog.schema.name'].slice(0, maxParts).join(' or ');
    cursor.fail(`${what}: ${parts.join('.')} has ${parts.length} name parts; expected ${shape}`, first);
  }
  return parts;
}

/** A single-part name (a catalog). */
export function readSimpleName(cursor: TokenCursor, what: string): string {
  return readName(cursor, what, 1)[0] as string;
}

export function readIfNotExists(cursor: TokenCursor): boolean {
  return acceptWord(cursor, 'if', 'not', 'exists');
}

export function readIfExists(cursor: TokenCursor): boolean {
  return acceptWord(cursor, 'if', 'exists');
}

/** A principal after OWNER TO: a name (`alf@melmak.et` in backticks) or a string literal. */
export function readPrincipal(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  if (token?.kind === 'string') {
    const principal = cursor.readString(what);
    if (principal === '') cursor.fail(`${what} expects a non-empty principal`, token);
    return principal;
  }
  if (identifierValue(token) === undefined) cursor.fail(`${what} expects a principal`);
  return readIdentifier(cursor, what);
}

/** [LIKE] 'pattern' at the end of SHOW …; undefined when absent. */
export function readPattern(cursor: TokenCursor, what: string): string | undefined {
  if (acceptWord(cursor, 'like')) return cursor.readString(`${what} LIKE`);
  if (cursor.peek()?.kind === 'string') return cursor.readString(`${what} pattern`);
  return undefined;
}

/** IN | FROM, when next. */
export function acceptInOrFrom(cursor: TokenCursor): boolean {
  return acceptWord(cursor, 'in') || acceptWord(cursor, 'from');
}

/** One optional clause: its leading words, how it reads in errors, and its reader (run after the words). */
export interface Clause {
  readonly words: readonly string[];
  readonly read: () => void;
}

/**
 * Reads clauses in any order, each at most once, until the next tokens start none of them.
 * A repeated clause fails "<what> has two <CLAUSE> clauses".
 */
export function readClauses(cursor: TokenCursor, what: string, clauses: readonly Clause[]): void {
  const seen = new Set<Clause>();
  for (;;) {
    const at = cursor.peek();
    const clause = clauses.find((c) => wordsAhead(cursor, ...c.words));
    if (clause === undefined) return;
    if (seen.has(clause)) cursor.fail(`${what} has two ${clause.words.join(' ').toUpperCase()} clauses`, at);
    seen.add(clause);
    skip(cursor, clause.words.length);
    clause.read();
  }
}

/** True when the token is one of the words (case-insensitive). */
export function isOneOf(token: Token | undefined, ...words: string[]): boolean {
  return words.some((w) => isWord(token, w));
}

/** `c.s` or `s` for a schema; fails for more parts. */
export function readSchemaName(cursor: TokenCursor, what: string): NameParts {
  return readName(cursor, what, 2);
}

/** [CASCADE | RESTRICT] → whether CASCADE was given. */
export function readDropBehavior(cursor: TokenCursor): boolean {
  if (acceptWord(cursor, 'cascade')) return true;
  acceptWord(cursor, 'restrict');
  return false;
}

/**
 * RENAME TO n | [SET] OWNER TO p | SET <propertyWord> (…) — `propertyWords` lists the words
 * SET may take (DBPROPERTIES for schemas, TBLPROPERTIES for views; none elsewhere).
 */
export function readAlteration(cursor: TokenCursor, what: string, propertyWords: readonly string[]): ObjectAlteration {
  if (acceptWord(cursor, 'rename', 'to')) return { kind: 'rename', newName: readName(cursor, `${what} RENAME TO`, 3) };
  if (acceptWord(cursor, 'owner', 'to') || acceptWord(cursor, 'set', 'owner', 'to')) return { kind: 'owner', principal: readPrincipal(cursor, `${what} OWNER TO`) };
  for (const word of propertyWords) {
    if (acceptWord(cursor, 'set', word)) return { kind: 'set_properties', properties: readProperties(cursor, `${what} SET ${word.toUpperCase()}`) };
    if (acceptWord(cursor, 'unset', word)) {
      const ifExists = readIfExists(cursor);
      return { kind: 'unset_properties', keys: readPropertyKeys(cursor, `${what} UNSET ${word.toUpperCase()}`), ifExists };
    }
  }
  const supported = ['RENAME TO', '[SET] OWNER TO', ...propertyWords.flatMap((w) => [`SET ${w.toUpperCase()}`, `UNSET ${w.toUpperCase()}`])];
  return cursor.fail(`${what} supports ${supported.join(', ')}`);
}
