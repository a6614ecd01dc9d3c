import { deletionVectorUniqueId } from '../spec/actions.js';
import type { DeletionVectorDescriptor } from '../spec/actions.js';

function percentDecode(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    // A stray '%' that is not an escape: the writer did not encode the path; keep it literal.
    return path;
  }
}

/** `file:/x`, `file:///x` and `file://localhost/x` all name the local path `/x`. */
function stripFileScheme(path: string): string {
  if (!path.startsWith('file:')) return path;
  const rest = path.slice('file:'.length);
  if (!rest.startsWith('//')) return rest;
  const slash = rest.indexOf('/', 2);
  const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
  if (authority !== '' && authority !== 'localhost') return path;
  return slash < 0 ? '/' : rest.slice(slash);
}

/** The canonical form of a table root URL (e.g. `ObjectStore.url`) for `canonicalPath`. */
export function canonicalRoot(rootUrl: string): string {
  const root = stripFileScheme(percentDecode(rootUrl));
  return root.endsWith('/') ? root.slice(0, -1) : root;
}

/**
 * The canonical form of an add/remove path, so that the spellings writers use for one file
 * compare equal: percent-escapes are decoded (the path is a URI), the `file:` scheme is dropped,
 * and an absolute path inside the table root (given by `root`, see canonicalRoot) becomes
 * relative to it.
 */
export function canonicalPath(path: string, root?: string): string {
  const decoded = stripFileScheme(percentDecode(path));
  if (root !== undefined && root !== '' && decoded.startsWith(`${root}/`)) return decoded.slice(root.length + 1);
  return decoded;
}

/**
 * The primary key of a logical file (PROTOCOL.md "Add File and Remove File"): canonical path plus
 * the deletion vector's unique id (empty without a DV).
 */
export function fileIdentity(path: string, deletionVector: DeletionVectorDescriptor | undefined, root?: string): string {
  const dv = deletionVector === undefined ? '' : deletionVectorUniqueId(deletionVector);
  return `${canonicalPath(path, root)}\u0000${dv}`;
}
