import type { Queryable } from '../../db/index.ts';

/**
 * The public projection of reports that Open311 reads. It only ever reads the
 * intake tables (reports, problems, report_media) and never writes them: writes
 * go through the intake service. No personal column (reporter, ip, submitter)
 * is selected here, so none can reach an Open311 answer.
 */
export interface RequestRow {
  service_request_id: string;
  source: string;
  subcategory_code: string | null;
  text: string;
  address: string | null;
  /** null while the request needs a location (需定位) */
  lng: number | null;
  lat: number | null;
  requested_at: Date | string;
  /** the status of the problem the report belongs to, followed through one merge */
  problem_status: string;
  problem_updated_at: Date | string;
  unit_name: string | null;
  /** the rectification deadline once the case is assigned */
  deadline: Date | string | null;
  media_file_id: string | null;
  /** a media_url the Open311 client gave instead of a file */
  given_media_url: string | null;
}

const select = `
  SELECT r.service_request_id, r.source, r.subcategory_code, r.text, r.address,
         ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat, r.created_at AS requested_at,
         CASE WHEN p.status = 'merged' AND m.id IS NOT NULL THEN m.status ELSE p.status END AS problem_status,
         GREATEST(p.updated_at, COALESCE(m.updated_at, p.updated_at)) AS problem_updated_at,
         u.name AS unit_name, COALESCE(m.deadline, p.deadline) AS deadline, r.extra->>'media_url' AS given_media_url,
         (SELECT rm.file_id FROM report_media rm WHERE rm.city_id = r.city_id AND rm.report_id = r.id ORDER BY rm.position LIMIT 1) AS media_file_id
    FROM reports r
    JOIN problems p ON p.city_id = r.city_id AND p.id = r.problem_id
    LEFT JOIN problems m ON m.city_id = p.city_id AND m.id = p.merged_into_id
    LEFT JOIN units u ON u.city_id = r.city_id
      AND u.id = COALESCE(m.responsible_unit_id, m.proposed_unit_id, p.responsible_unit_id, p.proposed_unit_id)`;

export interface RequestFilter {
  ids?: string[];
  serviceCodes?: string[];
  statuses?: string[];
  start?: Date;
  end?: Date;
  sources: readonly string[];
  limit: number;
}

export async function listRequests(q: Queryable, cityId: string, f: RequestFilter): Promise<RequestRow[]> {
  const where = ['r.city_id = $1', 'r.source = ANY($2::text[])'];
  const params: unknown[] = [cityId, [...f.sources]];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.ids) add('r.service_request_id = ANY(?::text[])', f.ids);
  if (f.serviceCodes) add('r.subcategory_code = ANY(?::text[])', f.serviceCodes);
  if (f.statuses) add(`(CASE WHEN p.status = 'merged' AND m.id IS NOT NULL THEN m.status ELSE p.status END) = ANY(?::text[])`, f.statuses);
  if (f.start) add('r.created_at >= ?', f.start);
  if (f.end) add('r.created_at <= ?', f.end);
  params.push(f.limit);
  return q.query<RequestRow>(`${select} WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.service_request_id LIMIT $${params.length}`, params);
}

export async function requestById(q: Queryable, cityId: string, id: string): Promise<RequestRow | undefined> {
  return (await q.query<RequestRow>(`${select} WHERE r.city_id = $1 AND r.service_request_id = $2`, [cityId, id]))[0];
}

export async function insertToken(q: Queryable, cityId: string, token: string, serviceRequestId: string): Promise<void> {
  await q.query(`INSERT INTO open311_tokens (city_id, token, service_request_id) VALUES ($1, $2, $3)`, [cityId, token, serviceRequestId]);
}

export async function tokenRow(q: Queryable, cityId: string, token: string): Promise<{ token: string; service_request_id: string } | undefined> {
  return (await q.query<{ token: string; service_request_id: string }>(`SELECT token, service_request_id FROM open311_tokens WHERE city_id = $1 AND token = $2`, [cityId, token]))[0];
}

export async function tokenOfRequest(q: Queryable, cityId: string, serviceRequestId: string): Promise<string | undefined> {
  return (await q.query<{ token: string }>(`SELECT token FROM open311_tokens WHERE city_id = $1 AND service_request_id = $2 ORDER BY created_at LIMIT 1`, [cityId, serviceRequestId]))[0]?.token;
}

/**
 * A city as an Open311 jurisdiction. Its settings may say `open311.requireApiKey`
 * (default true: the spec requires a key to post) and `open311.async` (answer a
 * POST with a token instead of the id, for clients built around tokens).
 */
export interface JurisdictionRow {
  id: string;
  code: string;
  require_key: boolean;
  async: boolean;
}
const jurisdictionCols = `id, code, COALESCE((settings->'open311'->>'requireApiKey')::boolean, true) AS require_key,
  COALESCE((settings->'open311'->>'async')::boolean, false) AS async`;

export async function cityByCode(q: Queryable, code: string): Promise<JurisdictionRow | undefined> {
  return (
    await q.query<JurisdictionRow>(
      `SELECT ${jurisdictionCols} FROM cities WHERE code = $1`,
      [code],
    )
  )[0];
}

export async function cityById(q: Queryable, id: string): Promise<JurisdictionRow | undefined> {
  return (
    await q.query<JurisdictionRow>(
      `SELECT ${jurisdictionCols} FROM cities WHERE id = $1`,
      [id],
    )
  )[0];
}

/**
 * An Open311 `api_key` sent as a form field (the auth hook only sees headers).
 * Compared by its SHA-256, as http/auth.ts does; the key itself is never stored.
 */
export async function useApiKey(q: Queryable, keyHash: string): Promise<{ city_id: string; id: string; name: string; scopes: string[] } | undefined> {
  return (
    await q.query<{ city_id: string; id: string; name: string; scopes: string[] }>(
      `UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING city_id, id, name, scopes`,
      [keyHash],
    )
  )[0];
}
