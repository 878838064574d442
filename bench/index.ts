/**
 * Benchmarks, as ratios against a baseline measured in the same run (these
 * machines are shared and noisy: absolute numbers mean little).
 *
 * locate: point-in-area through the HTTP API (routing, auth hook, schema
 * serialisation) against the same PostGIS query run directly.
 *
 * Engine: PostgreSQL when BENCH_DATABASE_URL is set, else in-memory PGlite.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../apps/server/src/config.ts';
import { openPglite, openPostgres } from '../apps/server/src/db/index.ts';
import { migrate } from '../apps/server/src/db/migrate.ts';
import { buildApp } from '../apps/server/src/http/app.ts';
import { seedDemoCity } from '../apps/server/src/demo/seed.ts';

const N = Number(process.env.BENCH_N ?? 2000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  const db = url ? await openPostgres(url) : await openPglite(null);
  await migrate(db);
  const code = `bench-${Date.now()}`;
  const t0 = performance.now();
  const cityId = await seedDemoCity(db, 'bench-password', { isDefault: false, code });
  console.log(`engine ${db.engine}; demo city loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DEMO: '0' }), db, logger: false });
  await app.ready();

  const [minX, minY, maxX, maxY] = (await db.query<{ b: number[] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b
       FROM (SELECT ST_Extent(geom)::box3d AS e FROM areas WHERE city_id = $1 AND level = 'grid') x`,
    [cityId],
  ))[0]!.b as [number, number, number, number];
  // Points spread over the gridded part of the city, same sequence for both runs.
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const points = Array.from({ length: N }, () => [minX + rnd() * (maxX - minX), minY + rnd() * (maxY - minY)] as const);

  const sql = `SELECT id, level, code, name, name_en, parent_id, generated FROM areas
                WHERE city_id = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
                ORDER BY array_position(ARRAY['district','county','street','community','grid']::text[], level)`;
  const timeIt = async (fn: (p: readonly [number, number]) => Promise<void>) => {
    for (const p of points.slice(0, 100)) await fn(p); // warm-up
    const lat: number[] = [];
    const start = performance.now();
    for (const p of points) {
      const s = performance.now();
      await fn(p);
      lat.push(performance.now() - s);
    }
    const secs = (performance.now() - start) / 1000;
    lat.sort((a, b) => a - b);
    return { perSec: N / secs, p50: percentile(lat, 50), p99: percentile(lat, 99) };
  };
  let found = 0;
  const raw = await timeIt(async ([lng, lat]) => {
    found += (await db.query(sql, [cityId, lng, lat])).length > 0 ? 1 : 0;
  });
  const api = await timeIt(async ([lng, lat]) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/areas/locate?lng=${lng}&lat=${lat}`, headers: { 'x-city': code } });
    if (res.statusCode !== 200) throw new Error(res.body);
  });
  const fmt = (r: typeof raw) => `${r.perSec.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`;
  console.log(`locate, ${N} points (${((found / N) * 100).toFixed(0)}% inside an area)`);
  console.log(`  raw SQL   ${fmt(raw)}`);
  console.log(`  HTTP API  ${fmt(api)}`);
  console.log(`  ratio API/raw throughput: ${(api.perSec / raw.perSec).toFixed(2)}`);
  await app.close();
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
