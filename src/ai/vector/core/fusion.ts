/** The rank constant of reciprocal rank fusion (Cormack et al. 2009; also Databricks' hybrid search). */
export const RRF_K = 60;

export interface FusedHit {
  readonly id: string;
  readonly score: number;
}

/**
 * Reciprocal rank fusion: each id scores Σ 1 / (RRF_K + rank) over the lists it appears in
 * (rank 1-based; an id repeated within one list counts at its best rank). Best first; ties keep
 * the order of first appearance (earlier lists first), so the result is deterministic.
 */
export function reciprocalRankFusion(lists: readonly (readonly string[])[]): FusedHit[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    const seen = new Set<string>();
    list.forEach((id, i) => {
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1));
    });
  }
  const order = [...scores.keys()];
  const position = new Map(order.map((id, i) => [id, i]));
  return order
    .map((id) => ({ id, score: scores.get(id) ?? 0 }))
    .sort((a, b) => b.score - a.score || (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
}
