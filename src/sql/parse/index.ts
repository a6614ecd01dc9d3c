/**
 * The pure SQL front end: lexing, statement splitting, lake-reference discovery and statement
 * classification, on text only (no DuckDB, no I/O).
 */
export { tokenize, tokenizePartial, isTrivia } from './lexer.js';
export type { Token, TokenKind, PartialTokens, Unterminated } from './lexer.js';
export { lineColumn } from './position.js';
export type { SqlPosition } from './position.js';
export { splitStatements } from './split.js';
export type { StatementSpan } from './split.js';
export { findLakeRefs, replaceSpans } from './lake-refs.js';
export type { LakeRef, SpanReplacement } from './lake-refs.js';
export { classifyStatement } from './statement.js';
export type { Statement } from './statement.js';
export { isStatementComplete, splitCompleteStatements } from './shell-input.js';
export type { ShellChunk, ShellSplit } from './shell-input.js';
