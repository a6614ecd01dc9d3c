import type { StructField, StructType } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';
import { fileIdentity } from '../log/file-identity.js';
import { parsePartitionValue } from '../partition-values.js';
import type { Action, AddFile, Cdc, DeletionVectorDescriptor, Metadata, Protocol, RemoveFile } from '../spec/actions.js';
import { protocolSupports } from './protocol-for.js';
import { statsProblems } from './validate-stats.js';

/** The checks of validateCommit (validate-actions.ts) for add, remove and cdc actions. */

/** What the file-action checks need to know about the table after the commit. */
export interface TableAfter {
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema?: StructType;
  /** Partition columns found in the schema, by logical name. */
  readonly partitionFields: readonly StructField[];
}

export type Report = (problem: string) => void;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** ASCII a URI path may hold raw (RFC 2396 pchar and '/'), plus '%' for escapes. */
const URI_ASCII = /^[A-Za-z0-9\-_.!~*'(),;:$&+=@/%]$/;

/** Why `path` is not a valid add/remove/cdc path URI, or undefined. */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'is empty';
  for (const ch of path) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) return 'is not valid Unicode (lone surrogate)';
    if (code < 0x80 ? !URI_ASCII.test(ch) : code <= 0x9f || /^\p{Z}$/u.test(ch)) return `holds ${JSON.stringify(ch)}, which a URI must escape`;
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return "has a '%' that is not an escape";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 'does not percent-decode to UTF-8';
  }
  const absolute = SCHEME.test(path) && path.slice(path.indexOf(':') + 1).startsWith('/');
  if (absolute) return undefined;
  if (path.startsWith('/')) return 'is an absolute path without a URI scheme';
  if (SCHEME.test(path)) return "has a ':' in its first segment, which reads as a URI scheme";
  for (const segment of decoded.split('/')) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a '${segment}' segment`;
  }
  return undefined;
}

function dvProblem(dv: DeletionVectorDescriptor): string | undefined {
  if (dv.storageType !== 'u' && dv.storageType !== 'i' && dv.storageType !== 'p') return `deletion vector storageType '${String(dv.storageType)}' is not u, i or p`;
  if (typeof dv.pathOrInlineDv !== 'string' || dv.pathOrInlineDv === '') return 'deletion vector has no pathOrInlineDv';
  if (!isCount(dv.sizeInBytes) || !isCount(dv.cardinality)) return 'deletion vector sizeInBytes and cardinality must be non-negative integers';
  if (dv.storageType === 'i' ? dv.offset !== undefined : dv.offset !== undefined && !isCount(dv.offset)) return 'deletion vector offset is invalid for its storage type';
  return undefined;
}

function checkPartitionValues(values: unknown, what: string, after: TableAfter, report: Report): void {
  if (values === null || typeof values !== 'object') return report(`${what}: partitionValues is not an object`);
  const map = values as Record<string, unknown>;
  const expected = new Set(after.partitionFields.map((f) => f.physicalName));
  for (const key of Object.keys(map)) if (!expected.has(key)) report(`${what}: partitionValues key '${key}' is not the physical name of a partition column`);
  for (const field of after.partitionFields) {
    if (!(field.physicalName in map)) {
      report(`${what}: partitionValues has no entry for partition column '${field.name}' (key '${field.physicalName}')`);
      continue;
    }
    const raw = map[field.physicalName];
    if (raw !== null && typeof raw !== 'string') {
      report(`${what}: partition value of '${field.name}' is not a string or null`);
      continue;
    }
    try {
      parsePartitionValue(raw, field.type, { column: field.name });
    } catch {
      report(`${what}: partition value ${JSON.stringify(raw)} of '${field.name}' does not parse as ${typeToString(field.type)}`);
    }
  }
}

function checkAdd(add: AddFile, after: TableAfter, report: Report): void {
  const what = `add ${String(add.path)}`;
  const path = pathProblem(add.path);
  if (path !== undefined) report(`${what}: path ${path}`);
  if (!isCount(add.size)) report(`${what}: size ${String(add.size)} is not a non-negative integer`);
  if (!isCount(add.modificationTime)) report(`${what}: modificationTime ${String(add.modificationTime)} is not a non-negative integer`);
  if (typeof add.dataChange !== 'boolean') report(`${what}: dataChange is not a boolean`);
  checkPartitionValues(add.partitionValues, what, after, report);
  if (add.deletionVector !== undefined) {
    const dv = dvProblem(add.deletionVector);
    if (dv !== undefined) report(`${what}: ${dv}`);
    if (!protocolSupports(after.protocol, 'deletionVectors')) report(`${what}: has a deletion vector, but the protocol does not support deletionVectors`);
    if (add.stats === undefined) report(`${what}: a file with a deletion vector needs stats with numRecords`);
  }
  if (add.stats !== undefined && after.schema !== undefined) {
    const partitionNames = new Set(after.partitionFields.map((f) => f.physicalName));
    const dataFields = after.schema.fields.filter((f) => !partitionNames.has(f.physicalName));
    for (const problem of statsProblems(add.stats, dataFields)) report(`${what}: ${problem}`);
  }
}

function checkRemove(remove: RemoveFile, report: Report): void {
  const what = `remove ${String(remove.path)}`;
  const path = pathProblem(remove.path);
  if (path !== undefined) report(`${what}: path ${path}`);
  if (!isCount(remove.deletionTimestamp)) report(`${what}: deletionTimestamp ${String(remove.deletionTimestamp)} is not a non-negative integer`);
  if (typeof remove.dataChange !== 'boolean') report(`${what}: dataChange is not a boolean`);
  if (remove.size !== undefined && !isCount(remove.size)) report(`${what}: size ${String(remove.size)} is not a non-negative integer`);
  const dv = remove.deletionVector === undefined ? undefined : dvProblem(remove.deletionVector);
  if (dv !== undefined) report(`${what}: ${dv}`);
}

function checkCdc(cdc: Cdc, after: TableAfter, report: Report): void {
  const what = `cdc ${String(cdc.path)}`;
  const path = pathProblem(cdc.path);
  if (path !== undefined) report(`${what}: path ${path}`);
  if (!isCount(cdc.size)) report(`${what}: size ${String(cdc.size)} is not a non-negative integer`);
  if (cdc.dataChange !== false) report(`${what}: dataChange must be false`);
  checkPartitionValues(cdc.partitionValues, what, after, report);
}

/** Checks every add, remove and cdc action, and that no logical file (path + DV) appears twice. */
export function checkFileActions(actions: readonly Action[], after: TableAfter, report: Report): void {
  const seen = new Map<string, string>();
  const once = (kind: string, path: string, dv: DeletionVectorDescriptor | undefined): void => {
    if (typeof path !== 'string') return;
    const id = `${kind === 'cdc' ? 'cdc' : 'file'}\u0000${fileIdentity(path, dv)}`;
    const previous = seen.get(id);
    const label = dv === undefined ? path : `${path} (deletion vector ${dv.storageType}${dv.pathOrInlineDv})`;
    if (previous !== undefined) report(`file ${label} appears in two actions (${previous} and ${kind})`);
    seen.set(id, kind);
  };
  for (const a of actions) {
    if (a.kind === 'add') {
      checkAdd(a.add, after, report);
      once('add', a.add.path, a.add.deletionVector);
    } else if (a.kind === 'remove') {
      checkRemove(a.remove, report);
      once('remove', a.remove.path, a.remove.deletionVector);
    } else if (a.kind === 'cdc') {
      checkCdc(a.cdc, after, report);
      once('cdc', a.cdc.path, undefined);
    }
  }
}

