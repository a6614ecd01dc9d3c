import type { Principal, Privilege, SecurableType } from './governance-types.js';
import { depthOf, expandAllPrivileges, ownPrivileges, visibilityPrivilege } from './privileges.js';

/**
 * The one decision procedure of Loch's access control (see governance-types.ts for the model).
 * Pure: it is handed the actor and the securables from the metastore (optional) down to the
 * object, each with its owner and direct grants, and reads nothing else. Every door (SQL, the
 * REST APIs, pgwire, the CLI) reaches it through the Catalog, so they all decide alike.
 */

/** One securable of a chain: its owner and its direct grants (principal → privileges). */
export interface SecurableNode {
  readonly type: SecurableType;
  /** The full dotted name for messages ('' for the metastore). */
  readonly name: string;
  /** Absent for the metastore and for a name that does not exist (see `absentNode`). */
  readonly owner?: string | undefined;
  readonly grants: Readonly<Record<string, readonly Privilege[]>>;
}

/** A refusal: the first privilege found missing on the way down, and where. */
export interface Denial {
  readonly deny: Privilege;
  readonly on: SecurableNode;
  /** "<principal> lacks <PRIVILEGE> on <TYPE> <name>": safe to show (names only what was asked). */
  readonly reason: string;
}

export type Decision = 'allow' | Denial;

/**
 * A node standing for an object that does not exist: deciding on it answers "would the actor
 * be allowed if it existed", which depends only on the ancestors, so refusing it discloses
 * nothing about existence.
 */
export function absentNode(type: SecurableType, name: string): SecurableNode {
  return { type, name, grants: {} };
}

/**
 * Whether `actor` holds `privilege` on the last securable of `chain`:
 * - admins are always allowed;
 * - the USE path: USE CATALOG on the catalog and USE SCHEMA on the schema above the object;
 * - then the privilege itself, granted on the object or an ancestor (catalog, schema) to the
 *   actor or one of its groups, directly or through ALL PRIVILEGES (never MANAGE);
 * - the owner of the object or of an ancestor holds every privilege, MANAGE included.
 * `MANAGE` as the asked privilege means "may manage" (alter, drop, grant): ownership or MANAGE.
 * Metastore grants apply only to a METASTORE target.
 */
export function decide(actor: Principal, privilege: Privilege, chain: readonly SecurableNode[]): Decision {
  if (actor.admin) return 'allow';
  const nodes = relevant(chain);
  const who = principalsOf(actor);
  const path = checkPath(actor, who, nodes);
  if (path !== 'allow') return path;
  const target = nodes.length - 1;
  if (holds(who, privilege, nodes, target)) return 'allow';
  return denial(actor, privilege, nodes[target] as SecurableNode);
}

/**
 * Whether the actor may see the last securable of `chain` (get it, find it in listings): the
 * USE path to it, and for a catalog or schema its USE privilege; for a table, view, volume or
 * function any privilege on it (own or inherited), MANAGE, or ownership. A hidden object is
 * refused naming its type's usual privilege (SELECT, READ VOLUME, EXECUTE).
 */
export function decideVisible(actor: Principal, chain: readonly SecurableNode[]): Decision {
  if (actor.admin) return 'allow';
  const nodes = relevant(chain);
  const last = nodes[nodes.length - 1] as SecurableNode;
  if (depthOf(last.type) < 3) return decide(actor, visibilityPrivilege(last.type), nodes);
  const who = principalsOf(actor);
  const path = checkPath(actor, who, nodes);
  if (path !== 'allow') return path;
  const any: readonly Privilege[] = [...ownPrivileges(last.type), 'MANAGE'];
  if (any.some((p) => holds(who, p, nodes, nodes.length - 1))) return 'allow';
  return denial(actor, visibilityPrivilege(last.type), last);
}

/** The privileges `actor` holds on the last securable (for SHOW GRANTS-like views); admins hold all given. */
export function heldPrivileges(actor: Principal, candidates: readonly Privilege[], chain: readonly SecurableNode[]): Privilege[] {
  return candidates.filter((p) => decide(actor, p, chain) === 'allow');
}

/** The actor's name and every group it belongs to (transitively, `account users` included). */
export function principalsOf(actor: Principal): ReadonlySet<string> {
  return new Set([actor.name, ...actor.groups]);
}

/** The message text of a denial, as PERMISSION_DENIED errors carry it. */
export function describeDenial(denial: Denial): string {
  return `catalog: ${denial.reason} (PERMISSION_DENIED)`;
}

/** The chain without the metastore node unless the metastore itself is the target. */
function relevant(chain: readonly SecurableNode[]): readonly SecurableNode[] {
  if (chain.length === 0) throw new Error('authorizer: empty securable chain');
  const last = chain[chain.length - 1] as SecurableNode;
  return last.type === 'METASTORE' ? [last] : chain.filter((n) => n.type !== 'METASTORE');
}

/** USE CATALOG on the catalog and USE SCHEMA on the schema, for whatever lies below them. */
function checkPath(actor: Principal, who: ReadonlySet<string>, nodes: readonly SecurableNode[]): Decision {
  for (let i = 0; i < nodes.length; i += 1) {
    const node = nodes[i] as SecurableNode;
    const use: Privilege | undefined = node.type === 'CATALOG' ? 'USE CATALOG' : node.type === 'SCHEMA' ? 'USE SCHEMA' : undefined;
    if (use !== undefined && !holds(who, use, nodes, i)) return denial(actor, use, node);
  }
  return 'allow';
}

/** `privilege` held on nodes[target] through ownership or a grant on it or an ancestor. */
function holds(who: ReadonlySet<string>, privilege: Privilege, nodes: readonly SecurableNode[], target: number): boolean {
  for (let i = 0; i <= target; i += 1) {
    const node = nodes[i] as SecurableNode;
    if (node.owner !== undefined && who.has(node.owner)) return true;
    for (const principal of who) {
      const granted = node.grants[principal];
      if (granted === undefined) continue;
      if (granted.includes(privilege)) return true;
      if (privilege !== 'MANAGE' && granted.includes('ALL PRIVILEGES') && expandAllPrivileges(node.type).includes(privilege)) return true;
    }
  }
  return false;
}

function denial(actor: Principal, privilege: Privilege, node: SecurableNode): Denial {
  const on = node.name === '' ? node.type : `${node.type} ${node.name}`;
  return { deny: privilege, on: node, reason: `${actor.name} lacks ${privilege} on ${on}` };
}
