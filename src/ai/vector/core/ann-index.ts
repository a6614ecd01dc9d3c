import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { LochError, toLochError } from '../../../core/errors.js';
import type { VectorMetric } from '../vector-types.js';

/** HNSW settings of one graph. */
export interface AnnOptions {
  readonly dimensions: number;
  readonly metric: VectorMetric;
  /** Default 16. */
  readonly connectivity?: number;
  /** Default 128. */
  readonly expansionAdd?: number;
  /** Default 64. */
  readonly expansionSearch?: number;
}

/** One ANN match: `score` is higher-is-closer (see scoreOf). */
export interface AnnMatch {
  readonly key: bigint;
  readonly score: number;
}

const METRICS: Record<VectorMetric, MetricKind> = { cosine: MetricKind.Cos, l2: MetricKind.L2sq, ip: MetricKind.IP };

/**
 * usearch's distances as scores where higher is closer: cosine → similarity (1 − distance),
 * ip → the dot product (usearch reports 1 − dot), l2 → 1 / (1 + squared euclidean distance).
 */
export function scoreOf(metric: VectorMetric, distance: number): number {
  return metric === 'l2' ? 1 / (1 + distance) : 1 - distance;
}

/**
 * An HNSW graph (usearch, f32, single vector per key) over bigint row keys. usearch fixes the
 * search expansion when the graph is built, so a larger per-search expansion is had by asking
 * for max(k, expansion) neighbours and keeping the best k (HNSW's beam is max(k, ef) anyway).
 * Native failures surface as LochError (INVALID_ARGUMENT for bad input, INTERNAL otherwise).
 */
/** Batches at least this large are inserted with every thread (0 = usearch's all); smaller ones with one. */
const PARALLEL_ADD_FROM = 2048;

export class AnnIndex {
  readonly options: Required<AnnOptions>;
  private index: Index;

  constructor(options: AnnOptions) {
    this.options = {
      dimensions: options.dimensions,
      metric: options.metric,
      connectivity: options.connectivity ?? 16,
      expansionAdd: options.expansionAdd ?? 128,
      expansionSearch: options.expansionSearch ?? 64,
    };
    checkOptions(this.options);
    this.index = this.newNative();
  }

  /** Live vectors. */
  get size(): number {
    return this.index.size();
  }

  /** Adds vectors under new keys (a key already present is an INVALID_ARGUMENT). */
  add(keys: readonly bigint[], vectors: readonly Float32Array[]): void {
    if (keys.length !== vectors.length) throw new LochError('INTERNAL', `ann index: ${keys.length} keys for ${vectors.length} vectors`);
    if (keys.length === 0) return;
    const dims = this.options.dimensions;
    const flat = new Float32Array(keys.length * dims);
    vectors.forEach((v, i) => flat.set(v, i * dims));
    // Threads insert in a racy order, so the graph (and approximate answers) would differ run to run;
    // small batches (incremental syncs, segment replays) go in one thread and stay reproducible.
    const threads = keys.length < PARALLEL_ADD_FROM ? 1 : 0;
    this.native('add', () => this.index.add(BigUint64Array.from(keys), flat, threads));
  }

  /** Removes keys; unknown keys are ignored. */
  remove(keys: readonly bigint[]): void {
    if (keys.length === 0) return;
    this.native('remove', () => this.index.remove(BigUint64Array.from(keys)));
  }

  /** The k nearest keys, best first; `expansion` raises the candidate list for this search. */
  search(vector: Float32Array, k: number, expansion?: number): AnnMatch[] {
    if (k <= 0 || this.size === 0) return [];
    const wanted = Math.min(Math.max(k, expansion ?? 0), this.size);
    const found = this.native('search', () => this.index.search(vector, wanted, 0));
    const matches: AnnMatch[] = [];
    const count = Math.min(k, found.keys.length);
    for (let i = 0; i < count; i++) {
      matches.push({ key: found.keys[i] ?? 0n, score: scoreOf(this.options.metric, found.distances[i] ?? 0) });
    }
    return matches;
  }

  /** The graph in usearch's file format (usearch only saves to a path, so through a temp file). */
  toBytes(): Uint8Array {
    return withTempFile((path) => {
      this.native('save', () => this.index.save(path));
      return new Uint8Array(readFileSync(path));
    });
  }

  /** A graph from `toBytes()` output, with these options (they must match the saved graph's dimensions and metric). */
  static fromBytes(options: AnnOptions, bytes: Uint8Array): AnnIndex {
    const ann = new AnnIndex(options);
    withTempFile((path) => {
      writeFileSync(path, bytes);
      ann.native('load', () => ann.index.load(path));
    });
    return ann;
  }

  private newNative(): Index {
    const o = this.options;
    return this.native('create', () => new Index({
      dimensions: o.dimensions,
      metric: METRICS[o.metric],
      quantization: ScalarKind.F32,
      connectivity: o.connectivity,
      expansion_add: o.expansionAdd,
      expansion_search: o.expansionSearch,
      multi: false,
    }));
  }

  private native<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      throw toLochError(e, 'INTERNAL', `ann index: ${what} (${this.options.dimensions} dimensions, ${this.options.metric})`);
    }
  }
}

function checkOptions(o: Required<AnnOptions>): void {
  const bad = (what: string, value: unknown): never => {
    throw new LochError('INVALID_ARGUMENT', `ann index: ${what} ${String(value)} is out of range`, { context: { [what]: value } });
  };
  if (!Number.isInteger(o.dimensions) || o.dimensions < 1 || o.dimensions > 65_536) bad('dimensions', o.dimensions);
  if (!(o.metric in METRICS)) bad('metric', o.metric);
  if (!Number.isInteger(o.connectivity) || o.connectivity < 2 || o.connectivity > 256) bad('connectivity', o.connectivity);
  if (!Number.isInteger(o.expansionAdd) || o.expansionAdd < 1 || o.expansionAdd > 10_000) bad('expansionAdd', o.expansionAdd);
  if (!Number.isInteger(o.expansionSearch) || o.expansionSearch < 1 || o.expansionSearch > 10_000) bad('expansionSearch', o.expansionSearch);
}

function withTempFile<T>(run: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'loch-ann-'));
  try {
    return run(join(dir, 'graph.usearch'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
