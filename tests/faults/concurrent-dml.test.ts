import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Row-level changes racing other commits, in real processes (the compiled package in dist/).
 * Each child opens a transaction on the same version, stages its operation, and waits; the
 * parent releases all of them at once, so their commits genuinely race. Delta's rules under
 * WriteSerializable decide: operations on different files both commit; a DELETE and another
 * operation that removes or reads the same file cannot both commit; a blind append never
 * conflicts with a DELETE.
 */
const CHILDREN = fileURLToPath(new URL('./children/', import.meta.url));

type Report = Record<string, unknown>;

interface Op {
  readonly kind: 'delete' | 'update' | 'merge' | 'append';
  readonly [key: string]: unknown;
}

let dir: string;
let loch: Loch;
let counter = 0;

beforeAll(async () => {
  dir = await tempDir('loch-concurrent-dml-');
  loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
});
afterAll(async () => {
  await loch.close();
});

function child(args: readonly string[]): { done: Promise<Report[]> } {
  const proc = spawn(process.execPath, ['--no-warnings', join(CHILDREN, 'dml-tx.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Report[]>((resolve, reject) => {
    proc.on('exit', (code) => {
      const reports = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Report);
      if (code === 0) resolve(reports);
      else reject(new Error(`dml-tx ${args[2]} exited with ${code}: ${JSON.stringify(reports.at(-1))}\n${err}`));
    });
  });
  return { done };
}

async function waitFor(paths: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!paths.every((p) => existsSync(p))) {
    if (Date.now() > deadline) throw new Error(`children did not stage in time: ${paths.filter((p) => !existsSync(p)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A table partitioned by p with one file per partition: ids 1..10 in p=1, 11..20 in p=2. */
async function freshTable(deletionVectors: boolean): Promise<string> {
  counter += 1;
  const path = join(dir, `t${counter}`);
  await (await loch.sql(`CREATE TABLE delta.\`${path}\` (id INT, v STRING, p INT) PARTITIONED BY (p) TBLPROPERTIES ('delta.enableDeletionVectors' = '${deletionVectors}')`)).all();
  await (await loch.sql(`INSERT INTO delta.\`${path}\` SELECT i, 'v' || i, CASE WHEN i <= 10 THEN 1 ELSE 2 END FROM range(1, 21) t(i)`)).all();
  return path;
}

/** Runs the operations in racing processes; returns each one's final report. */
async function race(path: string, ops: readonly Op[]): Promise<Report[]> {
  counter += 1;
  const go = join(dir, `go-${counter}`);
  const staged = ops.map((_, i) => join(dir, `staged-${counter}-${i}`));
  const children = ops.map((op, i) => child([join(dir, 'warehouse'), path, JSON.stringify(op), staged[i] as string, go]));
  await waitFor(staged);
  await writeFile(go, '');
  const reports = await Promise.all(children.map((c) => c.done));
  for (const r of reports) expect(r[0], 'every child staged on version 1').toMatchObject({ staged: true, readVersion: 1 });
  return reports.map((r) => r.at(-1) as Report);
}

async function ids(path: string): Promise<number[]> {
  const rows = await (await loch.sql(`SELECT id FROM delta.\`${path}\` ORDER BY id`)).all();
  return rows.map((r) => Number(r[0]));
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const deleteP1: Op = { kind: 'delete', where: 'p = 1 AND id % 2 = 0', partition: 1 };

describe('concurrent DML in separate processes', () => {
  for (const deletionVectors of [true, false]) {
    const mode = deletionVectors ? 'deletion vectors' : 'copy-on-write';

    it(`${mode}: a DELETE and an UPDATE of different files both commit`, async () => {
      const path = await freshTable(deletionVectors);
      const outcomes = await race(path, [deleteP1, { kind: 'update', column: 'v', value: "'u'", where: 'p = 2', partition: 2 }]);
      expect(outcomes.map((o) => o['committed']).sort()).toEqual([2, 3]);
      expect(await ids(path)).toEqual(range(1, 20).filter((i) => i > 10 || i % 2 === 1));
      const updated = await (await loch.sql(`SELECT count(*) FROM delta.\`${path}\` WHERE v = 'u'`)).all();
      expect(Number(updated[0]?.[0])).toBe(10);
    }, 120_000);

    it(`${mode}: a DELETE and a blind append both commit, even into the same partition`, async () => {
      const path = await freshTable(deletionVectors);
      const outcomes = await race(path, [deleteP1, { kind: 'append', rows: [{ id: 100, v: 'new', p: 1 }] }]);
      expect(outcomes.map((o) => o['committed']).sort()).toEqual([2, 3]);
      expect(await ids(path)).toEqual([...range(1, 20).filter((i) => i > 10 || i % 2 === 1), 100]);
    }, 120_000);

    it(`${mode}: a DELETE and an UPDATE of the same file: one commits, the other conflicts`, async () => {
      const path = await freshTable(deletionVectors);
      const outcomes = await race(path, [deleteP1, { kind: 'update', column: 'v', value: "'u'", where: 'p = 1 AND id = 1', partition: 1 }]);
      const committed = outcomes.filter((o) => o['committed'] === 2);
      const conflicts = outcomes.filter((o) => o['code'] === 'CONFLICT');
      expect(committed, JSON.stringify(outcomes)).toHaveLength(1);
      expect(conflicts, JSON.stringify(outcomes)).toHaveLength(1);
      expect(String(conflicts[0]?.['error'])).toMatch(/Concurrent(Append|DeleteDelete|DeleteRead)/);
      const winner = outcomes.indexOf(committed[0] as Report);
      const expected = winner === 0 ? range(1, 20).filter((i) => i > 10 || i % 2 === 1) : range(1, 20);
      expect(await ids(path)).toEqual(expected);
    }, 120_000);

    it(`${mode}: a DELETE and a MERGE reading the same file conflict; on another partition they do not`, async () => {
      const same = await freshTable(deletionVectors);
      const upsert = (id: number, p: number): Op => ({
        kind: 'merge',
        source: `SELECT ${id} AS id, 'm' AS v, ${p} AS p`,
        on: 't.id = s.id',
        // As the SQL front end finds them in ON: target files are pruned by the source's id range.
        keys: [{ target: 'id', sourceSql: 's.id' }],
        clauses: [
          { when: 'matched', action: { kind: 'update', assignments: [{ path: ['v'], valueSql: 's.v' }] } },
          { when: 'not_matched', action: { kind: 'insert_all' } },
        ],
      });
      const clash = await race(same, [deleteP1, upsert(3, 1)]);
      expect(clash.filter((o) => o['committed'] === 2), JSON.stringify(clash)).toHaveLength(1);
      expect(clash.filter((o) => o['code'] === 'CONFLICT'), JSON.stringify(clash)).toHaveLength(1);
      const apart = await freshTable(deletionVectors);
      const both = await race(apart, [deleteP1, upsert(13, 2)]);
      expect(both.map((o) => o['committed']).sort(), JSON.stringify(both)).toEqual([2, 3]);
    }, 120_000);
  }
});
