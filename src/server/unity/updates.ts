/**
 * Update bodies (UpdateCatalog, UpdateSchema, UpdateVolumeRequestContent) → Loch ObjectChange.
 *
 * - `comment`: the new comment; "" clears it.
 * - `properties`: the object's properties afterwards (keys not given are removed), as the UC
 *   reference server replaces the map; absent leaves them alone.
 * - `new_name`: a rename within the parent (validated as an identifier).
 * - `owner` (Databricks' field, not in the UC OSS spec): transfers ownership.
 */
import type { ObjectChange } from '../../catalog/catalog-types.js';
import type { JsonObject } from './request.js';
import { optionalComment, optionalProperties, optionalString } from './request.js';
import { checkName } from './uc-names.js';
import { invalidParameter } from './uc-errors.js';

export interface UpdateFields {
  readonly properties?: boolean;
}

/** The change a body asks for; `current` are the object's properties now (for replacement). */
export function objectChange(body: JsonObject, kind: string, current: Readonly<Record<string, string>>, fields: UpdateFields = { properties: true }): ObjectChange {
  const comment = optionalComment(body);
  const properties = fields.properties === true ? optionalProperties(body) : undefined;
  const newName = optionalString(body, 'new_name');
  const owner = optionalString(body, 'owner');
  if (owner !== undefined && (owner === '' || owner.length > 255 || /\p{Cc}/u.test(owner))) throw invalidParameter('owner must be a principal name of 1–255 characters');
  const unset = properties === undefined ? [] : Object.keys(current).filter((k) => !(k in properties));
  return {
    ...(comment !== undefined ? { comment: comment === '' ? null : comment } : {}),
    ...(properties !== undefined ? { setProperties: properties } : {}),
    ...(unset.length > 0 ? { unsetProperties: unset } : {}),
    ...(newName !== undefined && newName !== '' ? { newName: checkName(kind, newName) } : {}),
    ...(owner !== undefined ? { owner } : {}),
  };
}

/** True when the change would do nothing (PATCH with an empty body): answer the object as is. */
export function isEmptyChange(change: ObjectChange): boolean {
  return Object.keys(change).length === 0;
}
