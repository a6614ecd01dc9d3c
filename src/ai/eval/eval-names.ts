import type { ObjectName } from '../../catalog/catalog-types.js';
import { parseObjectName } from '../../sql/bind/object-name.js';
import { SessionState, formatName, resolveName } from '../../sql/sql-env.js';

/** A name as evaluation options give it (1–3 parts, default main.default), resolved and as SQL text. */
export interface EvalName {
  readonly name: ObjectName;
  readonly sql: string;
  readonly full: string;
}

export function evalName(text: string): EvalName {
  const name = resolveName(new SessionState(), parseObjectName(text));
  return { name, sql: formatName(name), full: `${name.catalog}.${name.schema}.${name.name}` };
}
