import type { Queryable } from '../../db/index.ts';
import type { AreaLevel, ProblemEventAction, ProblemStatus, ReportSource } from '@cityloop/domain';
import { areaPathSql, type AreaPathItem } from '../areas/sql.ts';

export interface CandidateRow {
  problem_id: string;
  status: ProblemStatus;
  distance: number;
  subcategory_code: string | null;
  category_code: string | null;
  texts: string[];
}

/**
 * Open problems within `radius` metres, nearest first, with a few of their
 * reports' texts. ST_DWithin on geography uses the GiST index on geom::geography.
 */
export async function duplicateCandidates(q: Queryable, cityId: string, lng: number, lat: number, radius: number, exceptId: string | null = null): Promise<CandidateRow[]> {
  return q.query<CandidateRow>(
    `SELECT p.id AS problem_id, p.status, ST_Distance(p.geom::geography, pt.g) AS distance,
            p.subcategory_code, p.category_code,
            ARRAY(SELECT r.text FROM reports r WHERE r.city_id = p.city_id AND r.problem_id = p.id
                   ORDER BY r.created_at DESC LIMIT 5) AS texts
       FROM problems p, (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography AS g) pt
      WHERE p.city_id = $1
        AND p.status IN ('pending_judgment', 'assigned', 'in_progress', 'pending_verification', 'returned')
        AND ST_DWithin(p.geom::geography, pt.g, $4)
        AND ($5::uuid IS NULL OR p.id <> $5)
      ORDER BY distance
      LIMIT 20`,
    [cityId, lng, lat, radius, exceptId],
  );
}

export interface RoutingUnitRow {
  id: string;
  code: string;
  duties: string[];
  district_id: string | null;
  active: boolean;
}

export async function unitsWithDuty(q: Queryable, cityId: string, duty: string): Promise<RoutingUnitRow[]> {
  return q.query<RoutingUnitRow>(
    `SELECT id, code, duties, district_id, active FROM units WHERE city_id = $1 AND duties @> ARRAY[$2]::text[]`,
    [cityId, duty],
  );
}

export interface ProblemInsert {
  title: string;
  /** null: no point yet, the problem needs a location (需定位) */
  lng: number | null;
  lat: number | null;
  /** where the point came from: its first report, the area its address names, the office */
  locationFrom: 'report' | 'address' | 'office' | 'none';
  address: string | null;
  areas: Partial<Record<'district' | 'county' | 'street' | 'community' | 'grid', string>>;
  subcategoryCode: string | null;
  categoryCode: string | null;
  taxonomyVersion: number | null;
  proposedUnitId: string | null;
}

export async function insertProblem(q: Queryable, cityId: string, p: ProblemInsert, reportCount = 1): Promise<{ id: string; status: ProblemStatus }> {
  const rows = await q.query<{ id: string; status: ProblemStatus }>(
    `INSERT INTO problems (city_id, title, geom, address, district_id, county_id, street_id, community_id, grid_id,
                           subcategory_code, category_code, taxonomy_version, proposed_unit_id, report_count,
                           first_reported_at, last_reported_at, location_from)
     VALUES ($1, $2, CASE WHEN $3::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($3, $4), 4326) END,
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now(), now(), $16)
     RETURNING id, status`,
    [
      cityId, p.title, p.lng, p.lat, p.address, p.areas.district ?? null, p.areas.county ?? null, p.areas.street ?? null,
      p.areas.community ?? null, p.areas.grid ?? null, p.subcategoryCode, p.categoryCode, p.taxonomyVersion, p.proposedUnitId, reportCount,
      p.locationFrom,
    ],
  );
  return rows[0]!;
}

/** A report joined the problem: count it, and let it fill a category the problem lacked. */
export async function addReportToProblem(
  q: Queryable,
  cityId: string,
  problemId: string,
  fill: { subcategoryCode: string | null; categoryCode: string | null; taxonomyVersion: number | null },
): Promise<{ status: ProblemStatus; proposed_unit_id: string | null; subcategory_code: string | null }> {
  const rows = await q.query<{ status: ProblemStatus; proposed_unit_id: string | null; subcategory_code: string | null }>(
    `UPDATE problems
        SET report_count = report_count + 1, last_reported_at = now(), updated_at = now(),
            subcategory_code = COALESCE(subcategory_code, $3),
            category_code = CASE WHEN subcategory_code IS NULL THEN COALESCE($4, category_code) ELSE category_code END,
            taxonomy_version = COALESCE(taxonomy_version, $5)
      WHERE city_id = $1 AND id = $2
      RETURNING status, proposed_unit_id, subcategory_code`,
    [cityId, problemId, fill.subcategoryCode, fill.categoryCode, fill.taxonomyVersion],
  );
  return rows[0]!;
}

