/**
 * DuckDB reports positions in a query (query_location) as UTF-8 byte offsets; JavaScript strings
 * index UTF-16 code units. Returns the converter from the former to the latter for `text`
 * (identity for ASCII text). Offsets past the end map to text.length.
 */
export function byteToCharOffsets(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (offset) => Math.min(offset, text.length);
  const starts: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    const units = code > 0xffff ? 2 : 1;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < size; b++) starts[bytes + b] = i;
    bytes += size;
    i += units - 1;
  }
  return (offset) => (offset >= bytes ? text.length : (starts[offset] ?? text.length));
}
