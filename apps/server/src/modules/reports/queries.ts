import type { Queryable } from '../../db/index.ts';
import { publicCaseNotes, type AreaLevel, type ProblemStatus, type ReportSource } from '@cityloop/domain';

export interface CityIntakeRow {
  code: string;
  settings: { intake?: { ticketPrefix?: string; duplicates?: Record<string, unknown> } };
}

export async function cityIntakeSettings(q: Queryable, cityId: string): Promise<CityIntakeRow | undefined> {
  return (await q.query<CityIntakeRow>(`SELECT code, settings FROM cities WHERE id = $1`, [cityId]))[0];
}

/**
 * Bumps the city's ticket counter for today (in the city's zone). The row lock
 * it takes is held to the end of the report's transaction: reports of one city
 * are written one after another, which also makes the duplicate check race-free.
 */
export async function nextTicketNumber(q: Queryable, cityId: string): Promise<{ day: string; seq: number }> {
  const rows = await q.query<{ day: string; last: number }>(
    `INSERT INTO ticket_counters (city_id, day, last)
     SELECT id, to_char(now() AT TIME ZONE timezone, 'YYYYMMDD'), 1 FROM cities WHERE id = $1
     ON CONFLICT (city_id, day) DO UPDATE SET last = ticket_counters.last + 1
     RETURNING day, last`,
    [cityId],
  );
  return { day: rows[0]!.day, seq: rows[0]!.last };
}

export async function areasAt(q: Queryable, cityId: string, lng: number, lat: number): Promise<{ id: string; code: string; level: AreaLevel }[]> {
  return q.query(
    `SELECT id, code, level FROM areas
      WHERE city_id = $1 AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))
      ORDER BY array_position(ARRAY['district','county','street','community','grid']::text[], level), code`,
    [cityId, lng, lat],
  );
}

/** Finds or makes the person by phone, else e-mail, else device; a name fills a missing one. */
export async function upsertPerson(
  q: Queryable,
  cityId: string,
  p: { name: string | null; phone: string | null; email: string | null; deviceId: string | null },
): Promise<string> {
  const key = p.phone ? 'phone' : p.email ? 'email' : p.deviceId ? 'device_id' : null;
  const params = [cityId, p.name, p.phone, p.email, p.deviceId];
  const insert = `INSERT INTO people (city_id, name, phone, email, device_id) VALUES ($1, $2, $3, $4, $5)`;
  if (!key) return (await q.query<{ id: string }>(`${insert} RETURNING id`, params))[0]!.id;
  const where = key === 'phone' ? 'phone IS NOT NULL' : key === 'email' ? 'phone IS NULL AND email IS NOT NULL' : 'phone IS NULL AND email IS NULL AND device_id IS NOT NULL';
  const rows = await q.query<{ id: string }>(
    `${insert}
     ON CONFLICT (city_id, ${key}) WHERE ${where}
     DO UPDATE SET name = COALESCE(people.name, EXCLUDED.name),
                   email = COALESCE(people.email, EXCLUDED.email),
                   device_id = COALESCE(people.device_id, EXCLUDED.device_id),
                   updated_at = now()
     RETURNING id`,
    params,
  );
  return rows[0]!.id;
}

export interface ReportInsert {
  ticket: string;
  serviceRequestId: string;
  source: ReportSource;
  externalId: string | null;
  text: string;
  /** null: the clue came without a point and needs a location (location_from 'none') */
  lng: number | null;
  lat: number | null;
  locationFrom: 'given' | 'photo' | 'address' | 'none';
  address: string | null;
  areas: Partial<Record<AreaLevel, string>>;
  subcategoryCode: string | null;
  taxonomyVersion: number | null;
  confidence: number | null;
  classifiedBy: 'caller' | 'classifier' | null;
  reporterId: string | null;
  problemId: string;
  occurredAt: Date | null;
  extra: Record<string, unknown>;
  submittedBy: string | null;
  submittedByLabel: string;
  ip: string | null;
}

export async function insertReport(q: Queryable, cityId: string, r: ReportInsert): Promise<{ id: string; created_at: Date }> {
  const rows = await q.query<{ id: string; created_at: Date }>(
    `INSERT INTO reports (city_id, ticket, service_request_id, source, external_id, text, geom, location_from, address,
                          district_id, county_id, street_id, community_id, grid_id, subcategory_code, taxonomy_version,
                          classification_confidence, classified_by, reporter_id, problem_id, occurred_at, extra,
                          submitted_by, submitted_by_label, ip)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END, $9, $10,
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
     RETURNING id, created_at`,
    [
      cityId, r.ticket, r.serviceRequestId, r.source, r.externalId, r.text, r.lng, r.lat, r.locationFrom, r.address,
      r.areas.district ?? null, r.areas.county ?? null, r.areas.street ?? null, r.areas.community ?? null, r.areas.grid ?? null,
      r.subcategoryCode, r.taxonomyVersion, r.confidence, r.classifiedBy, r.reporterId, r.problemId, r.occurredAt,
      JSON.stringify(r.extra), r.submittedBy, r.submittedByLabel, r.ip,
    ],
  );
  return rows[0]!;
}

export async function insertReportMedia(q: Queryable, cityId: string, reportId: string, fileIds: string[]): Promise<void> {
  if (fileIds.length === 0) return;
  await q.query(
    `INSERT INTO report_media (city_id, report_id, file_id, position)
     SELECT $1, $2, f.id, f.ord::int FROM unnest($3::uuid[]) WITH ORDINALITY AS f(id, ord)`,
    [cityId, reportId, fileIds],
  );
}

