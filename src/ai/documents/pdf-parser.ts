import type { ParsedDocument } from './document-model.js';
import { documentOf, failedDocument } from './document-model.js';
import { groupLines, layoutBlocks } from './pdf-layout.js';
import type { PositionedText, TextLine } from './pdf-layout.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<PdfJs> | undefined;

/** pdf.js loads lazily: it is large and only PDF parsing needs it. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/**
 * A PDF's text by page with headings detected by font size (see pdf-layout.ts). Never throws for
 * bad input: a corrupt, truncated or encrypted file gives a document with `error_status`
 * saying what pdf.js reported. Only text is read (no OCR of scanned pages: they come out empty).
 */
export function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  const run = queue.then(() => parseNow(bytes));
  queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * Documents are parsed one at a time: pdf.js' in-process (fake) worker mixes up page requests of
 * documents loaded concurrently ("Invalid page request"), and parsing is CPU work on this thread anyway.
 */
let queue: Promise<void> = Promise.resolve();

async function parseNow(bytes: Uint8Array): Promise<ParsedDocument> {
  const lib = await loadPdfJs();
  let task: ReturnType<PdfJs['getDocument']> | undefined;
  try {
    // pdf.js detaches the buffer it is given and refuses Node Buffers: hand it a plain copy.
    task = lib.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 });
    const doc = await task.promise;
    const pages: TextLine[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push(groupLines(content.items.flatMap((item) => ('str' in item ? [positioned(item)] : []))));
      page.cleanup();
    }
    const info = await doc.getMetadata().catch(() => undefined);
    const title = titleOf(info?.info);
    return documentOf('pdf', layoutBlocks(pages), doc.numPages, title);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
    return failedDocument('pdf', `pdf: cannot read the document (${bytes.length} bytes): ${detail}`);
  } finally {
    await task?.destroy().catch(() => undefined);
  }
}

interface PdfTextItem {
  readonly str: string;
  readonly transform: readonly unknown[];
  readonly width: number;
  readonly height: number;
}

function positioned(item: PdfTextItem): PositionedText {
  const [a, b, c, d, e, f] = item.transform.map((v) => (typeof v === 'number' ? v : 0));
  // The text matrix's vertical scale is the font size (height is 0 for some producers).
  const size = Math.hypot(c ?? 0, d ?? 0) || Math.hypot(a ?? 0, b ?? 0) || item.height;
  return { text: item.str, x: e ?? 0, y: f ?? 0, size, width: item.width };
}

function titleOf(info: unknown): string | null {
  if (typeof info !== 'object' || info === null) return null;
  const title = (info as Record<string, unknown>)['Title'];
  return typeof title === 'string' && title.trim() !== '' ? title.trim() : null;
}
