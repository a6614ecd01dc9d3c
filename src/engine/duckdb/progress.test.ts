import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './database.js';

describe('engine progress', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.create({ threads: 1 });
  });
  afterAll(async () => engine.close());

  it('reports DuckDB percentage while a statement runs, and nothing when idle', async () => {
    const session = await engine.session();
    await session.run('CREATE TABLE big AS SELECT range AS i FROM range(20000000)');
    expect(engine.progress()).toBeUndefined();
    const seen: number[] = [];
    const timer = setInterval(() => {
      const p = engine.progress();
      if (p !== undefined) seen.push(p);
    }, 10);
    try {
      await (await session.query('SELECT sum(hash(i)) FROM big')).all();
    } finally {
      clearInterval(timer);
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p).toBeGreaterThanOrEqual(0);
    for (const p of seen) expect(p).toBeLessThanOrEqual(100);
    expect(engine.progress()).toBeUndefined();
    await session.close();
  });
});
