import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoundTrip, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';
import { validateTableLog } from '../support/log-validator.js';

/** Time in the write path: in-commit timestamps under a clock that goes backwards, log clean-up. */
describe('delta write API: time', () => {
  it('in-commit timestamps stay monotonic when the clock goes backwards', async () => {
    const h = await openHarness({ start: Date.UTC(2024, 5, 1), step: -60_000 });
    try {
      const path = h.path('ict');
      const t = h.ref(path);
      await h.rows(`CREATE TABLE ${t} (a INT) TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')`);
      const rt = new RoundTrip(h, path);
      for (let i = 1; i <= 3; i++) {
        await h.rows(`INSERT INTO ${t} VALUES (${i})`);
        await rt.expectLatest(table(['a'], ...Array.from({ length: i }, (_, k) => [k + 1])));
      }
      const report = await rt.verify();
      const stamps = report.versions.map((v) => report.commitInfos.get(v)?.['inCommitTimestamp'] as number);
      expect(stamps.every((s) => Number.isInteger(s))).toBe(true);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i], `version ${i}`).toBeGreaterThan(stamps[i - 1] as number);
      for (const v of report.versions) expect(report.commitInfos.get(v)?.['timestamp']).toBe(stamps[v]);
      const snapshot = await (await h.loch.deltaTable(path)).snapshot({ timestamp: stamps[2] as number });
      expect(snapshot.version).toBe(2);
    } finally {
      await h.close();
    }
  });

  const DAY = 86_400_000;

  /** Versions 0-2 (checkpoint at 2), a clock jump of `jump`, versions 3-4 (checkpoint at 4, then clean-up). */
  async function cleanupScenario(h: Harness, age: (path: string, report: Awaited<ReturnType<typeof validateTableLog>>) => Promise<void>, jump: number): Promise<RoundTrip> {
    const path = h.path('cleanup');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT) TBLPROPERTIES ('delta.checkpointInterval' = '2', 'delta.logRetentionDuration' = 'interval 1 day')`);
    const rt = new RoundTrip(h, path);
    const rows: unknown[][] = [];
    for (let i = 1; i <= 4; i++) {
      if (i === 3) {
        await age(path, await validateTableLog(path));
        h.clock.advance(jump);
      }
      await h.rows(`INSERT INTO ${t} VALUES (${i})`);
      rows.push([i]);
      await rt.expectLatest(table(['a'], ...rows));
    }
    return rt;
  }

  async function expectCleanedUpTo2(h: Harness, rt: RoundTrip): Promise<void> {
    const names = (await readdir(join(rt.path, '_delta_log'))).filter((n) => n.endsWith('.json') || n.endsWith('.parquet')).sort();
    expect(names).toEqual(['00000000000000000002.checkpoint.parquet', '00000000000000000002.json', '00000000000000000003.json', '00000000000000000004.checkpoint.parquet', '00000000000000000004.json']);
    for (const v of [0, 1]) {
      const error = await h.error(`SELECT * FROM ${h.ref(rt.path)} VERSION AS OF ${v}`);
      expect(error.code, `version ${v}`).toBe('VERSION_NOT_AVAILABLE');
      rt.forget(v);
    }
    for (const v of [2, 3, 4]) expect(rt.rowsAt(v)).toHaveLength(v);
    await rt.verify({ minimal: true });
  }

  it('log clean-up with a short retention keeps every version within it (files aged with the clock)', async () => {
    const h = await openHarness({ start: Date.now() - 10 * DAY });
    try {
      const age = async (path: string, report: Awaited<ReturnType<typeof validateTableLog>>) => {
        for (const v of report.versions) {
          const when = new Date(report.commitInfos.get(v)?.['timestamp'] as number);
          await utimes(join(path, '_delta_log', `${String(v).padStart(20, '0')}.json`), when, when);
        }
      };
      const rt = await cleanupScenario(h, age, 9 * DAY);
      await expectCleanedUpTo2(h, rt);
    } finally {
      await h.close();
    }
  });

  it('log clean-up never expires by a clock that runs ahead of the file times', async () => {
    // Ages are file times; the injected clock jumped 2 days but the files are minutes old, so
    // nothing is old enough to delete and every version stays readable.
    const h = await openHarness({ start: Date.now() });
    try {
      const rt = await cleanupScenario(h, async () => {}, 2 * DAY);
      const names = (await readdir(join(rt.path, '_delta_log'))).filter((n) => n.endsWith('.json')).sort();
      expect(names).toEqual([0, 1, 2, 3, 4].map((v) => `${String(v).padStart(20, '0')}.json`));
      for (const v of [1, 2, 3, 4]) expect(rt.rowsAt(v)).toHaveLength(v);
      await rt.verify({ minimal: true });
    } finally {
      await h.close();
    }
  });
});
