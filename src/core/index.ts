export * from './errors.js';
export * from './clock.js';
export * from './ids.js';
export * from './bytes.js';
export * from './calendar.js';