export async function setProposedUnit(q: Queryable, cityId: string, problemId: string, unitId: string | null): Promise<void> {
  await q.query(`UPDATE problems SET proposed_unit_id = $3, updated_at = now() WHERE city_id = $1 AND id = $2`, [cityId, problemId, unitId]);
}

export async function insertProblemEvent(
  q: Queryable,
  cityId: string,
  e: {
    problemId: string;
    action: ProblemEventAction;
    actorId: string | null;
    actorLabel: string;
    reportId?: string | null;
    otherProblemId?: string | null;
    status?: ProblemStatus | null;
    note?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO problem_events (city_id, problem_id, action, actor_id, actor_label, report_id, other_problem_id, status, note, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [cityId, e.problemId, e.action, e.actorId, e.actorLabel, e.reportId ?? null, e.otherProblemId ?? null, e.status ?? null, e.note ?? null, JSON.stringify(e.details ?? {})],
  );
}

// ---------------------------------------------------------------- office reads

export interface ProblemRow {
  id: string;
  status: ProblemStatus;
  merged_into_id: string | null;
  title: string;
  /** null while the problem needs a location */
  lng: number | null;
  lat: number | null;
  location_from: 'report' | 'address' | 'office' | 'none';
  address: string | null;
  district_id: string | null;
  district_code: string | null;
  district_name: string | null;
  grid_code: string | null;
  /** its areas from the 片区 down, as far as known */
  area_path: AreaPathItem[];
  subcategory_code: string | null;
  category_code: string | null;
  taxonomy_version: number | null;
  proposed_unit_id: string | null;
  proposed_unit_name: string | null;
  report_count: number;
  sources: ReportSource[];
  risk_level: 'red' | 'yellow' | 'green' | null;
  deadline: Date | null;
  first_reported_at: Date;
  last_reported_at: Date;
  updated_at: Date;
}

const problemSelect = `
  SELECT p.id, p.status, p.merged_into_id, p.title, ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat, p.location_from, p.address,
         ${areaPathSql('p')} AS area_path,
         p.district_id, d.code AS district_code, d.name AS district_name, g.code AS grid_code,
         p.subcategory_code, p.category_code, p.taxonomy_version, p.proposed_unit_id, u.name AS proposed_unit_name,
         p.report_count, p.risk_level, p.deadline,
         ARRAY(SELECT DISTINCT r.source FROM reports r WHERE r.city_id = p.city_id AND r.problem_id = p.id) AS sources,
         p.first_reported_at, p.last_reported_at, p.updated_at
    FROM problems p
    LEFT JOIN areas d ON d.city_id = p.city_id AND d.id = p.district_id
    LEFT JOIN areas g ON g.city_id = p.city_id AND g.id = p.grid_id
    LEFT JOIN units u ON u.city_id = p.city_id AND u.id = p.proposed_unit_id`;

export interface ProblemFilter {
  statuses?: string[] | undefined;
  subcategory?: string | undefined;
  districtId?: string | undefined;
  source?: string | undefined;
  bbox?: number[] | undefined;
  q?: string | undefined;
  /** true: only problems needing a location (需定位); false: only located ones (the map) */
  needsLocation?: boolean | undefined;
  limit: number;
  offset: number;
}

const filterWhere = `
      WHERE p.city_id = $1
        AND ($2::text[] IS NULL OR p.status = ANY($2))
        AND ($3::text IS NULL OR p.subcategory_code = $3 OR p.category_code = $3)
        AND ($4::uuid IS NULL OR p.district_id = $4)
        AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM reports rs WHERE rs.city_id = p.city_id AND rs.problem_id = p.id AND rs.source = $5))
        AND ($6::float8 IS NULL OR p.geom && ST_MakeEnvelope($6, $7, $8, $9, 4326))
        AND ($10::text IS NULL OR strpos(p.title, $10) > 0 OR p.address LIKE '%' || $10 || '%'
             OR EXISTS (SELECT 1 FROM reports rq WHERE rq.city_id = p.city_id AND rq.problem_id = p.id AND (strpos(rq.text, $10) > 0 OR rq.ticket = upper($10))))
        AND ($11::boolean IS NULL OR (p.geom IS NULL) = $11)`;

function filterParams(cityId: string, f: ProblemFilter): unknown[] {
  return [cityId, f.statuses ?? null, f.subcategory ?? null, f.districtId ?? null, f.source ?? null, f.bbox?.[0] ?? null, f.bbox?.[1] ?? null, f.bbox?.[2] ?? null, f.bbox?.[3] ?? null, f.q ?? null, f.needsLocation ?? null];
}

export async function listProblems(q: Queryable, cityId: string, f: ProblemFilter): Promise<{ rows: ProblemRow[]; total: number }> {
  const params = filterParams(cityId, f);
  const rows = await q.query<ProblemRow>(`${problemSelect} ${filterWhere} ORDER BY p.last_reported_at DESC, p.id LIMIT $12 OFFSET $13`, [...params, f.limit, f.offset]);
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM problems p ${filterWhere}`, params))[0]!.n;
  return { rows, total };
}

export async function problemById(q: Queryable, cityId: string, id: string, forUpdate = false): Promise<ProblemRow | undefined> {
  if (forUpdate) await q.query(`SELECT id FROM problems WHERE city_id = $1 AND id = $2 FOR UPDATE`, [cityId, id]);
  return (await q.query<ProblemRow>(`${problemSelect} WHERE p.city_id = $1 AND p.id = $2`, [cityId, id]))[0];
}

export interface ProblemReportRow {
  id: string;
  ticket: string;
  service_request_id: string;
  source: ReportSource;
  external_id: string | null;
  text: string;
  lng: number | null;
  lat: number | null;
  location_from: 'given' | 'photo' | 'address' | 'office' | 'none';
  address: string | null;
  subcategory_code: string | null;
  classification_confidence: number | null;
  created_at: Date;
  reporter_id: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_email: string | null;
  media_ids: string[];
}

export async function reportsOfProblem(q: Queryable, cityId: string, problemId: string): Promise<ProblemReportRow[]> {
  return q.query<ProblemReportRow>(
    `SELECT r.id, r.ticket, r.service_request_id, r.source, r.external_id, r.text, ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat,
            r.location_from, r.address, r.subcategory_code, r.classification_confidence, r.created_at,
            r.reporter_id, pe.name AS reporter_name, pe.phone AS reporter_phone, pe.email AS reporter_email,
            COALESCE((SELECT array_agg(m.file_id ORDER BY m.position) FROM report_media m
                       WHERE m.city_id = r.city_id AND m.report_id = r.id), '{}'::uuid[]) AS media_ids
       FROM reports r
       LEFT JOIN people pe ON pe.city_id = r.city_id AND pe.id = r.reporter_id
      WHERE r.city_id = $1 AND r.problem_id = $2
      ORDER BY r.created_at, r.id`,
    [cityId, problemId],
  );
}

export interface ProblemEventRow {
  at: Date;
  action: ProblemEventAction;
  actor_label: string;
  report_id: string | null;
  other_problem_id: string | null;
  status: ProblemStatus | null;
  note: string | null;
  details: Record<string, unknown>;
}

export async function eventsOfProblem(q: Queryable, cityId: string, problemId: string): Promise<ProblemEventRow[]> {
  return q.query<ProblemEventRow>(
    `SELECT at, action, actor_label, report_id, other_problem_id, status, note, details
       FROM problem_events WHERE city_id = $1 AND problem_id = $2 ORDER BY at, id`,
    [cityId, problemId],
  );
}

// ---------------------------------------------------------------- office writes

export async function setCategory(
  q: Queryable,
  cityId: string,
  id: string,
  c: { subcategoryCode: string; categoryCode: string; taxonomyVersion: number; proposedUnitId: string | null },
): Promise<void> {
  await q.query(
    `UPDATE problems SET subcategory_code = $3, category_code = $4, taxonomy_version = $5, proposed_unit_id = $6, updated_at = now()
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, c.subcategoryCode, c.categoryCode, c.taxonomyVersion, c.proposedUnitId],
  );
}

