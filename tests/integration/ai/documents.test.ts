import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePdf } from '../../support/pdf-fixture.js';
import { openAiHarness } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/**
 * The document functions end to end through Loch.sql: files in a volume (two PDFs, an HTML page,
 * a Markdown file) read with read_files(binaryFile), parsed with ai_parse_document, chunked with
 * ai_chunk_document into a table; ai_chunk_text over strings; a corrupt PDF as error_status.
 * No model is called by these functions.
 */
let h: AiHarness;
const V = '/Volumes/main/default/docs';

const LOREM = 'Delta tables keep a transaction log of every commit. Readers replay the log to find the files of a version. ';

const MANUAL = writePdf(
  [
    { lines: [{ text: 'Loch Manual', size: 22 }, { text: 'Installation', size: 15 }, { text: 'Install Loch with npm and open a warehouse folder.' }, { text: 'The warehouse holds every table.' }] },
    { lines: [{ text: 'Querying', size: 15 }, { text: 'Run SQL through loch.sql and read the rows back.' }] },
    { lines: [{ text: 'Appendix', size: 15 }, ...Array.from({ length: 12 }, (_, i) => ({ text: `Line ${i + 1}. ${LOREM.slice(0, 80)}` }))] },
  ],
  { title: 'Loch Manual' },
);

const MEMO = writePdf([{ lines: [{ text: 'Memo', size: 18 }, { text: 'The quarterly review moves to Friday.' }] }]);

const HTML = `<!DOCTYPE html><html><head><title>Release notes</title><style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> Navigation text</nav>
<h1>Release 2.0</h1><p>Vector search arrives in this release.</p>
<h2>Changes</h2><ul><li>Faster scans</li><li>New <b>ai_parse_document</b> function</li></ul>
<table><tr><th>Feature</th><th>Status</th></tr><tr><td>Agents</td><td>preview</td></tr></table>
<script>console.log('not content')</script></body></html>`;

const MARKDOWN = `# Guide

Intro paragraph for the guide.

## Setup

1. Create a catalog.
2. Create a schema.

\`\`\`sql
CREATE TABLE t (id INT);
\`\`\`

## Usage

| name | role |
| ---- | ---- |
| ada  | admin |
`;

async function put(path: string, content: string | Uint8Array): Promise<void> {
  const file = await h.loch.catalog.resolveVolumePath(path);
  await file.store.put(file.key, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}

beforeAll(async () => {
  h = await openAiHarness();
  await h.loch.sql('CREATE VOLUME main.default.docs');
  await put(`${V}/manual.pdf`, MANUAL);
  await put(`${V}/memo.pdf`, MEMO);
  await put(`${V}/notes.html`, HTML);
  await put(`${V}/guide.md`, MARKDOWN);
});

afterAll(async () => {
  await h?.close();
});

interface DocValue {
  pages: { id: number; content: string }[];
  elements: { id: number; type: string; content: string; page_id: number; level: number | null; section: string | null }[];
}

describe('ai_parse_document', () => {
  it('parses every file of a volume with pages, elements and metadata', async () => {
    const rows = await h.rows(`SELECT path, d.metadata.format AS format, d.metadata.title AS title, d.metadata.page_count AS pages, d.error_status AS err, d.document AS doc
      FROM (SELECT path, ai_parse_document(content, path => path) AS d FROM read_files('${V}/', format => 'binaryFile')) ORDER BY path`);
    expect(rows.map((r) => [String(r['path']).slice(V.length + 1), r['format'], r['title'], r['pages'], r['err']])).toEqual([
      ['guide.md', 'markdown', 'Guide', 1, null],
      ['manual.pdf', 'pdf', 'Loch Manual', 3, null],
      ['memo.pdf', 'pdf', 'Memo', 1, null],
      ['notes.html', 'html', 'Release notes', 1, null],
    ]);
    const doc = (name: string): DocValue => rows.find((r) => String(r['path']).endsWith(name))?.['doc'] as DocValue;
    const manual = doc('manual.pdf');
    expect(manual.pages.map((p) => p.id)).toEqual([0, 1, 2]);
    expect(manual.pages[1]?.content).toBe('Querying\n\nRun SQL through loch.sql and read the rows back.');
    expect(manual.elements.slice(0, 3)).toEqual([
      { id: 0, type: 'section_header', content: 'Loch Manual', page_id: 0, level: 1, section: 'Loch Manual' },
      { id: 1, type: 'section_header', content: 'Installation', page_id: 0, level: 2, section: 'Loch Manual > Installation' },
      { id: 2, type: 'text', content: 'Install Loch with npm and open a warehouse folder. The warehouse holds every table.', page_id: 0, level: null, section: 'Loch Manual > Installation' },
    ]);
    const html = doc('notes.html');
    expect(html.elements.map((e) => [e.type, e.content, e.section])).toEqual([
      ['section_header', 'Release 2.0', 'Release 2.0'],
      ['text', 'Vector search arrives in this release.', 'Release 2.0'],
      ['section_header', 'Changes', 'Release 2.0 > Changes'],
      ['list_item', 'Faster scans', 'Release 2.0 > Changes'],
      ['list_item', 'New ai_parse_document function', 'Release 2.0 > Changes'],
      ['table', 'Feature | Status\nAgents | preview', 'Release 2.0 > Changes'],
    ]);
    expect(doc('guide.md').elements.map((e) => e.type)).toEqual(['section_header', 'text', 'section_header', 'list_item', 'list_item', 'code', 'section_header', 'table']);
  });

  it('reports a corrupt PDF in error_status instead of failing the statement, and takes STRING content', async () => {
    const bad = Buffer.from(MEMO.slice(0, 120)).toString('hex');
    const rows = await h.rows(`SELECT ai_parse_document(unhex('${bad}')) AS bad, ai_parse_document('# Title\n\nBody with a back\\slash.', format => 'md') AS md, ai_parse_document(NULL::BLOB) AS none`);
    const badDoc = rows[0]?.['bad'] as { document: unknown; metadata: { format: string }; error_status: string };
    expect(badDoc.document).toBeNull();
    expect(badDoc.metadata.format).toBe('pdf');
    expect(badDoc.error_status).toMatch(/^pdf: cannot read the document \(120 bytes\): .*Invalid PDF/);
    const md = rows[0]?.['md'] as { document: DocValue; error_status: string | null };
    expect(md.error_status).toBeNull();
    expect(md.document.elements.map((e) => e.content)).toEqual(['Title', 'Body with a back\\slash.']);
    expect(rows[0]?.['none']).toBeNull();
  });

  it('rejects unknown options and formats with INVALID_ARGUMENT', async () => {
    await expect(h.loch.sql(`SELECT ai_parse_document('x', map('colour', 'red'))`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "colour"/) });
    await expect(h.loch.sql(`SELECT ai_parse_document('x', format => 'docx')`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/format "docx"/) });
  });
});

