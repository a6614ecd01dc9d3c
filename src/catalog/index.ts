export type {
  Catalog,
  CatalogInfo,
  CreateOptions,
  FunctionInfo,
  DropOptions,
  ObjectChange,
  ObjectCommon,
  ObjectName,
  RegisterOptions,
  SchemaInfo,
  TableFormat,
  TableInfo,
  TablePlan,
  TableType,
  VolumeFile,
  VolumeInfo,
  VolumeType,
} from './catalog-types.js';
export type {
  CreateOutcome,
  ListOptions as MetastoreListOptions,
  Metastore,
  NewObject,
  ObjectData,
  ObjectKind,
  ObjectUpdate,
  RestoreOutcome,
  StoredObject,
  UpdateOutcome,
} from './metastore.js';
export { namespaceOf } from './metastore.js';
export { EMBEDDED_REQUEST, LakehouseCatalog } from './catalog-service.js';
export type { LakehouseCatalogOptions } from './catalog-service.js';
export type { ViewDefinition } from './table-registry.js';
export { DEFAULT_RETENTION_MS } from './dropped-tables.js';
export { displayName, normalizeName, normalizeObjectName } from './names.js';
export { formatVolumePath, isVolumePath, parseVolumePath } from './volume-paths.js';
export type { VolumePath } from './volume-paths.js';
export { MemoryMetastore } from './memory/memory-metastore.js';
export { openMetastore } from './open-metastore.js';
export type { OpenMetastoreOptions } from './open-metastore.js';
export type * from './governance/governance-types.js';
export { ADMINS_GROUP, ALL_USERS_GROUP, NO_AUDIT, PRIVILEGES } from './governance/governance-types.js';
export type { IdentityStore } from './governance/identity-store.js';
export { MetastoreIdentityStore } from './governance/metastore-identity-store.js';
export type { MetastoreIdentityStoreOptions } from './governance/metastore-identity-store.js';
export { absentNode, decide, decideVisible, describeDenial } from './governance/authorizer.js';
export type { Decision, Denial, SecurableNode } from './governance/authorizer.js';
export { appliesTo, expandAllPrivileges, grantablePrivileges, ownPrivileges, parsePrivilege, sortPrivileges } from './governance/privileges.js';
