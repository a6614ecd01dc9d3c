import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { parseJsonExact } from '../../core/json-exact.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { parseCommitRequest } from './commit.js';
import { parseCreateRequest } from './create-request.js';
import { IcebergRestError, icebergFailure } from './errors.js';
import { matchesEtag, selectSnapshots, snapshotsMode } from './load-result.js';
import type { JsonRecord } from './request.js';

const exact = (text: string) => parseJsonExact(text) as JsonRecord;

describe('icebergFailure', () => {
  it('names the Iceberg exception type from the code and the catalog error class', () => {
    const cases: [LochError, string, number, string][] = [
      [new LochError('NOT_FOUND', 'catalog: schema main.x does not exist (SCHEMA_NOT_FOUND)'), 'table', 404, 'NoSuchNamespaceException'],
      [new LochError('NOT_FOUND', 'catalog: table main.x.t does not exist (TABLE_OR_VIEW_NOT_FOUND)'), 'table', 404, 'NoSuchTableException'],
      [new LochError('NOT_FOUND', 'catalog: table main.x.v does not exist (TABLE_OR_VIEW_NOT_FOUND)'), 'view', 404, 'NoSuchViewException'],
      [new LochError('NOT_FOUND', 'catalog: catalog w does not exist (NO_SUCH_CATALOG_EXCEPTION)'), 'namespace', 404, 'NoSuchWarehouseException'],
      [new LochError('INVALID_ARGUMENT', 'catalog: schema main.s is not empty: … (SCHEMA_NOT_EMPTY)'), 'namespace', 409, 'NamespaceNotEmptyException'],
      [new LochError('ALREADY_EXISTS', 'catalog: table main.s.t already exists'), 'table', 409, 'AlreadyExistsException'],
      [new LochError('CONFLICT', 'catalog: table main.s.t kept changing'), 'table', 409, 'CommitFailedException'],
      [new LochError('PERMISSION_DENIED', 'catalog: bob lacks SELECT'), 'table', 403, 'ForbiddenException'],
      [new LochError('NOT_IMPLEMENTED', 'x: later'), 'table', 406, 'UnsupportedOperationException'],
      [new LochError('INVALID_ARGUMENT', 'catalog: invalid name'), 'table', 400, 'BadRequestException'],
      [new LochError('STORAGE_ERROR', 'storage: down'), 'table', 503, 'ServiceUnavailableException'],
    ];
    for (const [error, subject, status, type] of cases) {
      expect(icebergFailure(error, subject as 'table'), error.message).toMatchObject({ status, type, message: error.message });
    }
    expect(icebergFailure(new IcebergRestError(422, 'UnprocessableEntityException', 'm'), 'namespace')).toEqual({ status: 422, type: 'UnprocessableEntityException', message: 'm' });
    expect(icebergFailure(new Error('secret detail'), 'table')).toEqual({ status: 500, type: 'InternalServerError', message: 'server: internal error' });
  });
});

describe('request parsing', () => {
  it('keeps 64-bit snapshot ids exact and refuses unknown requirement or update types with 400', () => {
    const parsed = parseCommitRequest(exact('{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":9007199254740993}],"updates":[]}'), 'updateTable');
    expect(parsed.requirements).toEqual([{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 9007199254740993n }]);
    for (const body of ['{"requirements":[{"type":"assert-magic"}],"updates":[]}', '{"requirements":[],"updates":[{"action":"drop-everything"}]}', '{"requirements":{},"updates":[]}', '{"updates":[]}']) {
      expect(() => parseCommitRequest(exact(body), 'updateTable'), body).toThrow(expect.objectContaining({ status: 400, type: 'BadRequestException' }));
    }
  });

  it('normalises a create request: schema 0, spec 0, sorted order 1; unknown transforms and bad versions are 400', () => {
    const schema = '{"type":"struct","schema-id":7,"fields":[{"id":1,"name":"a","type":"long","required":true}]}';
    const request = parseCreateRequest(exact(`{"name":"t","schema":${schema},"partition-spec":{"spec-id":3,"fields":[{"source-id":1,"name":"a_b","transform":"bucket[8]"}]},"write-order":{"order-id":5,"fields":[{"source-id":1,"transform":"identity","direction":"asc","null-order":"nulls-first"}]}}`));
    expect([request.schema.schemaId, request.spec.specId, request.spec.fields[0]?.fieldId, request.sortOrder.orderId, request.formatVersion]).toEqual([0, 0, 1000, 1, 2]);
    for (const extra of ['"partition-spec":{"fields":[{"source-id":1,"name":"p","transform":"zorder"}]}', '"properties":{"format-version":"4"}', '"stage-create":"yes"', '"properties":{"a":1}']) {
      expect(() => parseCreateRequest(exact(`{"name":"t","schema":${schema},${extra}}`)), extra).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(() => parseCreateRequest(exact('{"name":"t"}'))).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('load results', () => {
  it('matches If-None-Match lists, weak tags and *', () => {
    expect(matchesEtag('"a", W/"b"', '"b"')).toBe(true);
    expect(matchesEtag('*', '"x"')).toBe(true);
    expect(matchesEtag('"a"', '"b"')).toBe(false);
    expect(matchesEtag(undefined, '"b"')).toBe(false);
  });

  it('snapshots=refs keeps only referenced snapshots; other values are 400', () => {
    const snapshot = (id: bigint) => ({ snapshotId: id, sequenceNumber: 1, timestampMs: 1, manifestList: 'm', summary: { operation: 'append' } });
    const metadata = { snapshots: [snapshot(1n), snapshot(2n)], refs: { main: { snapshotId: 2n, type: 'branch' } } } as unknown as TableMetadata;
    expect(selectSnapshots(metadata, snapshotsMode('refs')).snapshots.map((s) => s.snapshotId)).toEqual([2n]);
    expect(selectSnapshots(metadata, snapshotsMode(undefined)).snapshots).toHaveLength(2);
    expect(() => snapshotsMode('some')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
