/** Pure codecs of the Delta write path: what a writer puts in the log and in data file paths. */
export { actionBody, encodeActions } from './commit-encode.js';
export {
  HIVE_DEFAULT_PARTITION,
  decodeDataPath,
  encodeDataPath,
  escapePartitionPathName,
  partitionDirectory,
  unescapePartitionPathName,
  type PartitionDirectoryColumn,
} from './data-path.js';
export { javaFloatText, serializePartitionValue } from './partition-serialize.js';
export { buildStatsJson, type StatsBuildOptions } from './stats-build.js';
export {
  checkpointRows,
  checkpointSchema,
  lastCheckpointJson,
  splitCheckpointParts,
  type CheckpointState,
  type LastCheckpointInfo,
} from './checkpoint-write.js';
export {
  canonicalPropertyKey,
  parseBooleanProperty,
  parseColumnPath,
  parseIntervalMs,
  parseTableProperties,
  splitStatsColumns,
  type PropertyParseOptions,
  type PropertyWhere,
  type TableProperties,
} from './properties.js';
export { assignColumnMapping, type ColumnMappingResult } from './column-mapping-assign.js';
