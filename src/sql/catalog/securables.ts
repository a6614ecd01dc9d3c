import type { SecurableRef } from '../../catalog/governance/governance-types.js';
import type { SecurableSpec } from '../parse/governance-ast.js';
import { resolveName } from '../sql-env.js';
import type { SessionState } from '../sql-env.js';

/**
 * Securables of governance statements: names as written resolved against the session (a
 * schema `s` is in the current catalog, a table `t` in the current schema), and securables
 * shown the way SHOW GRANTS shows them.
 */

export function resolveSecurable(state: SessionState, spec: SecurableSpec): SecurableRef {
  switch (spec.kind) {
    case 'metastore':
      return { type: 'METASTORE' };
    case 'catalog':
      return { type: 'CATALOG', catalog: (spec.name ?? state.catalog).toLowerCase() };
    case 'schema': {
      const parts = spec.name.map((p) => p.toLowerCase());
      return parts.length === 1 ? { type: 'SCHEMA', catalog: state.catalog, schema: parts[0] as string } : { type: 'SCHEMA', catalog: parts[0] as string, schema: parts[1] as string };
    }
    case 'table':
    case 'view':
      return { type: 'TABLE', name: resolveName(state, spec.name) };
    case 'volume':
      return { type: 'VOLUME', name: resolveName(state, spec.name) };
    case 'function':
      return { type: 'FUNCTION', name: resolveName(state, spec.name) };
    case 'model_endpoint':
      return { type: 'MODEL_ENDPOINT', name: resolveName(state, spec.name) };
  }
}

/** SHOW GRANTS' object_key: the full name, parts joined by dots (names hold no dots); NULL-like undefined for the metastore. */
export function securableKey(ref: SecurableRef): string | undefined {
  switch (ref.type) {
    case 'METASTORE':
      return undefined;
    case 'CATALOG':
      return ref.catalog;
    case 'SCHEMA':
      return `${ref.catalog}.${ref.schema}`;
    default:
      return `${ref.name.catalog}.${ref.name.schema}.${ref.name.name}`;
  }
}

/** How far down the hierarchy a securable is: metastore 0, catalog 1, schema 2, objects 3 (ancestors sort first). */
export function securableDepth(ref: SecurableRef): number {
  return ref.type === 'METASTORE' ? 0 : ref.type === 'CATALOG' ? 1 : ref.type === 'SCHEMA' ? 2 : 3;
}

/** "TABLE main.default.t", "METASTORE", for messages. */
export function describeSecurable(ref: SecurableRef): string {
  const key = securableKey(ref);
  return key === undefined ? ref.type : `${ref.type} ${key}`;
}
