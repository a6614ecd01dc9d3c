import type { ObjectChange, ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { NameParts, ObjectAlteration } from '../parse/catalog-ast.js';
import { formatName, resolveName, type SessionState } from '../sql-env.js';

/**
 * Turns a parsed ALTER action into the catalog's ObjectChange. RENAME TO keeps an object in its
 * parent (Unity Catalog cannot move objects): a qualified new name must name the same parent.
 */
export function relationChange(state: SessionState, what: string, name: ObjectName, change: ObjectAlteration): ObjectChange {
  if (change.kind !== 'rename') return plainChange(change);
  const target = change.newName.length === 1 ? { ...name, name: (change.newName[0] as string).toLowerCase() } : resolveName(state, change.newName);
  if (target.catalog !== name.catalog || target.schema !== name.schema) {
    throw new LochError('INVALID_ARGUMENT', `sql: ${what} ${formatName(name)} RENAME TO ${formatName(target)}: an object cannot move to another schema or catalog`, {
      context: { from: formatName(name), to: formatName(target) },
    });
  }
  return { newName: target.name };
}

/** RENAME TO for a schema: `n` or `<same catalog>.n`. */
export function schemaChange(what: string, catalog: string, schema: string, change: ObjectAlteration): ObjectChange {
  if (change.kind !== 'rename') return plainChange(change);
  const parts = change.newName.map((p) => p.toLowerCase());
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== catalog)) {
    throw new LochError('INVALID_ARGUMENT', `sql: ${what} ${catalog}.${schema} RENAME TO ${change.newName.join('.')}: a schema cannot move to another catalog`);
  }
  return { newName: parts[parts.length - 1] as string };
}

/** RENAME TO for a catalog: a single name. */
export function catalogChange(what: string, catalog: string, change: ObjectAlteration): ObjectChange {
  if (change.kind !== 'rename') return plainChange(change);
  if (change.newName.length !== 1) throw new LochError('INVALID_ARGUMENT', `sql: ${what} ${catalog} RENAME TO ${change.newName.join('.')}: a catalog name has one part`);
  return { newName: change.newName[0] as string };
}

function plainChange(change: Exclude<ObjectAlteration, { kind: 'rename' }>): ObjectChange {
  switch (change.kind) {
    case 'owner':
      return { owner: change.principal };
    case 'set_properties':
      return { setProperties: change.properties };
    case 'unset_properties':
      return { unsetProperties: change.keys };
  }
}

/** `s` or `c.s` against the session, lower-cased as the catalog stores names. */
export function resolveSchema(state: SessionState, parts: NameParts): { catalog: string; schema: string } {
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.length === 1) return { catalog: state.catalog, schema: lower[0] as string };
  return { catalog: lower[0] as string, schema: lower[1] as string };
}
