import { describe, expect, it } from 'vitest';
import { writePdf } from '../../../tests/support/pdf-fixture.js';
import { parsePdf } from './pdf-parser.js';

const PDF = writePdf(
  [
    { lines: [{ text: 'Annual Report', size: 20 }, { text: 'Summary', size: 14 }, { text: 'Revenue grew in every region and the' }, { text: 'team doubled.' }, { text: '' }, { text: 'A second paragraph (with parentheses).' }] },
    { lines: [{ text: 'Outlook', size: 14 }, { text: 'Next year looks steady.' }] },
  ],
  { title: 'Report 2024' },
);

describe('parsePdf', () => {
  it('reads pages, joins wrapped lines into paragraphs and finds headings by font size', async () => {
    const doc = await parsePdf(PDF);
    expect(doc.error_status).toBeNull();
    expect(doc.metadata).toEqual({ format: 'pdf', title: 'Report 2024', page_count: 2 });
    expect(doc.document?.elements.map((e) => [e.type, e.content, e.page_id, e.level, e.section])).toEqual([
      ['section_header', 'Annual Report', 0, 1, 'Annual Report'],
      ['section_header', 'Summary', 0, 2, 'Annual Report > Summary'],
      ['text', 'Revenue grew in every region and the team doubled.', 0, null, 'Annual Report > Summary'],
      ['text', 'A second paragraph (with parentheses).', 0, null, 'Annual Report > Summary'],
      ['section_header', 'Outlook', 1, 2, 'Annual Report > Outlook'],
      ['text', 'Next year looks steady.', 1, null, 'Annual Report > Outlook'],
    ]);
    expect(doc.document?.pages).toEqual([
      { id: 0, content: 'Annual Report\n\nSummary\n\nRevenue grew in every region and the team doubled.\n\nA second paragraph (with parentheses).' },
      { id: 1, content: 'Outlook\n\nNext year looks steady.' },
    ]);
  });

  it('turns corrupt and truncated files into error_status, and parses concurrent calls correctly', async () => {
    const truncated = await parsePdf(PDF.slice(0, 150));
    expect(truncated.document).toBeNull();
    expect(truncated.error_status).toMatch(/^pdf: cannot read the document \(150 bytes\): InvalidPDFException/);
    const garbage = await parsePdf(new TextEncoder().encode('%PDF-1.4\nnot really'));
    expect(garbage.error_status).toMatch(/^pdf: cannot read the document/);
    const many = await Promise.all(Array.from({ length: 4 }, () => parsePdf(PDF)));
    expect(many.map((d) => d.document?.elements.length)).toEqual([6, 6, 6, 6]);
    // The caller's buffer is left intact (pdf.js detaches what it is given).
    expect(PDF.byteLength).toBeGreaterThan(0);
  });
});
