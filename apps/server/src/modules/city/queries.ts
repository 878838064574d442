import type { Queryable } from '../../db/index.ts';

export interface CityRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  timezone: string;
  lng: number;
  lat: number;
  settings: Record<string, unknown>;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
}

const citySelect = `
  SELECT c.id, c.code, c.name, c.name_en, c.timezone, ST_X(c.center) AS lng, ST_Y(c.center) AS lat, c.settings,
         ST_XMin(e.ext) AS min_lng, ST_YMin(e.ext) AS min_lat, ST_XMax(e.ext) AS max_lng, ST_YMax(e.ext) AS max_lat
    FROM cities c
    LEFT JOIN LATERAL (SELECT ST_Extent(a.geom)::box3d AS ext FROM areas a WHERE a.city_id = c.id AND a.level = 'district') e ON true`;

export async function cityById(q: Queryable, id: string): Promise<CityRow | undefined> {
  return (await q.query<CityRow>(`${citySelect} WHERE c.id = $1`, [id]))[0];
}

export async function cityIdByCode(q: Queryable, code: string): Promise<string | undefined> {
  return (await q.query<{ id: string }>(`SELECT id FROM cities WHERE code = $1`, [code]))[0]?.id;
}

export async function defaultCityId(q: Queryable): Promise<string | undefined> {
  return (await q.query<{ id: string }>(`SELECT id FROM cities ORDER BY is_default DESC, created_at LIMIT 1`))[0]?.id;
}

export async function insertCity(
  q: Queryable,
  c: { code: string; name: string; nameEn: string; timezone: string; center: [number, number]; isDefault: boolean; settings: object },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO cities (code, name, name_en, timezone, center, is_default, settings)
     VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8) RETURNING id`,
    [c.code, c.name, c.nameEn, c.timezone, c.center[0], c.center[1], c.isDefault, JSON.stringify(c.settings)],
  );
  return rows[0]!.id;
}

export async function updateCitySettings(q: Queryable, cityId: string, patch: object): Promise<void> {
  await q.query(`UPDATE cities SET settings = settings || $2::jsonb WHERE id = $1`, [cityId, JSON.stringify(patch)]);
}
