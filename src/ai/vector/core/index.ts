/** The vector core: in-memory ANN + BM25 indexes and their files (no catalog, no SQL). */
export { AnnIndex, scoreOf } from './ann-index.js';
export type { AnnMatch, AnnOptions } from './ann-index.js';
export { KeywordIndex, BM25_B, BM25_K1 } from './keyword-index.js';
export { reciprocalRankFusion, RRF_K } from './fusion.js';
export { tokenize, words } from './text-tokens.js';
export { LiveIndex } from './live-index.js';
export type { LiveHit, LiveIndexOptions, LiveIndexParts, LiveRow, LiveSearch } from './live-index.js';
export { MAX_SEGMENTS, indexFileKey, needsCompaction, readIndex, removeIndexFiles, removeUnreferenced, withSegment, writeBase, writeSegment } from './index-files.js';
export type { IndexFileOptions, IndexRef, SegmentChange } from './index-files.js';
