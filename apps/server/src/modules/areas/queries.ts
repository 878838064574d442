import type { Queryable } from '../../db/index.ts';
import type { AreaLevel } from '@cityloop/domain';

export interface AreaRow {
  id: string;
  level: AreaLevel;
  code: string;
  name: string;
  name_en: string;
  parent_id: string | null;
  generated: boolean;
}
export interface AreaGeoRow extends AreaRow {
  geometry: string;
}

const levelOrder = `array_position(ARRAY['district','county','street','community','grid']::text[], level)`;
const summaryCols = `id, level, code, name, name_en, parent_id, generated`;

export async function listAreas(
  q: Queryable,
  cityId: string,
  f: { level?: AreaLevel | undefined; parentId?: string | undefined; bbox?: number[] | undefined; q?: string | undefined; limit: number },
): Promise<AreaGeoRow[]> {
  return q.query<AreaGeoRow>(
    `SELECT ${summaryCols}, ST_AsGeoJSON(geom, 6) AS geometry
       FROM areas
      WHERE city_id = $1
        AND ($2::text IS NULL OR level = $2)
        AND ($3::uuid IS NULL OR parent_id = $3)
        AND ($4::float8 IS NULL OR geom && ST_MakeEnvelope($4, $5, $6, $7, 4326))
        AND ($8::text IS NULL OR name LIKE '%' || $8 || '%' OR code LIKE '%' || $8 || '%')
      ORDER BY ${levelOrder}, code
      LIMIT $9`,
    [cityId, f.level ?? null, f.parentId ?? null, f.bbox?.[0] ?? null, f.bbox?.[1] ?? null, f.bbox?.[2] ?? null, f.bbox?.[3] ?? null, f.q ?? null, f.limit],
  );
}

export async function areaById(q: Queryable, cityId: string, id: string): Promise<AreaGeoRow | undefined> {
  const rows = await q.query<AreaGeoRow>(
    `SELECT ${summaryCols}, ST_AsGeoJSON(geom, 6) AS geometry FROM areas WHERE city_id = $1 AND id = $2`,
    [cityId, id],
  );
  return rows[0];
}

/** Every area containing the point, coarsest first; the GiST index on geom does the work. */
export async function areasContaining(q: Queryable, cityId: string, lng: number, lat: number): Promise<AreaRow[]> {
  return q.query<AreaRow>(
    `SELECT ${summaryCols} FROM areas
      WHERE city_id = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
      ORDER BY ${levelOrder}`,
    [cityId, lng, lat],
  );
}

export async function areasByCodes(q: Queryable, cityId: string, codes: string[]): Promise<{ id: string; code: string; level: AreaLevel }[]> {
  if (codes.length === 0) return [];
  return q.query(`SELECT id, code, level FROM areas WHERE city_id = $1 AND code = ANY($2::text[])`, [cityId, codes]);
}

/** PostGIS's verdict on each geometry: the invalid ones with the reason. */
export async function invalidGeometries(q: Queryable, geometries: unknown[]): Promise<{ idx: number; reason: string }[]> {
  return q.query(
    `SELECT (f.ord - 1)::int AS idx, ST_IsValidReason(x.g) AS reason
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS f(j, ord)
       CROSS JOIN LATERAL (SELECT ST_GeomFromGeoJSON(f.j::text) AS g) x
      WHERE NOT ST_IsValid(x.g)`,
    [JSON.stringify(geometries)],
  );
}

export interface AreaImportRow {
  level: AreaLevel;
  code: string;
  name: string;
  name_en: string;
  parent_code: string | null;
  generated: boolean;
  geometry: unknown;
}

