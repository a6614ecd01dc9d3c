import type { DocumentFormat } from './document-model.js';

const EXTENSIONS: Readonly<Record<string, DocumentFormat>> = {
  pdf: 'pdf',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  txt: 'text',
  text: 'text',
};

/** A format name or file path given by the caller as a format ('pdf', 'md', 'html', …), or undefined. */
export function formatFromHint(hint: string | undefined): DocumentFormat | undefined {
  if (hint === undefined) return undefined;
  const trimmed = hint.trim().toLowerCase();
  if (trimmed === '') return undefined;
  const direct = EXTENSIONS[trimmed] ?? (['pdf', 'html', 'markdown', 'text'].includes(trimmed) ? (trimmed as DocumentFormat) : undefined);
  if (direct !== undefined) return direct;
  const ext = /\.([a-z0-9]+)$/.exec(trimmed.split(/[?#]/)[0] ?? '');
  return ext === null ? undefined : EXTENSIONS[ext[1] as string];
}

/**
 * The format of `bytes`: PDF by its magic bytes (%PDF at the start, after optional whitespace),
 * HTML when the text starts with `<!doctype` or `<html` (after a BOM,
 * whitespace and comments), else the hint (a format name or a path with an extension), else
 * Markdown when the first 2 KiB have an ATX heading line (`# Title`) or a code fence, else text.
 * Content sniffing wins over the hint so a mislabelled file still parses.
 */
export function detectFormat(bytes: Uint8Array, hint?: string): DocumentFormat {
  if (hasPdfMagic(bytes)) return 'pdf';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 2048)).replace(/^\uFEFF/, '');
  const start = head.replace(/^(\s|<!--[\s\S]*?-->)+/, '').toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  return formatFromHint(hint) ?? (looksLikeMarkdown(head) ? 'markdown' : 'text');
}

function hasPdfMagic(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x25 && bytes[i + 1] === 0x50 && bytes[i + 2] === 0x44 && bytes[i + 3] === 0x46;
}

function looksLikeMarkdown(head: string): boolean {
  return /^#{1,6}[ \t]+\S/m.test(head) || /^(```|~~~)/m.test(head);
}
