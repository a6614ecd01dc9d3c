import { LochError, randomIds, systemClock } from '../../core/index.js';
import type { Clock, IdSource } from '../../core/index.js';
import { namespaceOf } from '../metastore.js';
import type {
  CreateOutcome,
  ListOptions,
  Metastore,
  NewObject,
  ObjectKind,
  ObjectUpdate,
  RestoreOutcome,
  StoredObject,
  UpdateOutcome,
} from '../metastore.js';

/**
 * Compares strings by Unicode code point (not UTF-16 unit), the order SQLite's BINARY collation
 * and PostgreSQL's "C" collation give for UTF-8 text, so every backend lists alike.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Orders objects as the port requires: by name in code-point order, then id. */
export function compareObjects(a: StoredObject, b: StoredObject): number {
  return compareCodePoints(a.name, b.name) || compareCodePoints(a.id, b.id);
}

/**
 * A caller-supplied id that is already used (by any object, live or not) is a caller bug, not an
 * outcome: ids are UUIDs chosen to be unique.
 */
export function idTaken(description: string, id: string): LochError {
  return new LochError('ALREADY_EXISTS', `metastore ${description}: object id ${id} is already in use`, {
    context: { id },
  });
}

/** A copy no caller can share with the store: the document goes through JSON. */
function copy(object: StoredObject): StoredObject {
  return { ...object, data: JSON.parse(JSON.stringify(object.data)) as StoredObject['data'] };
}

/**
 * The Metastore port held in one process's memory: for tests and `memory:` sessions. Every
 * method runs without awaiting in between, so each is atomic within the process; documents are
 * copied in and out so callers can never change stored state by mutating what they hold.
 * Soft-delete and restore change only `deletedAt` (not revision or updatedAt), in every backend.
 */
export class MemoryMetastore implements Metastore {
  readonly description = 'memory';
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly objects = new Map<string, StoredObject>();

  constructor(options: { clock?: Clock; ids?: IdSource } = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
  }

  async create(object: NewObject): Promise<CreateOutcome> {
    if (object.parentId !== null && !this.isLive(object.parentId)) return { status: 'parent_missing' };
    const sibling = this.liveSibling(object.kind, object.parentId, object.name);
    if (sibling) return { status: 'exists', object: copy(sibling) };
    const id = object.id ?? this.ids.uuid();
    if (this.objects.has(id)) throw idTaken(this.description, id);
    const now = this.clock.now();
    const stored: StoredObject = copy({
      id,
      kind: object.kind,
      parentId: object.parentId,
      name: object.name,
      data: object.data,
      revision: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    this.objects.set(id, stored);
    return { status: 'created', object: copy(stored) };
  }

  async get(kind: ObjectKind, parentId: string | null, name: string): Promise<StoredObject | undefined> {
    for (const object of this.objects.values()) {
      if (object.kind === kind && object.parentId === parentId && object.name === name && object.deletedAt === null) {
        return copy(object);
      }
    }
    return undefined;
  }

  async getById(id: string): Promise<StoredObject | undefined> {
    const object = this.objects.get(id);
    return object ? copy(object) : undefined;
  }

  async list(kinds: readonly ObjectKind[], parentId: string | null, options: ListOptions = {}): Promise<StoredObject[]> {
    const wanted = new Set(kinds);
    const deleted = options.deleted === true;
    return [...this.objects.values()]
      .filter((o) => wanted.has(o.kind) && o.parentId === parentId && (o.deletedAt !== null) === deleted)
      .sort(compareObjects)
      .map(copy);
  }

  async update(id: string, update: ObjectUpdate): Promise<UpdateOutcome> {
    const current = this.objects.get(id);
    if (!current || current.deletedAt !== null) return { status: 'missing' };
    if (update.expectedRevision !== undefined && update.expectedRevision !== current.revision) {
      return { status: 'conflict', object: copy(current) };
    }
    if (update.name !== undefined && update.name !== current.name) {
      const sibling = this.liveSibling(current.kind, current.parentId, update.name);
      if (sibling && sibling.id !== id) return { status: 'name_taken' };
    }
    const next: StoredObject = copy({
      ...current,
      name: update.name ?? current.name,
      data: update.data ?? current.data,
      revision: current.revision + 1,
      updatedAt: this.clock.now(),
    });
    this.objects.set(id, next);
    return { status: 'updated', object: copy(next) };
  }

  async softDelete(id: string, at: number): Promise<StoredObject | 'has_children' | undefined> {
    const current = this.objects.get(id);
    if (!current || current.deletedAt !== null) return undefined;
    if (this.hasLiveChild(id)) return 'has_children';
    const next: StoredObject = { ...current, deletedAt: at };
    this.objects.set(id, next);
    return copy(next);
  }

  async restore(id: string): Promise<RestoreOutcome> {
    const current = this.objects.get(id);
    if (!current || current.deletedAt === null) return { status: 'missing' };
    if (current.parentId !== null && !this.isLive(current.parentId)) return { status: 'parent_missing' };
    if (this.liveSibling(current.kind, current.parentId, current.name)) return { status: 'name_taken' };
    const next: StoredObject = { ...current, deletedAt: null };
    this.objects.set(id, next);
    return { status: 'restored', object: copy(next) };
  }

  async removeTree(id: string, options: { readonly onlyIfLeaf?: boolean } = {}): Promise<StoredObject[] | 'has_children'> {
    const root = this.objects.get(id);
    if (!root) return [];
    if (options.onlyIfLeaf === true && this.hasLiveChild(id)) return 'has_children';
    // Root first, then level by level, each level by name and id: the order every backend returns.
    const removed: StoredObject[] = [root];
    let level = [root];
    while (level.length > 0) {
      const ids = new Set(level.map((o) => o.id));
      level = [...this.objects.values()].filter((o) => o.parentId !== null && ids.has(o.parentId)).sort(compareObjects);
      removed.push(...level);
    }
    for (const object of removed) this.objects.delete(object.id);
    return removed.map(copy);
  }

  async close(): Promise<void> {
    // Nothing to release: the objects live and die with this instance.
  }

  private isLive(id: string): boolean {
    const object = this.objects.get(id);
    return object !== undefined && object.deletedAt === null;
  }

  private liveSibling(kind: ObjectKind, parentId: string | null, name: string): StoredObject | undefined {
    const namespace = namespaceOf(kind);
    for (const object of this.objects.values()) {
      if (
        object.deletedAt === null &&
        object.parentId === parentId &&
        object.name === name &&
        namespaceOf(object.kind) === namespace
      ) {
        return object;
      }
    }
    return undefined;
  }

  private hasLiveChild(id: string): boolean {
    for (const object of this.objects.values()) if (object.parentId === id && object.deletedAt === null) return true;
    return false;
  }
}
