/**
 * The shared test corpus (`shared/testdata` beside the checkout). Found through LOCH_TESTDATA,
 * else the nearest ancestor of this repository that has `shared/testdata`, else /work/shared.
 * Suites that need it fail (never skip) when it is missing.
 */
export declare function findTestdata(): string;
export declare const DELTA_CORPUS: string;
/** A private copy of a corpus table that a test may damage. */
export declare function copyCorpusTable(name: string, into: string): Promise<string>;