describe('chunking', () => {
  it('chunks every document of a volume into a table by structure', async () => {
    await h.loch.sql(`CREATE TABLE main.default.chunks AS SELECT path, c.* FROM (SELECT path, unnest(ai_chunk_document(ai_parse_document(content), max_tokens => 64)) AS c FROM read_files('${V}/', format => 'binaryFile'))`);
    const rows = await h.rows('SELECT path, chunk_index, text, section, page, token_count FROM main.default.chunks ORDER BY path, chunk_index');
    const of = (name: string): Record<string, unknown>[] => rows.filter((r) => String(r['path']).endsWith(name));
    expect(of('memo.pdf')).toEqual([{ path: `${V}/memo.pdf`, chunk_index: 0, text: 'Memo\n\nThe quarterly review moves to Friday.', section: 'Memo', page: 0, token_count: 11 }]);
    const manual = of('manual.pdf');
    expect(manual.slice(0, 2).map((r) => [r['section'], r['page'], r['text']])).toEqual([
      ['Loch Manual > Installation', 0, 'Loch Manual\n\nInstallation\n\nInstall Loch with npm and open a warehouse folder. The warehouse holds every table.'],
      ['Loch Manual > Querying', 1, 'Querying\n\nRun SQL through loch.sql and read the rows back.'],
    ]);
    const appendix = manual.slice(2);
    expect(appendix.length).toBeGreaterThan(2);
    for (const chunk of appendix) {
      expect(chunk['section']).toBe('Loch Manual > Appendix');
      expect(chunk['page']).toBe(2);
      expect(Number(chunk['token_count'])).toBeLessThanOrEqual(64);
    }
    expect(String(appendix[0]?.['text'])).toMatch(/^Appendix\n\nLine 1\./);
    expect(manual.map((r) => r['chunk_index'])).toEqual(manual.map((_, i) => i));
    expect(of('guide.md').map((r) => r['section'])).toEqual(['Guide', 'Guide > Setup', 'Guide > Usage']);
    expect(of('guide.md')[1]?.['text']).toBe('Setup\n\nCreate a catalog.\n\nCreate a schema.\n\nCREATE TABLE t (id INT);');
    expect(of('notes.html').map((r) => r['section'])).toEqual(['Release 2.0', 'Release 2.0 > Changes']);
  });

  it('chunks parsed documents stored in a table, and a JSON text of one, the same way', async () => {
    await h.loch.sql(`CREATE TABLE main.default.parsed AS SELECT path, ai_parse_document(content) AS doc FROM read_files('${V}/memo.pdf', format => 'binaryFile')`);
    const rows = await h.rows(`SELECT ai_chunk_document(doc, max_tokens => 64) AS a, ai_chunk_document(CAST(to_json(doc) AS VARCHAR), max_tokens => 64) AS b FROM main.default.parsed`);
    expect(rows).toEqual([{ a: [{ chunk_index: 0, text: 'Memo\n\nThe quarterly review moves to Friday.', section: 'Memo', page: 0, token_count: 11 }], b: rows[0]?.['b'] }]);
    expect(rows[0]?.['b']).toEqual(rows[0]?.['a']);
    await expect(h.loch.sql(`SELECT ai_chunk_document('not json')`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not a parsed document/) });
  });

  it('ai_chunk_text windows a long text with overlap and exact offsets', async () => {
    const text = LOREM.repeat(6).trim();
    const rows = await h.rows(`SELECT c.chunk_index AS i, c.text AS text, c.start_offset AS s, c.end_offset AS e, c.token_count AS n
      FROM (SELECT unnest(ai_chunk_text('${text}', max_tokens => 40, overlap => 8)) AS c) ORDER BY i`);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(text.slice(Number(row['s']), Number(row['e']))).toBe(row['text']);
      expect(Number(row['n'])).toBeLessThanOrEqual(40);
    }
    // Windows overlap and cover the text from its start to its end.
    expect(rows[0]?.['s']).toBe(0);
    expect(rows[rows.length - 1]?.['e']).toBe(text.length);
    for (let i = 1; i < rows.length; i++) expect(Number(rows[i]?.['s'])).toBeLessThan(Number(rows[i - 1]?.['e']));
    expect(await h.rows(`SELECT ai_chunk_text('') AS empty, ai_chunk_text(NULL) AS none`)).toEqual([{ empty: [], none: null }]);
    await expect(h.loch.sql(`SELECT ai_chunk_text('x', max_tokens => 10, overlap => 10)`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
