import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/delta-fixture.js';
import { runLoch, spawnPty } from '../support/pty.js';
import type { PtySession } from '../support/pty.js';

/**
 * Issue 5's walkthrough, as a new user would type it: a catalog, a schema and tables, a CSV
 * import, joins, UPDATE and MERGE, time travel, a volume with a PDF and a JSON file read back
 * with read_files, COPY INTO twice, SHOW and DESCRIBE. Once through the real CLI by pipe, once
 * under a pseudo-terminal, each in its own working folder (so ./lakehouse is the default warehouse).
 */

const SETUP = `
CREATE CATALOG shop COMMENT 'the online shop';
USE CATALOG shop;
CREATE SCHEMA sales;
USE SCHEMA sales;
CREATE TABLE customers (id BIGINT NOT NULL, name STRING, country STRING) COMMENT 'who buys';
INSERT INTO customers VALUES (1, 'Ada', 'UK'), (2, 'Linus', 'FI'), (3, 'Grace', 'US');
`;

const QUERIES = `
USE shop.sales;
SELECT c.name, count(*) AS orders, sum(o.amount) AS total
  FROM customers AS c JOIN orders AS o ON o.customer_id = c.id
  GROUP BY c.name ORDER BY c.name;
UPDATE customers SET country = 'GB' WHERE country = 'UK';
MERGE INTO customers AS t
  USING (SELECT 4 AS id, 'Barbara' AS name, 'US' AS country UNION ALL SELECT 2, 'Linus T', 'FI') AS s
  ON t.id = s.id
  WHEN MATCHED THEN UPDATE SET *
  WHEN NOT MATCHED THEN INSERT *;
SELECT id, name, country FROM customers ORDER BY id;
SELECT id, name, country FROM customers VERSION AS OF 1 ORDER BY id;
CREATE VOLUME raw COMMENT 'landing zone';
`;

const FILES = `
USE shop.sales;
SELECT path, length, substr(decode(content[1:5]), 1, 5) AS magic FROM read_files('/Volumes/shop/sales/raw/docs/*.pdf', format => 'binaryFile');
SELECT sku, qty FROM read_files('/Volumes/shop/sales/raw/events/*.json', format => 'json') ORDER BY sku;
CREATE TABLE events (sku STRING, qty BIGINT);
COPY INTO events FROM '/Volumes/shop/sales/raw/events/' FILEFORMAT = JSON;
COPY INTO events FROM '/Volumes/shop/sales/raw/events/' FILEFORMAT = JSON;
SELECT count(*) AS n FROM events;
SHOW TABLES;
SHOW VOLUMES;
DESCRIBE TABLE customers;
DESCRIBE TABLE EXTENDED shop.sales.customers;
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'sales' ORDER BY table_name;
LIST '/Volumes/shop/sales/raw/docs/';
`;

const ORDERS_CSV = 'order_id,customer_id,amount\n10,1,25.5\n11,1,4.5\n12,2,100\n13,3,7\n';

/** A small but real PDF document (one empty page). */
const PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;

async function prepareFiles(cwd: string): Promise<void> {
  await writeFile(join(cwd, 'orders.csv'), ORDERS_CSV);
  await writeFile(join(cwd, 'manual.pdf'), PDF);
  await writeFile(join(cwd, 'events-1.json'), '{"sku": "a-1", "qty": 2}\n{"sku": "b-2", "qty": 5}\n');
}

async function loch(cwd: string, args: string[], stdin?: string): Promise<string> {
  const r = await runLoch(args, { cwd, ...(stdin !== undefined ? { stdin } : {}) });
  expect(r.stderr, `loch ${args.join(' ')}`).toBe('');
  expect(r.code, `loch ${args.join(' ')}`).toBe(0);
  return r.stdout;
}

/** The steps outside the shell: import the CSV, upload the files. */
async function importAndUpload(cwd: string): Promise<void> {
  const imported = await loch(cwd, ['import', 'orders.csv', 'shop.sales.orders']);
  expect(imported).toMatch(/4 rows/);
}

async function upload(cwd: string): Promise<void> {
  await loch(cwd, ['volume', 'put', 'manual.pdf', '/Volumes/shop/sales/raw/docs/manual.pdf']);
  await loch(cwd, ['volume', 'put', 'events-1.json', '/Volumes/shop/sales/raw/events/']);
  const listed = await loch(cwd, ['volume', 'ls', '/Volumes/shop/sales/raw/events/']);
  expect(listed).toContain('events-1.json');
}

