import { describe, expect, it } from 'vitest';
import { byteToCharOffsets } from './byte-offsets.js';
import { parseObjectName } from './object-name.js';
import { RefRegistry, prepareText } from './prepare-text.js';

describe('prepareText', () => {
  it('turns lake references into placeholders and backticks into double quotes', () => {
    const registry = new RefRegistry();
    const out = prepareText('SELECT `a"b` FROM delta.`/p` VERSION AS OF 2 x JOIN `my t` ON true', registry);
    expect(out.text).toBe('SELECT "a""b" FROM __loch_ref_0 x JOIN "my t" ON true');
    expect(registry.refs).toMatchObject([{ kind: 'delta', path: '/p', version: 2 }]);
  });

  it('cuts time travel after names and reports where the name ends', () => {
    const registry = new RefRegistry();
    const sql = "SELECT * FROM `s`.t VERSION AS OF 3 a JOIN u TIMESTAMP AS OF TIMESTAMP '2024-01-01' ON true";
    const out = prepareText(sql, registry);
    expect(out.text).toBe('SELECT * FROM "s".t a JOIN u ON true');
    expect([...out.travels.entries()]).toEqual([
      [out.text.indexOf('t a') + 1, { version: 3 }],
      [out.text.indexOf('u ON') + 1, { timestamp: '2024-01-01' }],
    ]);
  });

  it('quotes `default` as a qualifier only', () => {
    expect(prepareText('SELECT default.t.x FROM main.default.t WHERE y = DEFAULT', new RefRegistry()).text).toBe('SELECT "default".t.x FROM main."default".t WHERE y = DEFAULT');
  });

  it('rejects two time travel clauses and a version that is no integer or name', () => {
    expect(() => prepareText('SELECT * FROM t VERSION AS OF 1 VERSION AS OF 2', new RefRegistry())).toThrow(/one version or timestamp/);
    expect(() => prepareText('SELECT * FROM t VERSION AS OF 1.5', new RefRegistry())).toThrow(/expects an integer/);
  });

  it('keeps Iceberg-sized snapshot ids as text and branch or tag names as refs', () => {
    const big = prepareText('SELECT * FROM t VERSION AS OF 9007199254740993', new RefRegistry());
    expect([...big.travels.values()]).toEqual([{ versionText: '9007199254740993' }]);
    const named = prepareText("SELECT * FROM t VERSION AS OF 'audit'", new RefRegistry());
    expect([...named.travels.values()]).toEqual([{ ref: 'audit' }]);
  });
});

describe('byteToCharOffsets', () => {
  it('maps UTF-8 byte offsets to string indexes', () => {
    const text = "'é😀' x";
    const toChar = byteToCharOffsets(text);
    expect(toChar(0)).toBe(0);
    expect(toChar(1)).toBe(1);
    expect(toChar(3)).toBe(2);
    expect(toChar(7)).toBe(4);
    expect(toChar(9)).toBe(6);
    expect(toChar(99)).toBe(text.length);
    expect(byteToCharOffsets('abc')(2)).toBe(2);
  });
});

describe('parseObjectName', () => {
  it('reads 1–3 parts, quoted or not', () => {
    expect(parseObjectName('t')).toEqual(['t']);
    expect(parseObjectName('Main.`my sch`."T""x"')).toEqual(['Main', 'my sch', 'T"x']);
  });
  it('refuses anything else', () => {
    for (const bad of ['', 'a.b.c.d', 'a.', '.a', 'a b', "'a'", 'a;b']) expect(() => parseObjectName(bad)).toThrow(/is not a table name/);
  });
});
