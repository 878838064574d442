import type { Queryable } from '../../db/index.ts';
import type { NoticeDeadlineSpec } from '../../documents/notice.ts';

/** A case scope as `caseScopeSql` gives it: a condition on `p` and its parameters. */
export interface Scope {
  sql: string;
  params: unknown[];
}

export interface ListFilter {
  unitId?: string | undefined;
  statuses?: string[] | undefined;
  overdue?: boolean | undefined;
  /** the states in which a case can no longer be late (closed category) */
  closedStates: string[];
  now: Date;
  risk?: string | undefined;
  districtId?: string | undefined;
  q?: string | undefined;
}

export interface CaseListRow {
  id: string;
  notice_no: string;
  title: string;
  address: string | null;
  district_name: string | null;
  subcategory_code: string | null;
  category_code: string | null;
  taxonomy_version: number | null;
  risk_level: 'red' | 'yellow' | 'green' | null;
  status: string;
  deadline: Date;
  deadline_spec: NoticeDeadlineSpec;
  requirement: string | null;
  assigned_at: Date | null;
  first_reported_at: Date;
  lead_leader_id: string | null;
  lead_leader_name: string | null;
  responsible_unit_id: string;
  responsible_unit_name: string;
  cooperating_units: { id: string; name: string }[];
}

const caseColumns = `
  p.id, p.notice_no, p.title, p.address, d.name AS district_name, p.subcategory_code, p.category_code, p.taxonomy_version,
  p.risk_level, p.status, p.deadline, p.deadline_spec, p.requirement, p.assigned_at, p.first_reported_at,
  p.lead_leader_id, ll.display_name AS lead_leader_name, p.responsible_unit_id, ru.name AS responsible_unit_name,
  COALESCE((SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY array_position(p.cooperating_unit_ids, u.id))
              FROM units u WHERE u.city_id = p.city_id AND u.id = ANY(p.cooperating_unit_ids)), '[]'::json) AS cooperating_units`;

const caseJoins = `
  FROM problems p
  LEFT JOIN areas d ON d.city_id = p.city_id AND d.id = p.district_id
  LEFT JOIN users ll ON ll.city_id = p.city_id AND ll.id = p.lead_leader_id
  LEFT JOIN units ru ON ru.city_id = p.city_id AND ru.id = p.responsible_unit_id`;

/**
 * The WHERE of a list: the city's assigned cases (those with a notice number), the filters,
 * then the actor's scope, whose parameters are numbered after ours.
 */
function where(cityId: string, f: ListFilter, scopeFor: (firstParam: number) => Scope): { sql: string; params: unknown[] } {
  const params: unknown[] = [cityId];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = ['p.city_id = $1', 'p.notice_no IS NOT NULL'];
  if (f.unitId) {
    const u = p(f.unitId);
    conds.push(`(p.responsible_unit_id = ${u}::uuid OR ${u}::uuid = ANY(p.cooperating_unit_ids))`);
  }
  if (f.statuses?.length) conds.push(`p.status = ANY(${p(f.statuses)}::text[])`);
  if (f.overdue !== undefined) {
    // The SQL twin of the domain's isOverdueCase: not closed, strictly past the deadline.
    const late = `(p.deadline < ${p(f.now)}::timestamptz AND p.status <> ALL(${p(f.closedStates)}::text[]))`;
    conds.push(f.overdue ? late : `NOT ${late}`);
  }
  if (f.risk) conds.push(`p.risk_level = ${p(f.risk)}`);
  if (f.districtId) conds.push(`p.district_id = ${p(f.districtId)}::uuid`);
  if (f.q) {
    const like = p(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conds.push(`(p.title ILIKE ${like} OR p.address ILIKE ${like} OR p.notice_no ILIKE ${like})`);
  }
  const scope = scopeFor(params.length + 1);
  conds.push(scope.sql);
  return { sql: conds.join(' AND '), params: [...params, ...scope.params] };
}

/** One page of the assigned cases, in notice order (the order they were assigned). */
export async function assignedCases(
  q: Queryable,
  cityId: string,
  f: ListFilter,
  scopeFor: (firstParam: number) => Scope,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: CaseListRow[] }> {
  const w = where(cityId, f, scopeFor);
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM problems p WHERE ${w.sql}`, w.params))[0]!.n;
  const n = w.params.length;
  const rows = await q.query<CaseListRow>(
    `SELECT ${caseColumns} ${caseJoins}
      WHERE ${w.sql}
      ORDER BY p.assigned_at NULLS LAST, p.notice_no, p.id
      LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...w.params, page.limit, page.offset],
  );
  return { total, rows };
}

/** One case for its notice, if the actor's scope lets them see it (assigned or not). */
export async function caseForNotice(q: Queryable, cityId: string, id: string, scopeFor: (firstParam: number) => Scope): Promise<CaseListRow | undefined> {
  const scope = scopeFor(3);
  return (
    await q.query<CaseListRow>(`SELECT ${caseColumns} ${caseJoins} WHERE p.city_id = $1 AND p.id = $2 AND ${scope.sql}`, [cityId, id, ...scope.params])
  )[0];
}

export async function ticketsOf(q: Queryable, cityId: string, problemId: string): Promise<string[]> {
  const rows = await q.query<{ ticket: string }>(
    `SELECT ticket FROM reports WHERE city_id = $1 AND problem_id = $2 ORDER BY created_at, ticket`,
    [cityId, problemId],
  );
  return rows.map((r) => r.ticket);
}

export interface EvidencePhotoRow {
  file_id: string;
  public_sha256: string;
  width: number | null;
  height: number | null;
  ticket: string;
  reported_at: Date;
}

/** The first photos of the case's reports that have a public (EXIF-free) copy, in report order. */
export async function evidencePhotos(q: Queryable, cityId: string, problemId: string, limit: number): Promise<EvidencePhotoRow[]> {
  return q.query<EvidencePhotoRow>(
    `SELECT f.id AS file_id, f.public_sha256, f.width, f.height, r.ticket, r.created_at AS reported_at
       FROM reports r
       JOIN report_media rm ON rm.city_id = r.city_id AND rm.report_id = r.id
       JOIN files f ON f.city_id = rm.city_id AND f.id = rm.file_id
      WHERE r.city_id = $1 AND r.problem_id = $2 AND f.public_sha256 IS NOT NULL
      ORDER BY r.created_at, rm.position
      LIMIT $3`,
    [cityId, problemId, limit],
  );
}

export async function cityNameAndZone(q: Queryable, cityId: string): Promise<{ name: string; timezone: string }> {
  return (await q.query<{ name: string; timezone: string }>(`SELECT name, timezone FROM cities WHERE id = $1`, [cityId]))[0]!;
}
