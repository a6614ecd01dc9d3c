export { decodeZ85, encodeZ85 } from './z85.js';
export { crc32 } from '../../shared/roaring/crc32.js';
export {
  NATIVE_MAGIC,
  PORTABLE_MAGIC,
  parseRoaringBitmapArray,
  portableBitmapSize,
  serializeRoaringBitmapArray,
} from '../../shared/roaring/roaring-array.js';
export type { DeletedRows } from '../../shared/roaring/roaring-array.js';
export { DEFAULT_DV_OFFSET, dvUniqueId, formatUuid, resolveDvLocation } from './descriptor.js';
export type { DeletionVectorDescriptor, DvLocation } from './descriptor.js';
export { readDeletionVector } from './read.js';
export { encodeDvFile, encodeInlineDv } from './write.js';
export type { DeletionVectorInput, EncodedDvFile } from './write.js';
export type { ReadDeletionVectorOptions } from './read.js';
