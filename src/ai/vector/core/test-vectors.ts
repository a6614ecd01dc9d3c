/** Seeded test data for the vector core's tests (not used at run time). */
import { seededRandom } from '../../../core/random.js';

/** A standard normal sample (Box–Muller). */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * `count` vectors around `clusters` random centres (unit Gaussian centres, noise σ = `spread`),
 * flat row-major; deterministic for a seed. `skip` draws and discards that many vectors first, so
 * (seed, skip = n) continues the stream of (seed, count = n): queries from the same clusters.
 */
export function clusteredVectors(count: number, dimensions: number, options: { seed: number; clusters: number; spread: number; skip?: number }): Float32Array {
  const random = seededRandom(options.seed);
  const centres = new Float32Array(options.clusters * dimensions);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(random);
  const skip = options.skip ?? 0;
  for (let i = 0; i < skip * (dimensions * 2 + 1); i++) random();
  const out = new Float32Array(count * dimensions);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * options.clusters) * dimensions;
    for (let j = 0; j < dimensions; j++) out[i * dimensions + j] = (centres[c + j] ?? 0) + options.spread * gaussian(random);
  }
  return out;
}

/** Row i of a flat matrix (a view, no copy). */
export function row(flat: Float32Array, dimensions: number, i: number): Float32Array {
  return flat.subarray(i * dimensions, (i + 1) * dimensions);
}

/** Exact top-k row indexes by cosine similarity (brute force), best first. */
export function exactCosineTopK(flat: Float32Array, dimensions: number, query: Float32Array, k: number): number[] {
  const count = flat.length / dimensions;
  let qn = 0;
  for (const x of query) qn += x * x;
  const scored: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    let dot = 0;
    let n = 0;
    for (let j = 0; j < dimensions; j++) {
      const x = flat[i * dimensions + j] ?? 0;
      dot += x * (query[j] ?? 0);
      n += x * x;
    }
    scored.push([i, dot / Math.sqrt(n * qn || 1)]);
  }
  scored.sort((a, b) => b[1] - a[1]);
  return scored.slice(0, k).map(([i]) => i);
}
