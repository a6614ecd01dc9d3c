import type { Privilege } from './governance/governance-types.js';
import { PRIVILEGES } from './governance/governance-types.js';
import type { ObjectData } from './metastore.js';

/**
 * The direct grants of a securable as kept in its metastore document: `grants: { [principal]:
 * Privilege[] }`. Unknown privilege spellings (a newer Loch's) are ignored when read.
 */
export function readGrants(data: ObjectData): Record<string, Privilege[]> {
  const raw = data['grants'];
  const out: Record<string, Privilege[]> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [principal, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const privileges = PRIVILEGES.filter((p) => list.includes(p));
    if (privileges.length > 0) out[principal] = privileges;
  }
  return out;
}
