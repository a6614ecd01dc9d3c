import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotRef, TableMetadata } from '../model.js';
import { applyUpdates, newTableMetadata } from '../spec/updates.js';
import { expiryUpdates, filesToDelete, planExpiry, snapshotsToExpire } from './expire.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;

/** Snapshots 1..n on main, one a day, the last one `NOW`; extra refs as given. */
function table(n: number, refs: Record<string, SnapshotRef> = {}, properties: Record<string, string> = {}, extra: Snapshot[] = []): TableMetadata {
  const base = newTableMetadata({ location: 'mem://t', schema: { schemaId: 0, identifierFieldIds: [], fields: [] }, spec: { specId: 0, fields: [] }, properties, formatVersion: 2, tableUuid: 'u', nowMs: 0 });
  const snapshots: Snapshot[] = Array.from({ length: n }, (_, i) => ({
    snapshotId: BigInt(i + 1),
    ...(i === 0 ? {} : { parentSnapshotId: BigInt(i) }),
    sequenceNumber: i + 1,
    timestampMs: NOW - (n - 1 - i) * DAY,
    manifestList: `l${i + 1}`,
    summary: { operation: 'append' },
  }));
  return { ...base, snapshots: [...snapshots, ...extra], currentSnapshotId: BigInt(n), refs: { main: { snapshotId: BigInt(n), type: 'branch' }, ...refs } };
}

describe('snapshotsToExpire', () => {
  it('keeps 5 days by default, and at least one snapshot', () => {
    expect(snapshotsToExpire(table(10), { nowMs: NOW })).toEqual([1n, 2n, 3n, 4n]);
    expect(snapshotsToExpire(table(3), { nowMs: NOW + 30 * DAY })).toEqual([1n, 2n]);
  });
  it('takes the age and count from options, then table properties', () => {
    expect(snapshotsToExpire(table(10), { nowMs: NOW, olderThanMs: 2 * DAY })).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(snapshotsToExpire(table(10), { nowMs: NOW, olderThanMs: 0, retainLast: 4 })).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    const props = { 'history.expire.max-snapshot-age-ms': String(DAY), 'history.expire.min-snapshots-to-keep': '3' };
    expect(snapshotsToExpire(table(10, {}, props), { nowMs: NOW })).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
  });
  it('lets branch settings win and keeps tagged snapshots', () => {
    const refs: Record<string, SnapshotRef> = { keep: { snapshotId: 2n, type: 'tag' } };
    expect(snapshotsToExpire(table(10, refs), { nowMs: NOW, olderThanMs: 0 })).toEqual([1n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    const main: Record<string, SnapshotRef> = { main: { snapshotId: 10n, type: 'branch', minSnapshotsToKeep: 5 } };
    expect(snapshotsToExpire(table(10, main), { nowMs: NOW, olderThanMs: 0 })).toEqual([1n, 2n, 3n, 4n, 5n]);
  });
  it('expires old refs but never main', () => {
    const refs: Record<string, SnapshotRef> = { old: { snapshotId: 2n, type: 'tag', maxRefAgeMs: DAY }, dangling: { snapshotId: 77n, type: 'tag' } };
    const plan = planExpiry(table(10, refs), { nowMs: NOW, olderThanMs: 0 });
    expect(plan.expiredRefs.sort()).toEqual(['dangling', 'old']);
    expect(plan.expireSnapshotIds).toContain(2n);
    const m = applyUpdates(table(10, refs), expiryUpdates(plan), NOW);
    expect(Object.keys(m.refs)).toEqual(['main']);
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual([10n]);
  });
  it('keeps young snapshots outside every branch', () => {
    const orphan: Snapshot = { snapshotId: 50n, sequenceNumber: 50, timestampMs: NOW - DAY, summary: { operation: 'append' } };
    const old: Snapshot = { snapshotId: 51n, sequenceNumber: 51, timestampMs: NOW - 9 * DAY, summary: { operation: 'append' } };
    expect(snapshotsToExpire(table(2, {}, {}, [orphan, old]), { nowMs: NOW })).toEqual([51n]);
  });
  it('rejects bad options', () => {
    expect(() => snapshotsToExpire(table(2), { nowMs: NOW, retainLast: 0 })).toThrow(/keep ≥ 1/);
    expect(() => snapshotsToExpire(table(2, {}, { 'history.expire.max-snapshot-age-ms': 'soon' }), { nowMs: NOW })).toThrow(/not a non-negative integer/);
  });
});

describe('filesToDelete', () => {
  it('is what only expired snapshots reach, sorted', () => {
    expect(filesToDelete(new Set(['m2', 'd1', 'm1', 'd2']), new Set(['d2', 'm9']))).toEqual(['d1', 'm1', 'm2']);
  });
});
