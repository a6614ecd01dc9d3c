/**
 * Loch catalog objects → Unity Catalog JSON (CatalogInfo, SchemaInfo, VolumeInfo). Field names
 * and shapes follow the UC OpenAPI document; times are epoch ms; optional fields are left out
 * rather than sent as null (the spec has no nullable fields).
 */
import type { CatalogInfo, ObjectCommon, SchemaInfo, VolumeInfo } from '../../catalog/catalog-types.js';
import { fullName } from './uc-names.js';

type Json = Record<string, unknown>;

/** owner, created_*, updated_*, comment and properties: the fields every object shares. */
export function commonFields(o: ObjectCommon): Json {
  return {
    ...(o.comment !== undefined && o.comment !== '' ? { comment: o.comment } : {}),
    properties: { ...o.properties },
    owner: o.owner,
    created_at: o.createdAt,
    created_by: o.createdBy,
    updated_at: o.updatedAt,
    updated_by: o.updatedBy,
  };
}

export function catalogJson(c: CatalogInfo): Json {
  return {
    name: c.name,
    ...commonFields(c),
    id: c.id,
    ...(c.storageRoot !== undefined ? { storage_root: c.storageRoot } : {}),
  };
}

export function schemaJson(s: SchemaInfo): Json {
  return {
    name: s.name,
    catalog_name: s.catalog,
    full_name: fullName(s.catalog, s.name),
    ...commonFields(s),
    schema_id: s.id,
    ...(s.storageRoot !== undefined ? { storage_root: s.storageRoot } : {}),
  };
}

export function volumeJson(v: VolumeInfo): Json {
  const { properties: _ignored, ...common } = commonFields(v);
  return {
    catalog_name: v.catalog,
    schema_name: v.schema,
    name: v.name,
    full_name: fullName(v.catalog, v.schema, v.name),
    ...common,
    volume_id: v.id,
    volume_type: v.volumeType,
    storage_location: v.location,
  };
}