/** Inserts or updates (by code) one batch; parents must already be in the table. */
export async function upsertAreas(q: Queryable, cityId: string, rows: AreaImportRow[]): Promise<{ inserted: number; updated: number }> {
  const result = await q.query<{ inserted: boolean }>(
    `INSERT INTO areas (city_id, level, code, name, name_en, parent_id, generated, geom)
     SELECT $1, x.level, x.code, x.name, x.name_en, p.id, x.generated,
            ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(x.geometry::text), 4326)))
       FROM jsonb_to_recordset($2::jsonb)
            AS x(level text, code text, name text, name_en text, parent_code text, generated boolean, geometry jsonb)
       LEFT JOIN areas p ON p.city_id = $1 AND p.code = x.parent_code
     ON CONFLICT (city_id, code) DO UPDATE
        SET level = EXCLUDED.level, name = EXCLUDED.name, name_en = EXCLUDED.name_en, parent_id = EXCLUDED.parent_id,
            generated = EXCLUDED.generated, geom = EXCLUDED.geom, updated_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [cityId, JSON.stringify(rows)],
  );
  const inserted = result.filter((r) => r.inserted).length;
  return { inserted, updated: result.length - inserted };
}

export async function updateArea(
  q: Queryable,
  cityId: string,
  id: string,
  patch: { code?: string | undefined; name?: string | undefined; nameEn?: string | undefined },
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE areas SET code = COALESCE($3, code), name = COALESCE($4, name), name_en = COALESCE($5, name_en), updated_at = now()
      WHERE city_id = $1 AND id = $2 RETURNING id`,
    [cityId, id, patch.code ?? null, patch.name ?? null, patch.nameEn ?? null],
  );
  return rows.length > 0;
}

export async function countAreasByLevel(q: Queryable, cityId: string): Promise<Record<string, number>> {
  const rows = await q.query<{ level: string; n: number }>(
    `SELECT level, count(*)::int AS n FROM areas WHERE city_id = $1 GROUP BY level`,
    [cityId],
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n]));
}

export interface GazetteerRow extends AreaRow {
  /** a point inside the area (ST_PointOnSurface), for placing a clue the address names */
  lng: number;
  lat: number;
}

const gazetteerCols = `${summaryCols}, ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat`;

/**
 * The areas whose name, or its core (`area_name_core`), is one of `keys`, and all their
 * parents (for the paths and for judging which of them the text means). Both lookups are
 * index scans (migration 017); the parents are at most four steps up.
 */
export async function areasNamedBy(q: Queryable, cityId: string, keys: string[]): Promise<GazetteerRow[]> {
  if (keys.length === 0) return [];
  return q.query<GazetteerRow>(
    `WITH RECURSIVE hit AS (
       SELECT id, parent_id, 0 AS depth FROM areas
        WHERE city_id = $1 AND (name = ANY($2::text[]) OR area_name_core(name) = ANY($2::text[]))
       UNION
       SELECT a.id, a.parent_id, h.depth + 1 FROM areas a JOIN hit h ON a.city_id = $1 AND a.id = h.parent_id
        WHERE h.depth < 5)
     SELECT ${gazetteerCols} FROM areas
      WHERE city_id = $1 AND id IN (SELECT id FROM hit)
      ORDER BY ${levelOrder}, code
      LIMIT 2000`,
    [cityId, keys],
  );
}

/** Areas by id with their points (to finish the paths of name-search hits). */
export async function areasWithPoints(q: Queryable, cityId: string, ids: string[]): Promise<GazetteerRow[]> {
  if (ids.length === 0) return [];
  return q.query<GazetteerRow>(`SELECT ${gazetteerCols} FROM areas WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]);
}

/**
 * Areas whose name contains `text` (what a person types into the picker, `康丰`, `淮河`),
 * with their parents; grid cells only when asked for by a name that is not just digits.
 * Shorter names (closer to what was typed) and coarser levels first.
 */
export async function areasNameContains(q: Queryable, cityId: string, text: string, limit: number): Promise<GazetteerRow[]> {
  return q.query<GazetteerRow>(
    `WITH RECURSIVE hit AS (
       SELECT id, parent_id, 0 AS depth FROM (
         SELECT id, parent_id FROM areas
          WHERE city_id = $1 AND strpos(name, $2) > 0 AND level <> 'grid'
          ORDER BY length(name), ${levelOrder}, code
          LIMIT $3) h0
       UNION
       SELECT a.id, a.parent_id, h.depth + 1 FROM areas a JOIN hit h ON a.city_id = $1 AND a.id = h.parent_id
        WHERE h.depth < 5)
     SELECT ${gazetteerCols} FROM areas WHERE city_id = $1 AND id IN (SELECT id FROM hit)`,
    [cityId, text, limit],
  );
}
