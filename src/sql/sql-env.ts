import type { Catalog, ObjectName } from '../catalog/catalog-types.js';
import type { IdentityStore } from '../catalog/governance/identity-store.js';
import { LochError } from '../core/errors.js';
import type { TableContext } from '../table/context.js';
import type { LineageSink } from './governance-log/lineage-types.js';
import type { LochExtension } from './extension.js';

/**
 * The current catalog and schema of one SQL session (a shell, a server connection), changed by
 * USE CATALOG / USE SCHEMA. Starts at Databricks' defaults, `main.default`.
 */
export class SessionState {
  catalog = 'main';
  schema = 'default';
  /**
   * Session configuration set with `SET <key> = <value>` for keys an extension owns (e.g.
   * `loch.ai.endpoint`); keys lower-case. Lives as long as the session (a shell, a connection).
   */
  readonly settings = new Map<string, string>();
}

/** What every statement executor gets: the table layer's context, the catalog and the session. */
export interface SqlEnv {
  readonly ctx: TableContext;
  /** The catalog as the session's principal sees it (`catalog.actor`): every call governed. */
  readonly catalog: Catalog;
  readonly state: SessionState;
  /**
   * Users and groups, for CREATE/ALTER/DROP USER|GROUP and SHOW USERS|GROUPS (admins only, except
   * SHOW); without it those statements are NOT_IMPLEMENTED.
   */
  readonly identity?: IdentityStore;
  /**
   * Where succeeded writes, view definitions and reads are reported for system.access lineage
   * (governance-log/); absent: no lineage is kept.
   */
  readonly lineage?: LineageSink;
  /** Statements and query rewriters of the layers above (ai); see extension.ts. */
  readonly extensions?: readonly LochExtension[];
}

/**
 * A 1-, 2- or 3-part name as written (parts unquoted, case kept) resolved against the session:
 * `t` → current catalog and schema, `s.t` → current catalog. Parts are lower-cased, as Unity
 * Catalog compares names; the catalog validates the characters.
 */
export function resolveName(state: SessionState, parts: readonly string[]): ObjectName {
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.length === 1) return { catalog: state.catalog, schema: state.schema, name: lower[0] as string };
  if (lower.length === 2) return { catalog: state.catalog, schema: lower[0] as string, name: lower[1] as string };
  if (lower.length === 3) return { catalog: lower[0] as string, schema: lower[1] as string, name: lower[2] as string };
  throw new LochError('INVALID_ARGUMENT', `sql: name ${parts.join('.')} has ${parts.length} parts; expected table, schema.table or catalog.schema.table`);
}

/** A resolved name as users write it: each part backtick-quoted only when it needs it. */
export function formatName(name: ObjectName): string {
  return [name.catalog, name.schema, name.name].map(quotePart).join('.');
}

function quotePart(part: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(part) ? part : `\`${part.replaceAll('`', '``')}\``;
}
