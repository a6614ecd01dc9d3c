export { convertAfterCommit, UNIFORM_WARNING_CODE } from './after-commit.js';
export { convertToIceberg, convertedVersion, DELTA_TIMESTAMP_PROPERTY, DELTA_VERSION_PROPERTY } from './convert.js';
export type { ConversionOutcome } from './convert.js';
export { isUniformIceberg, uniformConfiguration } from './uniform-properties.js';
