import { describe, expect, it } from 'vitest';
import { field, primitive } from '../expr/types.js';
import type { StructType } from '../expr/types.js';
import { castUntyped, castUntypedClause, castUntypedValues, insertTargets, mergeMentionsUntyped } from './untyped-values.js';

const U1 = "getvariable('__loch_untyped_1')";
const U2 = "getvariable('__loch_untyped_2')";
const T1 = "getvariable('__loch_param_1')";
const schema: StructType = {
  kind: 'struct',
  fields: [field('id', primitive('long')), field('d', primitive('date')), field('p', { kind: 'struct', fields: [field('n', primitive('integer'))] })],
};
const id = { name: 'id', type: primitive('long') };
const d = { name: 'd', type: primitive('date') };

describe('castUntyped', () => {
  it('converts exactly an untyped parameter, with a check naming the column', () => {
    const sql = castUntyped(` ${U1} `, id);
    expect(sql).toContain(`TRY_CAST(${U1} AS BIGINT)`);
    expect(sql).toContain(`NULL::BIGINT`);
    expect(sql).toContain('to column id of type long (CAST_INVALID_INPUT)');
    expect(castUntyped(T1, id)).toBe(T1);
    expect(castUntyped(`${U1} + 1`, id)).toBe(`${U1} + 1`);
    expect(castUntyped(`'x'`, id)).toBe(`'x'`);
  });
});

describe('castUntypedValues', () => {
  it('rewrites whole cells of every VALUES row by position', () => {
    const out = castUntypedValues(`VALUES (${U1}, ${T1}), (1 + ${U2}, ${U2})`, [id, d]);
    expect(out.startsWith(`VALUES (CASE WHEN ${U1} IS NULL THEN NULL::BIGINT`)).toBe(true);
    expect(out).toContain(`, ${T1}), (1 + ${U2}, CASE WHEN ${U2} IS NULL THEN NULL::DATE`);
  });

  it('keeps nested commas inside a cell and leaves other shapes alone', () => {
    const out = castUntypedValues(`values (struct_pack(a := 1, b := 2), [1, 2], ${U1})`, [id, d, id]);
    expect(out).toContain('values (struct_pack(a := 1, b := 2), [1, 2], CASE WHEN');
    expect(castUntypedValues(`VALUES (${U1}, 1)`, [id])).toBe(`VALUES (${U1}, 1)`);
    expect(castUntypedValues(`SELECT ${U1}`, [id])).toBe(`SELECT ${U1}`);
    expect(castUntypedValues(`VALUES (${U1})`, undefined)).toBe(`VALUES (${U1})`);
    expect(castUntypedValues(`VALUES (${T1})`, [id])).toBe(`VALUES (${T1})`);
  });
});

describe('insertTargets', () => {
  it('follows the column list, else every non-static-partition column; none by name', () => {
    expect(insertTargets({ byName: false, columns: ['D', 'id'] }, schema)?.map((f) => f.name)).toEqual(['d', 'id']);
    expect(insertTargets({ byName: false }, schema)?.map((f) => f.name)).toEqual(['id', 'd', 'p']);
    expect(insertTargets({ byName: false, partitionSpec: [{ column: 'D', valueSql: "'2024-01-01'" }] }, schema)?.map((f) => f.name)).toEqual(['id', 'p']);
    expect(insertTargets({ byName: false, columns: ['nope'] }, schema)).toBeUndefined();
    expect(insertTargets({ byName: true }, schema)).toBeUndefined();
  });
});

describe('castUntypedClause', () => {
  it('converts SET values (nested paths too) and INSERT values, with or without columns', () => {
    const update = castUntypedClause({ when: 'matched', action: { kind: 'update', assignments: [{ path: ['p', 'n'], valueSql: U1 }, { path: ['zz'], valueSql: U2 }] } }, schema);
    const assignments = update.action.kind === 'update' ? update.action.assignments : [];
    expect(assignments[0]?.valueSql).toContain('AS INTEGER)');
    expect(assignments[0]?.valueSql).toContain('column p.n of type integer');
    expect(assignments[1]?.valueSql).toBe(U2);
    const insert = castUntypedClause({ when: 'not_matched', action: { kind: 'insert', valuesSql: [T1, U1] } }, schema);
    const values = insert.action.kind === 'insert' ? insert.action.valuesSql : [];
    expect(values[0]).toBe(T1);
    expect(values[1]).toContain('AS DATE)');
    expect(mergeMentionsUntyped({ clauses: [{ when: 'not_matched', action: { kind: 'insert', valuesSql: [U1] } }] })).toBe(true);
    expect(mergeMentionsUntyped({ clauses: [{ when: 'matched', action: { kind: 'delete' } }] })).toBe(false);
  });
});
