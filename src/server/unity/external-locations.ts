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

/** Checks `location` (absolute path or URL, outside /Volumes) and that `principal` may use it. */
export function checkExternalLocation(principal: Principal, location: string, what: 'table' | 'volume', fullName: string): void {
  if (location.length > 4096 || /\p{Cc}/u.test(location)) throw invalidParameter(`storage_location of ${what} ${fullName} is too long or holds control characters`);
  if (!location.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw invalidParameter(`storage_location '${location.slice(0, 200)}' of ${what} ${fullName} must be an absolute path or a URL`);
  }
  if (location.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
    throw invalidParameter(`storage_location '${location.slice(0, 200)}' of ${what} ${fullName} must not hold '.' or '..' segments`);
  }
  refuseVolumeLocation(location, `EXTERNAL ${what}`);
  if (!principal.admin) {
    throw new LochError(
      'PERMISSION_DENIED',
      `unity catalog: ${principal.name} may not create EXTERNAL ${what} ${fullName}: Loch has no external locations, so only admins choose storage locations; omit storage_location for a MANAGED ${what} (PERMISSION_DENIED)`,
      { context: { principal: principal.name, name: fullName } },
    );
  }
}
