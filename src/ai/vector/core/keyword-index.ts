import { LochError } from '../../../core/errors.js';
import { utf8Decode, utf8Encode } from '../../../core/bytes.js';
import { tokenize } from './text-tokens.js';

/** BM25 parameters (Robertson/Zaragoza's usual defaults, as Lucene uses). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface KeywordMatch {
  readonly key: bigint;
  readonly score: number;
}

interface Doc {
  readonly terms: ReadonlyMap<string, number>;
  readonly length: number;
}

/**
 * An in-memory BM25 inverted index over bigint keys (text-tokens.ts tokenizer). Scores use
 * idf = ln(1 + (N − df + 0.5) / (df + 0.5)), so they are never negative. Adding an existing key
 * replaces its text.
 */
export class KeywordIndex {
  private readonly docs = new Map<bigint, Doc>();
  private readonly postings = new Map<string, Map<bigint, number>>();
  private totalLength = 0;

  get size(): number {
    return this.docs.size;
  }

  add(key: bigint, text: string): void {
    this.remove(key);
    const terms = new Map<string, number>();
    const tokens = tokenize(text);
    for (const t of tokens) terms.set(t, (terms.get(t) ?? 0) + 1);
    this.insert(key, { terms, length: tokens.length });
  }

  /** Removes a key; unknown keys are ignored. */
  remove(key: bigint): void {
    const doc = this.docs.get(key);
    if (doc === undefined) return;
    this.docs.delete(key);
    this.totalLength -= doc.length;
    for (const term of doc.terms.keys()) {
      const list = this.postings.get(term);
      list?.delete(key);
      if (list?.size === 0) this.postings.delete(term);
    }
  }

  /** The k best-scoring keys for the query's terms, best first (ties by key); docs sharing no term are not returned. */
  search(text: string, k: number): KeywordMatch[] {
    if (k <= 0 || this.docs.size === 0) return [];
    const n = this.docs.size;
    const avg = this.totalLength / n || 1;
    const scores = new Map<bigint, number>();
    for (const term of new Set(tokenize(text))) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
      for (const [key, tf] of list) {
        const length = this.docs.get(key)?.length ?? 0;
        const part = (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / avg));
        scores.set(key, (scores.get(key) ?? 0) + part);
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, k)
      .map(([key, score]) => ({ key, score }));
  }

  /** A compact JSON encoding: a term dictionary and per key [termIndex, tf, …] pairs plus the length. */
  toBytes(): Uint8Array {
    const termIds = new Map<string, number>();
    const docs: [string, number, number[]][] = [];
    for (const [key, doc] of this.docs) {
      const pairs: number[] = [];
      for (const [term, tf] of doc.terms) {
        let id = termIds.get(term);
        if (id === undefined) {
          id = termIds.size;
          termIds.set(term, id);
        }
        pairs.push(id, tf);
      }
      docs.push([key.toString(), doc.length, pairs]);
    }
    return utf8Encode(JSON.stringify({ v: 1, terms: [...termIds.keys()], docs }));
  }

  /** The inverse of toBytes; CORRUPT_DATA when the bytes are not such a document. */
  static fromBytes(bytes: Uint8Array): KeywordIndex {
    const index = new KeywordIndex();
    try {
      const parsed = JSON.parse(utf8Decode(bytes)) as { v: number; terms: string[]; docs: [string, number, number[]][] };
      if (parsed.v !== 1 || !Array.isArray(parsed.terms) || !Array.isArray(parsed.docs)) throw new Error('unexpected layout');
      for (const [key, length, pairs] of parsed.docs) {
        const terms = new Map<string, number>();
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const term = parsed.terms[pairs[i] ?? -1];
          if (term === undefined) throw new Error(`term id ${String(pairs[i])} is out of range`);
          terms.set(term, pairs[i + 1] ?? 0);
        }
        index.insert(BigInt(key), { terms, length });
      }
    } catch (e) {
      throw new LochError('CORRUPT_DATA', `keyword index: cannot decode ${bytes.length} bytes: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return index;
  }

  private insert(key: bigint, doc: Doc): void {
    this.docs.set(key, doc);
    this.totalLength += doc.length;
    for (const [term, tf] of doc.terms) {
      let list = this.postings.get(term);
      if (list === undefined) {
        list = new Map();
        this.postings.set(term, list);
      }
      list.set(key, tf);
    }
  }
}
