/**
 * Who may point a new table or volume at a storage location of their choosing. Unity Catalog
 * asks for CREATE EXTERNAL TABLE / CREATE EXTERNAL VOLUME on an external location covering the
 * path; Loch has no external locations, so through this API only admins create EXTERNAL
 * objects — otherwise any user could register another table's folder (or any readable path of
 * the host) under a name they own and read it past its grants.
 */
import type { Principal } from '../../catalog/governance/governance-types.js';
import { refuseVolumeLocation } from '../../catalog/volume-paths.js';
import { LochError } from '../../core/errors.js';
import { invalidParameter } from './uc-errors.js';

/**
 * Checks `location` (absolute path or URL, no '.'/'..' segments, outside /Volumes) and that
 * `principal` may use it: an EXTERNAL table's or volume's `storage_location`, or a catalog's or
 * schema's `storage_root` (managed storage placed by the caller is the same escape).
 */
export function checkExternalLocation(principal: Principal, location: string, what: 'table' | 'volume' | 'catalog' | 'schema', fullName: string): void {
  const field = what === 'catalog' || what === 'schema' ? 'storage_root' : 'storage_location';
  if (location.length > 4096 || /\p{Cc}/u.test(location)) throw invalidParameter(`${field} of ${what} ${fullName} is too long or holds control characters`);
  if (!location.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw invalidParameter(`${field} '${location.slice(0, 200)}' of ${what} ${fullName} must be an absolute path or a URL`);
  }
  if (location.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
    throw invalidParameter(`${field} '${location.slice(0, 200)}' of ${what} ${fullName} must not hold '.' or '..' segments`);
  }
  refuseVolumeLocation(location, `${what} ${fullName}`);
  if (!principal.admin) {
    const advice = field === 'storage_root' ? `omit storage_root to use the parent's managed storage` : `omit storage_location for a MANAGED ${what}`;
    throw new LochError(
      'PERMISSION_DENIED',
      `unity catalog: ${principal.name} may not set the ${field} of ${what} ${fullName}: Loch has no external locations, so only admins choose storage locations; ${advice} (PERMISSION_DENIED)`,
      { context: { principal: principal.name, name: fullName } },
    );
  }
}