/** Moves reports to another problem and recounts both; returns how many moved. */
export async function moveReports(q: Queryable, cityId: string, fromId: string, toId: string, reportIds: string[] | null): Promise<number> {
  const moved = await q.query(
    `UPDATE reports SET problem_id = $3 WHERE city_id = $1 AND problem_id = $2 AND ($4::uuid[] IS NULL OR id = ANY($4)) RETURNING id`,
    [cityId, fromId, toId, reportIds],
  );
  await recount(q, cityId, [fromId, toId]);
  return moved.length;
}

export async function recount(q: Queryable, cityId: string, ids: string[]): Promise<void> {
  await q.query(
    `UPDATE problems p
        SET report_count = s.n, updated_at = now(),
            first_reported_at = COALESCE(s.first, p.first_reported_at), last_reported_at = COALESCE(s.last, p.last_reported_at)
       FROM (SELECT x.id, count(r.id)::int AS n, min(r.created_at) AS first, max(r.created_at) AS last
               FROM unnest($2::uuid[]) AS x(id)
               LEFT JOIN reports r ON r.city_id = $1 AND r.problem_id = x.id
              GROUP BY x.id) s
      WHERE p.city_id = $1 AND p.id = s.id`,
    [cityId, ids],
  );
}

export async function markMerged(q: Queryable, cityId: string, id: string, intoId: string): Promise<void> {
  await q.query(`UPDATE problems SET status = 'merged', merged_into_id = $3, updated_at = now() WHERE city_id = $1 AND id = $2`, [cityId, id, intoId]);
}

