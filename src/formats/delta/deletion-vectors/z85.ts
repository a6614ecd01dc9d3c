import { LochError } from '../../../core/errors.js';

/**
 * Z85 (ZeroMQ RFC 32), the Base85 variant Delta uses for inline deletion vectors and for the
 * UUIDs in relative deletion-vector paths.
 *
 * Besides the standard form (5 characters per 4 bytes), the decoder accepts the padded tail of
 * the Rust `z85` crate, which delta-kernel-rs writes when the byte length is not a multiple of 4:
 * the last chunk starts with one '#' per missing byte and carries the remaining bytes as a
 * right-aligned base-85 number. A standard chunk can never start with '#' (84·85⁴ ≥ 2³²), so
 * the two forms cannot be confused.
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const PAD = 84; // index of '#'
const TWO_POW_32 = 2 ** 32;

const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

function corrupt(message: string): LochError {
  return new LochError('CORRUPT_DATA', `z85: ${message}`);
}

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const digit = code < 128 ? (DIGIT[code] ?? -1) : -1;
  if (digit < 0) throw corrupt(`invalid character ${JSON.stringify(text[index])} at position ${index}`);
  return digit;
}

/**
 * Decodes Z85 text. The length must be a multiple of 5; every chunk except a padded tail must
 * decode to a value below 2³². Throws CORRUPT_DATA on any invalid character, length or chunk.
 */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw corrupt(`length ${text.length} is not a multiple of 5`);
  const chunks = text.length / 5;
  const last = text.slice(-5);
  const missing = chunks > 0 && last.startsWith('#') ? leadingPads(last) : 0;
  const out = new Uint8Array(chunks * 4 - missing);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * 5;
    const isTail = chunk === chunks - 1 && missing > 0;
    const skip = isTail ? missing : 0;
    let value = 0;
    for (let i = start + skip; i < start + 5; i++) value = value * 85 + digitAt(text, i);
    const width = 4 - skip;
    if (value >= 2 ** (8 * width)) throw corrupt(`chunk ${chunk} at position ${start} overflows ${width} bytes`);
    for (let b = width - 1; b >= 0; b--) {
      out[chunk * 4 + b] = value % 256;
      value = Math.floor(value / 256);
    }
  }
  return out;
}

function leadingPads(chunk: string): number {
  let count = 0;
  while (count < chunk.length && chunk.charCodeAt(count) === ALPHABET.charCodeAt(PAD)) count++;
  if (count > 3) throw corrupt(`padded tail chunk ${JSON.stringify(chunk)} has ${count} '#' (at most 3)`);
  return count;
}

/** Encodes bytes as standard Z85. The length must be a multiple of 4 (else INVALID_ARGUMENT). */
export function encodeZ85(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) {
    throw new LochError('INVALID_ARGUMENT', `z85: cannot encode ${bytes.length} bytes: length must be a multiple of 4`);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = (bytes[i]! * 2 ** 24 + bytes[i + 1]! * 2 ** 16 + bytes[i + 2]! * 2 ** 8 + bytes[i + 3]!) % TWO_POW_32;
    const chars = new Array<string>(5);
    for (let c = 4; c >= 0; c--) {
      chars[c] = ALPHABET[value % 85]!;
      value = Math.floor(value / 85);
    }
    out += chars.join('');
  }
  return out;
}
