import type { Queryable } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { caseScopeSql } from './scope.ts';
import { areaPathSql, type AreaPathItem } from '../areas/sql.ts';

export interface CaseRow {
  id: string;
  title: string;
  status: string;
  address: string | null;
  /** null while the case needs a location */
  lng: number | null;
  lat: number | null;
  location_from: 'report' | 'address' | 'office' | 'none';
  area_path: AreaPathItem[];
  subcategory_code: string | null;
  category_code: string | null;
  risk_level: 'red' | 'yellow' | 'green' | null;
  risk_scores: { socialImpact: number; technicalDifficulty: number; fundingPressure: number } | null;
  responsible_unit_id: string | null;
  responsible_unit_name: string | null;
  proposed_unit_id: string | null;
  proposed_unit_name: string | null;
  cooperating_unit_ids: string[];
  lead_leader_id: string | null;
  lead_leader_name: string | null;
  requirement: string | null;
  deadline: Date | null;
  deadline_spec: Record<string, unknown> | null;
  legacy: boolean;
  notice_no: string | null;
  judged_at: Date | null;
  assigned_at: Date | null;
  accepted_at: Date | null;
  last_progress_at: Date | null;
  extension_proposed_deadline: Date | null;
  closeout: Record<string, unknown> | null;
  submitted_at: Date | null;
  closed_at: Date | null;
  satisfaction: number | null;
  return_count: number;
  reopen_count: number;
  report_count: number;
  first_reported_at: Date;
  updated_at: Date;
}

const caseColumns = `p.id, p.title, p.status, p.address, ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat, p.location_from,
  ${areaPathSql('p')} AS area_path,
  p.subcategory_code, p.category_code, p.risk_level, p.risk_scores,
  p.responsible_unit_id, ru.name AS responsible_unit_name, p.proposed_unit_id, pu.name AS proposed_unit_name,
  p.cooperating_unit_ids, p.lead_leader_id, ll.display_name AS lead_leader_name, p.requirement,
  p.deadline, p.deadline_spec, p.legacy, p.notice_no, p.judged_at, p.assigned_at, p.accepted_at, p.last_progress_at,
  p.extension_proposed_deadline, p.closeout, p.submitted_at, p.closed_at, p.satisfaction, p.return_count, p.reopen_count,
  p.report_count, p.first_reported_at, p.updated_at`;
const caseJoins = `LEFT JOIN units ru ON ru.city_id = p.city_id AND ru.id = p.responsible_unit_id
  LEFT JOIN units pu ON pu.city_id = p.city_id AND pu.id = p.proposed_unit_id
  LEFT JOIN users ll ON ll.city_id = p.city_id AND ll.id = p.lead_leader_id`;

export async function caseById(q: Queryable, actor: Actor, id: string): Promise<CaseRow | undefined> {
  const scope = caseScopeSql(actor, 'p', 3);
  const rows = await q.query<CaseRow>(
    `SELECT ${caseColumns} FROM problems p ${caseJoins} WHERE p.city_id = $1 AND p.id = $2 AND p.status <> 'merged' AND ${scope.sql}`,
    [actor.cityId, id, ...scope.params],
  );
  return rows[0];
}

export interface CaseFilter {
  statuses?: string[] | undefined;
  unitId?: string | undefined;
  overdue?: boolean | undefined;
  riskLevel?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export async function listCases(q: Queryable, actor: Actor, f: CaseFilter, now: Date): Promise<{ total: number; rows: CaseRow[] }> {
  const params: unknown[] = [actor.cityId];
  const where = [`p.city_id = $1`, `p.status <> 'merged'`];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.statuses) where.push(`p.status = ANY(${p(f.statuses)}::text[])`);
  if (f.unitId) where.push(`(p.responsible_unit_id = ${p(f.unitId)}::uuid OR $${params.length}::uuid = ANY(p.cooperating_unit_ids))`);
  if (f.riskLevel) where.push(`p.risk_level = ${p(f.riskLevel)}`);
  if (f.q) where.push(`(p.title ILIKE ${p(`%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)} OR p.notice_no ILIKE $${params.length} OR p.address ILIKE $${params.length})`);
  if (f.overdue !== undefined) {
    const overdue = `(p.deadline IS NOT NULL AND p.deadline < ${p(now)} AND p.status NOT IN ('closed', 'dismissed', 'merged'))`;
    where.push(f.overdue ? overdue : `NOT ${overdue}`);
  }
  const scope = caseScopeSql(actor, 'p', params.length + 1);
  params.push(...scope.params);
  where.push(scope.sql);
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM problems p WHERE ${where.join(' AND ')}`, params))[0]!.n;
  const rows = await q.query<CaseRow>(
    `SELECT ${caseColumns} FROM problems p ${caseJoins} WHERE ${where.join(' AND ')}
      ORDER BY (p.deadline IS NULL), p.deadline, p.updated_at DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
    params,
  );
  return { total, rows };
}

export async function namesOfUnits(q: Queryable, cityId: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<{ id: string; name: string }>(`SELECT id, name FROM units WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export async function activeUnitIds(q: Queryable, cityId: string, ids: string[]): Promise<Set<string>> {
  const rows = await q.query<{ id: string }>(`SELECT id FROM units WHERE city_id = $1 AND id = ANY($2::uuid[]) AND active`, [cityId, ids]);
  return new Set(rows.map((r) => r.id));
}

export async function userHoldingRole(q: Queryable, cityId: string, userId: string, role: string): Promise<{ id: string; display_name: string } | undefined> {
  const rows = await q.query<{ id: string; display_name: string }>(
    `SELECT id, display_name FROM users WHERE city_id = $1 AND id = $2 AND active AND $3 = ANY(roles)`,
    [cityId, userId, role],
  );
  return rows[0];
}

/** How many of `ids` are files of the city (uploads, evidence documents). */
export async function countFiles(q: Queryable, cityId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM files WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]))[0]!.n;
}

