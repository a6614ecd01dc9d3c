import { LochError } from '../../../core/errors.js';
import { AnnIndex } from './ann-index.js';
import { reciprocalRankFusion } from './fusion.js';
import { KeywordIndex } from './keyword-index.js';
import type { LiveHit, LiveIndexOptions, LiveRow, LiveSearch } from './live-index-types.js';

export type { LiveHit, LiveIndexOptions, LiveRow, LiveSearch } from './live-index-types.js';

/** The parts of a LiveIndex that index-files.ts persists and restores. */
export interface LiveIndexParts {
  readonly options: LiveIndexOptions;
  readonly ann: AnnIndex;
  readonly keyword?: KeywordIndex;
  /** Primary key → row key, for every live row. */
  readonly keys: ReadonlyMap<string, bigint>;
  /** The next row key to hand out (keys are never reused, so a stale graph entry never aliases a new row). */
  readonly nextKey: bigint;
}

/**
 * One vector index in memory: an HNSW graph (usearch) over row keys, an optional BM25 keyword
 * index over the rows' text, and the map between row keys (bigint, never reused) and primary keys
 * (strings: the JSON of the source's pk value). Not thread-safe across awaits by itself: every
 * method is synchronous, so a caller that serialises its own async work needs no lock here.
 */
export class LiveIndex {
  private readonly keyOf = new Map<string, bigint>();
  private readonly pkOf = new Map<bigint, string>();
  private next: bigint;

  private constructor(
    readonly options: LiveIndexOptions,
    private readonly ann: AnnIndex,
    private readonly keyword: KeywordIndex | undefined,
    keys: ReadonlyMap<string, bigint>,
    nextKey: bigint,
  ) {
    this.next = nextKey;
    for (const [pk, key] of keys) {
      this.keyOf.set(pk, key);
      this.pkOf.set(key, pk);
    }
  }

  /** An empty index; INVALID_ARGUMENT for dimensions outside 1..65536 or bad HNSW settings. */
  static create(options: LiveIndexOptions): LiveIndex {
    const ann = new AnnIndex(options);
    return new LiveIndex(options, ann, options.keyword === true ? new KeywordIndex() : undefined, new Map(), 1n);
  }

  /** Reassembles an index from persisted parts (index-files.ts); the parts are owned by the result. */
  static fromParts(parts: LiveIndexParts): LiveIndex {
    return new LiveIndex(parts.options, parts.ann, parts.keyword, parts.keys, parts.nextKey);
  }

  /** The live parts, for persistence; callers must not mutate them. */
  parts(): LiveIndexParts {
    return { options: this.options, ann: this.ann, ...(this.keyword ? { keyword: this.keyword } : {}), keys: this.keyOf, nextKey: this.next };
  }

  /** Live rows. */
  get size(): number {
    return this.keyOf.size;
  }

  has(pk: string): boolean {
    return this.keyOf.has(pk);
  }

  /**
   * Inserts or replaces rows by primary key (a replaced row gets a fresh key). Within one call a
   * later row with the same pk wins. INVALID_ARGUMENT when a vector has the wrong length or a
   * non-finite value (nothing is changed then).
   */
  upsert(rows: readonly LiveRow[]): void {
    const latest = new Map<string, LiveRow>();
    for (const row of rows) {
      this.checkVector(row.vector, row.pk);
      latest.set(row.pk, row);
    }
    if (latest.size === 0) return;
    this.delete([...latest.keys()]);
    const keys: bigint[] = [];
    const vectors: Float32Array[] = [];
    for (const row of latest.values()) {
      const key = this.next;
      this.next += 1n;
      keys.push(key);
      vectors.push(row.vector);
      this.keyOf.set(row.pk, key);
      this.pkOf.set(key, row.pk);
      if (this.keyword && row.text !== undefined) this.keyword.add(key, row.text);
    }
    this.ann.add(keys, vectors);
  }

  /** Removes rows by primary key; unknown keys are ignored. Returns how many rows were removed. */
  delete(pks: readonly string[]): number {
    const keys: bigint[] = [];
    for (const pk of pks) {
      const key = this.keyOf.get(pk);
      if (key === undefined) continue;
      keys.push(key);
      this.keyOf.delete(pk);
      this.pkOf.delete(key);
      this.keyword?.remove(key);
    }
    if (keys.length > 0) this.ann.remove(keys);
    return keys.length;
  }

  /**
   * The k closest rows, best first. ANN needs `vector`; HYBRID fuses the ANN ranking (when a
   * vector is given) with the BM25 ranking of `text` (when the index keeps keywords) by
   * reciprocal rank fusion, each side fetching max(k, 50) candidates; `text` is ignored when the
   * index keeps no keyword index (so a text-only HYBRID search then finds nothing). k ≤ 0 or an
   * empty index → []. INVALID_ARGUMENT for a missing or malformed query vector.
   */
  search(query: LiveSearch): LiveHit[] {
    if (query.vector !== undefined) this.checkVector(query.vector, 'query');
    if (query.type === 'ANN' && query.vector === undefined) throw new LochError('INVALID_ARGUMENT', 'vector index: an ANN search needs a query vector');
    if (query.vector === undefined && query.text === undefined) {
      throw new LochError('INVALID_ARGUMENT', 'vector index: a HYBRID search needs a query vector or query text');
    }
    if (query.k <= 0 || this.size === 0) return [];
    if (query.type === 'ANN' && query.vector !== undefined) return this.annHits(query.vector, query.k, query.expansionSearch);
    const depth = Math.max(query.k, 50);
    const lists: string[][] = [];
    if (query.vector !== undefined) lists.push(this.annHits(query.vector, depth, query.expansionSearch).map((h) => h.pk));
    if (query.text !== undefined && this.keyword) lists.push(this.keywordHits(query.text, depth).map((h) => h.pk));
    return reciprocalRankFusion(lists).slice(0, query.k).map((f) => ({ pk: f.id, score: f.score }));
  }

  private annHits(vector: Float32Array, k: number, expansion: number | undefined): LiveHit[] {
    const hits: LiveHit[] = [];
    for (const m of this.ann.search(vector, k, expansion)) {
      const pk = this.pkOf.get(m.key);
      if (pk !== undefined) hits.push({ pk, score: m.score });
    }
    return hits;
  }

  private keywordHits(text: string, k: number): LiveHit[] {
    const hits: LiveHit[] = [];
    for (const m of this.keyword?.search(text, k) ?? []) {
      const pk = this.pkOf.get(m.key);
      if (pk !== undefined) hits.push({ pk, score: m.score });
    }
    return hits;
  }

  private checkVector(vector: Float32Array, what: string): void {
    if (vector.length !== this.options.dimensions) {
      throw new LochError('INVALID_ARGUMENT', `vector index: vector for ${what} has ${vector.length} dimensions, the index has ${this.options.dimensions}`, {
        context: { pk: what, dimensions: vector.length, expected: this.options.dimensions },
      });
    }
    for (const v of vector) {
      if (!Number.isFinite(v)) throw new LochError('INVALID_ARGUMENT', `vector index: vector for ${what} holds a non-finite value`, { context: { pk: what } });
    }
  }
}
