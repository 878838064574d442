import type { AreaLevel } from '@cityloop/domain';

/**
 * SQL that other modules' queries embed to show where a row is: any row with the five
 * area columns (district_id … grid_id) of problems and reports. Kept here, with the areas,
 * so every list, page and document writes the path the same way.
 */

/** One step of an area path, as `areaPathSql` builds it. */
export interface AreaPathItem {
  id: string;
  level: AreaLevel;
  code: string;
  name: string;
  nameEn: string;
}

/**
 * The areas of the row `alias` from the 片区 down (as far as known), as a JSON array of
 * AreaPathItem: five primary-key look-ups.
 */
export const areaPathSql = (alias: string) => `COALESCE((SELECT json_agg(json_build_object('id', a.id, 'level', a.level, 'code', a.code, 'name', a.name, 'nameEn', a.name_en)
      ORDER BY array_position(ARRAY['district','county','street','community','grid']::text[], a.level))
     FROM areas a WHERE a.city_id = ${alias}.city_id
      AND a.id IN (${alias}.district_id, ${alias}.county_id, ${alias}.street_id, ${alias}.community_id, ${alias}.grid_id)), '[]'::json)`;
