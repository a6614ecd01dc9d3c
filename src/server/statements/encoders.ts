/**
 * Chunk bodies per result format: JSON_ARRAY (kept as string arrays for INLINE, JSON text for
 * EXTERNAL_LINKS), CSV (RFC 4180, CRLF, a header line in chunk 0 only, NULL as `null` and the
 * text "null" quoted) and ARROW_STREAM (arrow-chunks.ts).
 */
import type { Row } from '../../engine/index.js';
import { arrowChunkEncoder } from './arrow-chunks.js';
import type { ResultColumn } from './columns.js';
import type { Disposition, ResultFormat } from './types.js';
import { valueText } from './value-text.js';
import type { TextValue } from './value-text.js';

/** One encoded chunk: `inline` for INLINE JSON_ARRAY, else the bytes an external link serves. */
export interface EncodedChunk {
  readonly inline?: TextValue[][];
  readonly body?: Uint8Array;
}

export interface ChunkEncoder {
  /** Content-Type of the bytes an external link serves. */
  readonly contentType: string;
  encode(rows: readonly Row[], chunkIndex: number): EncodedChunk;
}

export function chunkEncoder(format: ResultFormat, disposition: Disposition, columns: readonly ResultColumn[]): ChunkEncoder {
  switch (format) {
    case 'JSON_ARRAY':
      return jsonArrayEncoder(columns, disposition === 'INLINE');
    case 'CSV':
      return csvEncoder(columns);
    case 'ARROW_STREAM':
      return arrowChunkEncoder(columns);
  }
}

function textRows(rows: readonly Row[], columns: readonly ResultColumn[]): TextValue[][] {
  return rows.map((row) => columns.map((c, i) => valueText(row[i] ?? null, c.type)));
}

function jsonArrayEncoder(columns: readonly ResultColumn[], inline: boolean): ChunkEncoder {
  return {
    contentType: 'application/json',
    encode: (rows) => {
      const data = textRows(rows, columns);
      return inline ? { inline: data } : { body: Buffer.from(JSON.stringify(data)) };
    },
  };
}

function csvEncoder(columns: readonly ResultColumn[]): ChunkEncoder {
  return {
    contentType: 'text/csv; charset=utf-8',
    encode: (rows, chunkIndex) => {
      const lines = textRows(rows, columns).map((row) => row.map(csvField).join(','));
      if (chunkIndex === 0) lines.unshift(columns.map((c) => csvField(c.name)).join(','));
      return { body: Buffer.from(lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`) };
    },
  };
}

function csvField(value: TextValue): string {
  if (value === null) return 'null';
  return value === 'null' || /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