/** Everything a receipt or a public view of one report needs; never the reporter. */
export interface ReportRow {
  id: string;
  ticket: string;
  service_request_id: string;
  source: ReportSource;
  external_id: string | null;
  text: string;
  /** null while the report needs a location */
  lng: number | null;
  lat: number | null;
  location_from: 'given' | 'photo' | 'address' | 'office' | 'none';
  address: string | null;
  district_code: string | null;
  grid_code: string | null;
  /** names of its areas from the 片区 down, as far as known */
  area_names: string[];
  subcategory_code: string | null;
  taxonomy_version: number | null;
  classification_confidence: number | null;
  problem_id: string;
  problem_status: ProblemStatus;
  proposed_unit_id: string | null;
  /** the problem this report's problem was merged into, if any (one step) */
  merged_into_id: string | null;
  media_ids: string[];
  created_at: Date;
  updated_at: Date;
}

const reportSelect = `
  SELECT r.id, r.ticket, r.service_request_id, r.source, r.external_id, r.text,
         ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat, r.location_from, r.address,
         d.code AS district_code, g.code AS grid_code,
         ARRAY(SELECT a.name FROM areas a
                WHERE a.city_id = r.city_id AND a.id IN (r.district_id, r.county_id, r.street_id, r.community_id, r.grid_id)
                ORDER BY array_position(ARRAY['district','county','street','community','grid']::text[], a.level)) AS area_names,
         r.subcategory_code, r.taxonomy_version, r.classification_confidence,
         r.problem_id, p.status AS problem_status, p.proposed_unit_id, p.merged_into_id,
         COALESCE((SELECT array_agg(m.file_id ORDER BY m.position) FROM report_media m
                    WHERE m.city_id = r.city_id AND m.report_id = r.id), '{}'::uuid[]) AS media_ids,
         r.created_at, GREATEST(r.created_at, p.updated_at) AS updated_at
    FROM reports r
    JOIN problems p ON p.city_id = r.city_id AND p.id = r.problem_id
    LEFT JOIN areas d ON d.city_id = r.city_id AND d.id = r.district_id
    LEFT JOIN areas g ON g.city_id = r.city_id AND g.id = r.grid_id`;

export async function reportBy(
  q: Queryable,
  cityId: string,
  by: { id?: string; ticket?: string; serviceRequestId?: string; source?: string; externalId?: string },
): Promise<ReportRow | undefined> {
  const rows = await q.query<ReportRow>(
    `${reportSelect}
      WHERE r.city_id = $1
        AND ($2::uuid IS NULL OR r.id = $2)
        AND ($3::text IS NULL OR r.ticket = $3)
        AND ($4::text IS NULL OR r.service_request_id = $4)
        AND ($5::text IS NULL OR (r.source = $5 AND r.external_id = $6))`,
    [cityId, by.id ?? null, by.ticket ?? null, by.serviceRequestId ?? null, by.source ?? null, by.externalId ?? null],
  );
  return rows[0];
}

export interface ReportFilter {
  serviceRequestIds?: string[] | undefined;
  subcategoryCodes?: string[] | undefined;
  statuses?: ProblemStatus[] | undefined;
  sources?: ReportSource[] | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  limit: number;
  offset?: number | undefined;
}

export async function listReportRows(q: Queryable, cityId: string, f: ReportFilter): Promise<ReportRow[]> {
  return q.query<ReportRow>(
    `${reportSelect}
      WHERE r.city_id = $1
        AND ($2::text[] IS NULL OR r.service_request_id = ANY($2))
        AND ($3::text[] IS NULL OR r.subcategory_code = ANY($3))
        AND ($4::text[] IS NULL OR p.status = ANY($4))
        AND ($5::text[] IS NULL OR r.source = ANY($5))
        AND ($6::timestamptz IS NULL OR r.created_at >= $6)
        AND ($7::timestamptz IS NULL OR r.created_at < $7)
      ORDER BY r.created_at DESC, r.id
      LIMIT $8 OFFSET $9`,
    [
      cityId, f.serviceRequestIds ?? null, f.subcategoryCodes ?? null, f.statuses ?? null, f.sources ?? null,
      f.start ?? null, f.end ?? null, f.limit, f.offset ?? 0,
    ],
  );
}

/** Status of a problem after following merges, with the chain walked (at most a few steps). */
export async function finalProblem(q: Queryable, cityId: string, problemId: string): Promise<{ chain: string[]; status: ProblemStatus }> {
  const rows = await q.query<{ id: string; status: ProblemStatus; depth: number }>(
    `WITH RECURSIVE chain AS (
       SELECT id, status, merged_into_id, 0 AS depth FROM problems WHERE city_id = $1 AND id = $2
       UNION ALL
       SELECT p.id, p.status, p.merged_into_id, c.depth + 1
         FROM problems p JOIN chain c ON p.city_id = $1 AND p.id = c.merged_into_id
        WHERE c.depth < 20)
     SELECT id, status, depth FROM chain ORDER BY depth`,
    [cityId, problemId],
  );
  return { chain: rows.map((r) => r.id), status: rows.at(-1)!.status };
}

export interface TrackEventRow {
  at: Date;
  action: string;
  status: string | null;
  note: string | null;
  details: Record<string, unknown>;
}

/** What happened to these problems since `since`, oldest first: the public part of their history. */
export async function trackEvents(q: Queryable, cityId: string, problemIds: string[], since: Date): Promise<TrackEventRow[]> {
  return q.query<TrackEventRow>(
    `SELECT at, action, status, note, details FROM problem_events
      WHERE city_id = $1 AND problem_id = ANY($2::uuid[]) AND at >= $3
        AND action = ANY($4::text[])
      ORDER BY at, id`,
    [cityId, problemIds, since, ['status_changed', 'merged_into', 'merged_from', 'split_from', 'category_overridden', ...Object.keys(publicCaseNotes)]],
  );
}
