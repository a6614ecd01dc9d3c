import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Loch } from '/work/main/src/sql/loch.js';
import { systemClock } from '/work/main/src/core/clock.js';
import { randomIds } from '/work/main/src/core/ids.js';
import { startPgWire } from '/work/main/src/server/pgwire/pg-server.js';

const dir = await mkdtemp(join(tmpdir(), 'h6-'));
const loch = await Loch.open({ warehouse: dir, metastore: 'memory:' });
await loch.identity.createUser('alice');
const { token } = await loch.identity.createToken('alice');
const admin = await loch.identity.createToken(loch.catalog.principal);
const server = await startPgWire({ loch, clock: systemClock, ids: randomIds, maxBodyBytes: 1 << 24 }, { host: '127.0.0.1', port: 0 });
console.log('port', server.port, 'admin token', admin.token, 'alice', token);
const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'token', password: admin.token, database: 'main' });
await c.connect();
console.log((await c.query('select 1 as x, \'a\' as s')).rows);
await c.query('create table t (id int, name string, d date)');
console.log((await c.query('insert into t values (1, \'a\', DATE \'2024-01-01\'), (2, \'b\', NULL)')).command, 'rowCount');
console.log((await c.query('select * from t where id = $1', [1])).rows);
console.log((await c.query('select $1::int + 1 as n, $2 as s, $3::date as d, $4 as nul', [41, "x'; drop table t; --", '2024-02-03', null])).rows);
const u = await c.query('update t set name = $1 where id = $2', ['z', 2]); console.log(u.command, u.rowCount);
const del = await c.query('delete from t where id = 1'); console.log(del.command, del.rowCount);
try { await c.query('select * from nope'); } catch (e: any) { console.log('err', e.code, e.message); }
try { await c.query('selec 1'); } catch (e: any) { console.log('err', e.code, e.message); }
console.log((await c.query('select count(*) from t')).rows);
await c.end();
if (process.argv[2] === 'wait') await new Promise((r) => setTimeout(r, 600000));
await server.close();
await loch.close();
