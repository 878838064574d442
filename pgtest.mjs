import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
const t=Date.now();
const db = await PGlite.create({ dataDir: '/tmp/pgl1', extensions: { postgis } });
await db.exec('create extension if not exists postgis');
const r = await db.query("select postgis_full_version() v, now() n, 1::int8 b, ST_AsGeoJSON(ST_MakePoint(1,2)) g, $1::text p", ['x']);
console.log(r.rows, Date.now()-t);
