/**
 * A tiny PDF writer for tests: pages of text lines in Helvetica (a standard Type 1 font, so no
 * font file is embedded), each line at its own font size, laid out top-down on US Letter pages.
 * Output is a valid PDF 1.4 file with a correct cross-reference table. ASCII text only.
 */
export interface PdfLine {
  readonly text: string;
  /** Font size in points; 11 by default. */
  readonly size?: number;
}

export interface PdfPage {
  readonly lines: readonly PdfLine[];
}

export interface PdfOptions {
  /** The document information dictionary's /Title. */
  readonly title?: string;
}

const PAGE_WIDTH = 612;
const PAGE_HEIGHT = 792;
const MARGIN = 72;

/** The bytes of a PDF with the given pages. */
export function writePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  // Object numbers: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content per page.
  const objects: string[] = [];
  const pageRefs = pages.map((_, i) => `${5 + i * 2} 0 R`);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = `<< /Producer (loch pdf-fixture)${options.title === undefined ? '' : ` /Title (${escapeText(options.title)})`} >>`;
  pages.forEach((page, i) => {
    const stream = contentStream(page);
    objects[5 + i * 2] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${6 + i * 2} 0 R >>`;
    objects[6 + i * 2] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  return assemble(objects);
}

/** Text operators placing each line below the previous one (leading 1.5 × its size). */
function contentStream(page: PdfPage): string {
  const ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of page.lines) {
    const size = line.size ?? 11;
    y -= size * 1.5;
    ops.push(`BT /F1 ${size} Tf ${MARGIN} ${y.toFixed(2)} Td (${escapeText(line.text)}) Tj ET`);
  }
  return ops.join('\n');
}

function assemble(objects: readonly string[]): Uint8Array {
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = body.length;
    body += `${n} 0 obj\n${objects[n] ?? 'null'}\nendobj\n`;
  }
  const xref = body.length;
  const entries = ['0000000000 65535 f \n', ...offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)];
  body += `xref\n0 ${objects.length}\n${entries.join('')}trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  // Every character is below 0x100 (ASCII text plus the binary comment): one byte each.
  return Uint8Array.from(body, (c) => c.charCodeAt(0));
}

function escapeText(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}