export async function reportIdsOfProblem(q: Queryable, cityId: string, problemId: string): Promise<string[]> {
  return (await q.query<{ id: string }>(`SELECT id FROM reports WHERE city_id = $1 AND problem_id = $2`, [cityId, problemId])).map((r) => r.id);
}

/** The first (oldest) of the given reports: the new problem of a split is placed and titled from it. */
export async function firstReportOf(q: Queryable, cityId: string, ids: string[]) {
  return (
    await q.query<{ id: string; text: string; lng: number | null; lat: number | null; location_from: string; address: string | null; district_id: string | null; county_id: string | null; street_id: string | null; community_id: string | null; grid_id: string | null; subcategory_code: string | null; taxonomy_version: number | null }>(
      `SELECT id, text, ST_X(geom) AS lng, ST_Y(geom) AS lat, location_from, address, district_id, county_id, street_id, community_id, grid_id, subcategory_code, taxonomy_version
         FROM reports WHERE city_id = $1 AND id = ANY($2::uuid[]) ORDER BY created_at, id LIMIT 1`,
      [cityId, ids],
    )
  )[0];
}

/** The office set the point: the problem is placed there with these areas and re-routed. */
export async function setProblemLocation(
  q: Queryable,
  cityId: string,
  id: string,
  p: { lng: number; lat: number; areas: Partial<Record<AreaLevel, string>>; proposedUnitId: string | null },
): Promise<void> {
  await q.query(
    `UPDATE problems
        SET geom = ST_SetSRID(ST_MakePoint($3, $4), 4326), location_from = 'office',
            district_id = $5, county_id = $6, street_id = $7, community_id = $8, grid_id = $9,
            proposed_unit_id = $10, updated_at = now()
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, p.lng, p.lat, p.areas.district ?? null, p.areas.county ?? null, p.areas.street ?? null, p.areas.community ?? null, p.areas.grid ?? null, p.proposedUnitId],
  );
}

/**
 * The problem's reports that had no point, or only the one their address gave, take the
 * office's point; reports with their own (given, photo) keep it. Returns their ids.
 */
export async function locateReportsOfProblem(
  q: Queryable,
  cityId: string,
  problemId: string,
  p: { lng: number; lat: number; areas: Partial<Record<AreaLevel, string>> },
): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `UPDATE reports
        SET geom = ST_SetSRID(ST_MakePoint($3, $4), 4326), location_from = 'office',
            district_id = $5, county_id = $6, street_id = $7, community_id = $8, grid_id = $9
      WHERE city_id = $1 AND problem_id = $2 AND location_from IN ('none', 'address')
      RETURNING id`,
    [cityId, problemId, p.lng, p.lat, p.areas.district ?? null, p.areas.county ?? null, p.areas.street ?? null, p.areas.community ?? null, p.areas.grid ?? null],
  );
  return rows.map((r) => r.id);
}

/** The city's duplicate-check settings (the intake's policy), if it set any. */
export async function cityDuplicateSettings(q: Queryable, cityId: string): Promise<Record<string, unknown> | null> {
  const rows = await q.query<{ d: Record<string, unknown> | null }>(`SELECT settings->'intake'->'duplicates' AS d FROM cities WHERE id = $1`, [cityId]);
  return rows[0]?.d ?? null;
}
