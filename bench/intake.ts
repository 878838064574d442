/**
 * Intake: citizen reports per second through the real HTTP API (a listening
 * port, JSON over fetch) — classification, location, duplicate check, routing,
 * ticket — against raw INSERTs of the same rows into the same `reports` table,
 * at the same concurrency, in the same run.
 */
import type { Db } from '../apps/server/src/db/index.ts';
import type { App } from '../apps/server/src/http/app.ts';
import { seededRandom } from '@cityloop/domain';
import { drive, fmt } from './engine.ts';

const complaints = [
  '小区门口下水道堵塞，污水外溢，臭味很大',
  '路面塌陷出现大坑，车辆通行危险',
  '老旧小区外墙脱落，楼道灯不亮，希望改造',
  '河道黑臭，水面漂浮垃圾',
  '暴雨后路口积水严重，行人无法通过',
  '小区停车位不足，车辆乱停占用消防通道',
  '断头路一直没有打通，绕行很远',
  '工地夜间施工噪音扰民',
  '人行道井盖缺失，存在安全隐患',
  '社区缺少养老服务设施，老人活动没有地方',
];

export async function benchIntake(db: Db, app: App, cityId: string, apiKey: string, n: number, concurrency: number) {
  // Places inside the city: points on grid cells (every 7th cell, a fixed sample), the same for both runs.
  const places = await db.query<{ lng: number; lat: number }>(
    `SELECT ST_X(p) AS lng, ST_Y(p) AS lat
       FROM (SELECT ST_PointOnSurface(geom) AS p, row_number() OVER (ORDER BY code) AS k FROM areas WHERE city_id = $1 AND level = 'grid') x
      WHERE k % 7 = 0`,
    [cityId],
  );
  const r = seededRandom(7);
  const rows = Array.from({ length: n }, (_, i) => {
    const place = places[Math.floor(r() * places.length)]!;
    return { text: `${complaints[i % complaints.length]}（第${i}号）`, lng: place.lng, lat: place.lat };
  });

  // Raw baseline: the same rows straight into the same table, bound to one prepared problem and district.
  const { problem_id, district_id } = (await db.query<{ problem_id: string; district_id: string }>(
    `SELECT problem_id, district_id FROM reports WHERE city_id = $1 LIMIT 1`,
    [cityId],
  ))[0]!;
  const raw = await drive(n, concurrency, async (i) => {
    const row = rows[i]!;
    await db.query(
      `INSERT INTO reports (city_id, ticket, service_request_id, source, text, geom, location_from, district_id, problem_id, submitted_by_label)
       VALUES ($1, $2, $2, 'citizen', $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), 'given', $6, $7, 'bench')`,
      [cityId, `RAW-${i}`, row.text, row.lng, row.lat, district_id, problem_id],
    );
  });

  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/api/v1/reports`;
  let merged = 0;
  const api = await drive(n, concurrency, async (i) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ ...rows[i], mediaIds: [] }),
    });
    if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
    if (((await res.json()) as { merged: boolean }).merged) merged += 1;
  });
  console.log(`\nintake: ${n} citizen reports, ${concurrency} concurrent clients (${merged} merged as duplicates)`);
  console.log(`  raw INSERT into reports  ${fmt(raw)}`);
  console.log(`  HTTP POST /api/v1/reports ${fmt(api)}`);
  console.log(`  ratio API/raw throughput: ${(api.perSec / raw.perSec).toFixed(3)}`);
}