function checkQueries(out: string): void {
  // Join of the imported CSV with the created table.
  expect(out).toMatch(/│\s*Ada\s*│\s*2\s*│\s*30(\.0)?\s*│/);
  expect(out).toMatch(/│\s*Linus\s*│\s*1\s*│\s*100(\.0)?\s*│/);
  // UPDATE then MERGE (one updated, one inserted), then the current rows and version 1.
  expect(out).toMatch(/num_affected_rows[\s\S]*│\s*1\s*│/);
  expect(out).toMatch(/│\s*2\s*│\s*Linus T\s*│\s*FI\s*│/);
  expect(out).toMatch(/│\s*4\s*│\s*Barbara\s*│\s*US\s*│/);
  expect(out).toMatch(/│\s*1\s*│\s*Ada\s*│\s*GB\s*│/);
  expect(out).toMatch(/│\s*1\s*│\s*Ada\s*│\s*UK\s*│/);
}

function checkFiles(out: string): void {
  expect(out).toMatch(/\/Volumes\/shop\/sales\/raw\/docs\/manual\.pdf\s*│\s*\d+\s*│\s*%PDF-/);
  expect(out).toMatch(/│\s*a-1\s*│\s*2\s*│/);
  // COPY INTO: the first run loads the file's two rows, the second loads nothing.
  const copies = boxes(out).filter((b) => b.columns.includes('num_inserted_rows'));
  expect(copies.map((b) => b.rows[0]?.[b.columns.indexOf('num_inserted_rows')])).toEqual(['2', '0']);
  expect(out).toMatch(/│\s*n\s*│[\s\S]*?│\s*2\s*│/);
  expect(out).toMatch(/│\s*sales\s*│\s*customers\s*│\s*false\s*│/);
  expect(out).toMatch(/│\s*sales\s*│\s*raw\s*│/);
  expect(out).toMatch(/│\s*country\s*│\s*string\s*│/);
  expect(out).toMatch(/Catalog\s*│\s*shop/);
  expect(out).toMatch(/│\s*customers\s*│\s*MANAGED\s*│/);
  expect(out).toContain('manual.pdf');
}

/** The result tables printed in `out`: column names and rows of cell texts (the type line skipped). */
function boxes(out: string): { columns: string[]; rows: string[][] }[] {
  const found: { columns: string[]; rows: string[][] }[] = [];
  const cells = (line: string) => line.split('│').slice(1, -1).map((c) => c.trim());
  const lines = out.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    // On a terminal the progress line is erased in place, so a table may start mid-line.
    const top = lines[i]?.indexOf('┌') ?? -1;
    if (top < 0) continue;
    const columns = cells(lines[i + 1] ?? '');
    const rows: string[][] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]?.startsWith('├')) j++;
    for (j += 1; j < lines.length && lines[j]?.startsWith('│'); j++) rows.push(cells(lines[j] as string));
    found.push({ columns, rows });
    i = j;
  }
  return found;
}

describe('walkthrough: a new user in the shell', () => {
  beforeAll(async () => {
    // Nothing to build: runLoch/spawnPty use dist/ when current, else the sources.
  });

  it('by pipe: every step through the real CLI', async () => {
    const cwd = await tempDir('loch-walk-pipe-');
    await prepareFiles(cwd);
    await loch(cwd, [], SETUP);
    await importAndUpload(cwd);
    checkQueries(await loch(cwd, [], QUERIES));
    await upload(cwd);
    checkFiles(await loch(cwd, [], FILES));
  }, 180_000);

  it('under a pseudo-terminal: the interactive shell', async () => {
    const cwd = await tempDir('loch-walk-pty-');
    await prepareFiles(cwd);
    await typeInShell(cwd, SETUP);
    await importAndUpload(cwd);
    checkQueries(await typeInShell(cwd, QUERIES));
    await upload(cwd);
    checkFiles(await typeInShell(cwd, FILES));
  }, 240_000);
});

/** Types each line of `script` at the prompt, waits for each statement's result, and quits. */
async function typeInShell(cwd: string, script: string): Promise<string> {
  const shell: PtySession = spawnPty([], { cwd, columns: 160 });
  await shell.waitFor('loch>');
  for (const statement of script.split(';').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('--'))) {
    const from = shell.output().length;
    for (const line of statement.split('\n')) await shell.type(`${line}\n`);
    await shell.type(';\n');
    // Done when the main prompt is back (DDL prints nothing in table format).
    await shell.waitFor(/loch> $/, { from, timeoutMs: 60_000 });
  }
  await shell.type('.quit\n');
  expect(await shell.exit()).toBe(0);
  const out = shell.output();
  expect(out).not.toMatch(/^[A-Z_]+: /m);
  return out;
}