export async function nextNoticeNumber(q: Queryable, cityId: string, year: number): Promise<number> {
  const rows = await q.query<{ last: number }>(
    `INSERT INTO notice_counters (city_id, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (city_id, year) DO UPDATE SET last = notice_counters.last + 1 RETURNING last`,
    [cityId, year],
  );
  return rows[0]!.last;
}

export interface EventRow {
  id: string;
  at: Date;
  action: string;
  actor_id: string | null;
  actor_label: string;
  actor_name: string | null;
  from_status: string | null;
  status: string | null;
  note: string | null;
  details: Record<string, unknown>;
  audit_seq: number | null;
}

export async function eventsOfCase(q: Queryable, cityId: string, problemId: string): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT e.id, e.at, e.action, e.actor_id, e.actor_label, u.display_name AS actor_name, e.from_status, e.status, e.note, e.details,
            e.audit_seq::int AS audit_seq
       FROM problem_events e LEFT JOIN users u ON u.city_id = e.city_id AND u.id = e.actor_id
      WHERE e.city_id = $1 AND e.problem_id = $2 ORDER BY e.at, e.audit_seq NULLS FIRST`,
    [cityId, problemId],
  );
}

/** The audit entries of a case's loop events: what the chain says the timeline holds. */
export async function auditedEventsOfCase(q: Queryable, cityId: string, problemId: string): Promise<{ seq: number; details: { eventId?: string; digest?: string } }[]> {
  return q.query(
    `SELECT seq::int AS seq, details FROM audit_events
      WHERE city_id = $1 AND target_type = 'problem' AND target_id = $2 AND action LIKE 'case.%' ORDER BY seq`,
    [cityId, problemId],
  );
}

export interface TaskRow {
  id: string;
  kind: 'expert_opinion' | 'verification' | 'recheck';
  status: 'open' | 'done' | 'cancelled';
  assignee_user_id: string | null;
  assignee_name: string | null;
  assignee_role: string | null;
  request_note: string | null;
  outcome: string | null;
  outcome_note: string | null;
  created_at: Date;
  done_at: Date | null;
}

export async function tasksOfCase(q: Queryable, cityId: string, problemId: string): Promise<TaskRow[]> {
  return q.query<TaskRow>(
    `SELECT t.id, t.kind, t.status, t.assignee_user_id, u.display_name AS assignee_name, t.assignee_role, t.request_note,
            t.outcome, t.outcome_note, t.created_at, t.done_at
       FROM case_tasks t LEFT JOIN users u ON u.city_id = t.city_id AND u.id = t.assignee_user_id
      WHERE t.city_id = $1 AND t.problem_id = $2 ORDER BY t.created_at`,
    [cityId, problemId],
  );
}

export async function insertOpinionTask(
  q: Queryable,
  cityId: string,
  t: { problemId: string; assigneeUserId: string | null; note: string; createdBy: string | null; createdByLabel: string },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO case_tasks (city_id, problem_id, kind, assignee_user_id, assignee_role, request_note, created_by, created_by_label)
     VALUES ($1, $2, 'expert_opinion', $3, CASE WHEN $3::uuid IS NULL THEN 'expert' END, $4, $5, $6) RETURNING id`,
    [cityId, t.problemId, t.assigneeUserId, t.note, t.createdBy, t.createdByLabel],
  );
  return rows[0]!.id;
}

/** Closes the caller's open opinion task(s) on the case (theirs by name, or the role's). */
export async function completeOpinionTasks(q: Queryable, cityId: string, problemId: string, userId: string, roles: string[], note: string): Promise<number> {
  const rows = await q.query(
    `UPDATE case_tasks SET status = 'done', outcome = 'given', outcome_note = $5, done_by = $3, done_at = now()
      WHERE city_id = $1 AND problem_id = $2 AND kind = 'expert_opinion' AND status = 'open'
        AND (assignee_user_id = $3 OR (assignee_user_id IS NULL AND assignee_role = ANY($4::text[])))
      RETURNING id`,
    [cityId, problemId, userId, roles, note],
  );
  return rows.length;
}

export interface CaseReportRow {
  id: string;
  ticket: string;
  source: string;
  text: string;
  created_at: Date;
  photo_ids: string[];
}

/** The reports of a case with their photos: what was reported, without who reported it. */
export async function reportsOfCase(q: Queryable, cityId: string, problemId: string): Promise<CaseReportRow[]> {
  return q.query<CaseReportRow>(
    `SELECT r.id, r.ticket, r.source, r.text, r.created_at,
            ARRAY(SELECT m.file_id FROM report_media m WHERE m.city_id = r.city_id AND m.report_id = r.id ORDER BY m.position) AS photo_ids
       FROM reports r WHERE r.city_id = $1 AND r.problem_id = $2 ORDER BY r.created_at LIMIT 50`,
    [cityId, problemId],
  );
}

export async function mimesOfFiles(q: Queryable, cityId: string, ids: string[]): Promise<{ id: string; mime: string }[]> {
  if (ids.length === 0) return [];
  return q.query(`SELECT id, mime FROM files WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]);
}
