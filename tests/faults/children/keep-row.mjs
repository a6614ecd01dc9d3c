/**
 * Which rows a read-modify-write keeps (the parent replays the same rule): a fixed, seeded
 * subset, so that overwrites both drop and keep rows.
 */
export function keepRow(row, writer, seq) {
  return (row.writer * 131 + row.seq * 7 + writer + seq) % 5 !== 0;
}

/** The crash test's rule: which {tag, i} rows a read-modify-write with tag `tag` keeps. */
export function crashKeep(row, tag) {
  return (row.tag * 7 + row.i + tag) % 4 !== 0;
}
