import { LochError } from '../core/errors.js';
import { displayName } from './names.js';

/**
 * The catalog's errors, worded as catalog-types.ts requires: "catalog: <kind> <full name> …"
 * ending with Databricks' error class in parentheses.
 */
export type CatalogObjectKind = 'catalog' | 'schema' | 'table' | 'view' | 'volume' | 'function' | 'model endpoint';

const NOT_FOUND_CLASS: Record<CatalogObjectKind, string> = {
  catalog: 'NO_SUCH_CATALOG_EXCEPTION',
  schema: 'SCHEMA_NOT_FOUND',
  table: 'TABLE_OR_VIEW_NOT_FOUND',
  view: 'TABLE_OR_VIEW_NOT_FOUND',
  volume: 'VOLUME_NOT_FOUND',
  function: 'ROUTINE_NOT_FOUND',
  'model endpoint': 'RESOURCE_DOES_NOT_EXIST',
};

const EXISTS_CLASS: Record<CatalogObjectKind, string> = {
  catalog: 'CATALOG_ALREADY_EXISTS',
  schema: 'SCHEMA_ALREADY_EXISTS',
  table: 'TABLE_OR_VIEW_ALREADY_EXISTS',
  view: 'TABLE_OR_VIEW_ALREADY_EXISTS',
  volume: 'VOLUME_ALREADY_EXISTS',
  function: 'ROUTINE_ALREADY_EXISTS',
  'model endpoint': 'RESOURCE_ALREADY_EXISTS',
};

export function notFound(kind: CatalogObjectKind, parts: readonly string[]): LochError {
  const name = displayName(...parts);
  return new LochError('NOT_FOUND', `catalog: ${kind} ${name} does not exist (${NOT_FOUND_CLASS[kind]})`, { context: { kind, name } });
}

export function alreadyExists(kind: CatalogObjectKind, parts: readonly string[]): LochError {
  const name = displayName(...parts);
  return new LochError('ALREADY_EXISTS', `catalog: ${kind} ${name} already exists (${EXISTS_CLASS[kind]})`, { context: { kind, name } });
}

export function notEmpty(kind: 'catalog' | 'schema', parts: readonly string[]): LochError {
  const name = displayName(...parts);
  const children = kind === 'catalog' ? 'schemas' : 'tables, views or volumes';
  return new LochError('INVALID_ARGUMENT', `catalog: ${kind} ${name} is not empty: it holds ${children}; drop them first or use CASCADE (SCHEMA_NOT_EMPTY)`, {
    context: { kind, name },
  });
}

/** DROP TABLE on a view, DROP VIEW on a table. */
export function wrongCommand(actual: 'table' | 'view', parts: readonly string[]): LochError {
  const name = displayName(...parts);
  const command = actual === 'view' ? 'DROP VIEW' : 'DROP TABLE';
  return new LochError('INVALID_ARGUMENT', `catalog: ${name} is a ${actual}; use ${command} (WRONG_COMMAND_FOR_OBJECT_TYPE)`, {
    context: { kind: actual, name },
  });
}

/** A metastore outcome that the catalog's own checks rule out (a bug or a hostile backend). */
export function unexpected(what: string, outcome: string): LochError {
  return new LochError('INTERNAL', `catalog: ${what}: unexpected metastore outcome '${outcome}'`, { context: { outcome } });
}

/** An optimistic update lost to concurrent writers too many times in a row. */
export function tooManyConflicts(kind: CatalogObjectKind, parts: readonly string[]): LochError {
  const name = displayName(...parts);
  return new LochError('CONFLICT', `catalog: ${kind} ${name} kept changing concurrently; try again`, { context: { kind, name }, retryable: true });
}
