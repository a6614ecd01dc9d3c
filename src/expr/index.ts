export * from './types.js';
export * from './nodes.js';
export type * from './file-facts.js';
export * from './to-sql.js';
export * from './prune.js';
