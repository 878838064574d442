/** Point-in-area through the HTTP API against the same PostGIS query run directly. */
import type { Db } from '../apps/server/src/db/index.ts';
import type { App } from '../apps/server/src/http/app.ts';
import { seededRandom } from '@cityloop/domain';
import { drive, fmt } from './engine.ts';

export async function benchLocate(db: Db, app: App, cityId: string, cityCode: string, n: number) {
  const [minX, minY, maxX, maxY] = (await db.query<{ b: number[] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
       FROM (SELECT ST_Extent(geom)::box3d AS e FROM areas WHERE city_id = $1 AND level = 'grid') x`,
    [cityId],
  ))[0]!.b as [number, number, number, number];
  const r = seededRandom(42);
  const points = Array.from({ length: n }, () => [minX + r() * (maxX - minX), minY + r() * (maxY - minY)] as const);
  const sql = `SELECT id, level, code, name, name_en, parent_id, generated FROM areas
                WHERE city_id = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
                ORDER BY array_position(ARRAY['district','county','street','community','grid']::text[], level)`;
  const raw = await drive(n, 1, async (i) => {
    await db.query(sql, [cityId, points[i]![0], points[i]![1]]);
  });
  const api = await drive(n, 1, async (i) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/areas/locate?lng=${points[i]![0]}&lat=${points[i]![1]}`, headers: { 'x-city': cityCode } });
    if (res.statusCode !== 200) throw new Error(res.body);
  });
  console.log(`\nlocate: ${n} points over the gridded part of the city, one at a time`);
  console.log(`  raw SQL   ${fmt(raw)}`);
  console.log(`  HTTP API  ${fmt(api)}`);
  console.log(`  ratio API/raw throughput: ${(api.perSec / raw.perSec).toFixed(2)}`);
}
