import type { Queryable } from '../../db/index.ts';

export async function cityTimeZone(q: Queryable, cityId: string): Promise<string | undefined> {
  return (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone;
}

/** The rate stored with the loop settings (cities.settings.loop, owned by modules/loop-settings), unchecked. */
export async function cityRecheckRate(q: Queryable, cityId: string): Promise<unknown> {
  return (await q.query<{ rate: unknown }>(`SELECT settings->'loop'->'recheckRate' AS rate FROM cities WHERE id = $1`, [cityId]))[0]?.rate;
}

/** Serialises the city's draws (a scheduled run and a "sample now" at the same moment) until commit. */
export async function lockDraws(q: Queryable, cityId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(4242012, hashtext($1))`, [cityId]);
}

export async function periodDrawn(q: Queryable, cityId: string, periodKey: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM case_tasks WHERE city_id = $1 AND kind = 'recheck' AND period_key = $2 ORDER BY created_at, id`,
    [cityId, periodKey],
  );
  return rows.map((r) => r.id);
}

export interface CandidateRow {
  id: string;
  status: string;
  closed_at: Date | null;
  rechecked_in_period: boolean;
  open_recheck: boolean;
}

/**
 * The closed cases with what the domain's eligibility rule needs. "In the period": a
 * re-check from the period's scheduled draw ('2026-Q2') or from one by hand ('2026-Q2/…').
 */
export async function closedCases(q: Queryable, cityId: string, period: string): Promise<CandidateRow[]> {
  return q.query<CandidateRow>(
    `SELECT p.id, p.status, p.closed_at,
            EXISTS (SELECT 1 FROM case_tasks t WHERE t.city_id = p.city_id AND t.problem_id = p.id AND t.kind = 'recheck'
                       AND (t.period_key = $2 OR t.period_key LIKE $2 || '/%')) AS rechecked_in_period,
            EXISTS (SELECT 1 FROM case_tasks t WHERE t.city_id = p.city_id AND t.problem_id = p.id AND t.kind = 'recheck'
                       AND t.status = 'open') AS open_recheck
       FROM problems p
      WHERE p.city_id = $1 AND p.status = 'closed'`,
    [cityId, period],
  );
}

/** Who takes the re-checks: the third party when the city has one, else inspectors, else the office. */
export async function activeRoleCounts(q: Queryable, cityId: string): Promise<Record<string, number>> {
  const rows = await q.query<{ role: string; n: number }>(
    `SELECT r.role, count(*)::int AS n FROM users u, unnest(u.roles) AS r(role)
      WHERE u.city_id = $1 AND u.active AND r.role IN ('thirdparty', 'inspector', 'office') GROUP BY r.role`,
    [cityId],
  );
  return Object.fromEntries(rows.map((r) => [r.role, r.n]));
}

/** One re-check task; nothing when the case already has one from this draw (a retry). */
export async function insertRecheckTask(
  q: Queryable,
  cityId: string,
  t: { problemId: string; periodKey: string; assigneeRole: string; requestNote: string; dueAt: Date; createdBy: string | null; createdByLabel: string },
): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO case_tasks (city_id, problem_id, kind, period_key, assignee_role, request_note, due_at, created_by, created_by_label)
     VALUES ($1, $2, 'recheck', $3, $4, $5, $6, $7, $8)
     ON CONFLICT ON CONSTRAINT case_tasks_period_key DO NOTHING RETURNING id`,
    [cityId, t.problemId, t.periodKey, t.assigneeRole, t.requestNote, t.dueAt, t.createdBy, t.createdByLabel],
  );
  return rows[0]?.id ?? null;
}

export interface TaskRow {
  id: string;
  problem_id: string;
  period_key: string | null;
  assignee_user_id: string | null;
  assignee_role: string | null;
  status: 'open' | 'done' | 'cancelled';
}

export async function lockTask(q: Queryable, cityId: string, id: string): Promise<TaskRow | undefined> {
  const rows = await q.query<TaskRow>(
    `SELECT id, problem_id, period_key, assignee_user_id, assignee_role, status FROM case_tasks
      WHERE city_id = $1 AND id = $2 AND kind = 'recheck' FOR UPDATE`,
    [cityId, id],
  );
  return rows[0];
}

export async function finishTask(
  q: Queryable,
  cityId: string,
  id: string,
  t: { outcome: 'passed' | 'relapsed'; note: string | null; photoIds: string[]; doneBy: string | null },
): Promise<void> {
  await q.query(
    `UPDATE case_tasks SET status = 'done', outcome = $3, outcome_note = $4, photos = $5::uuid[], done_by = $6, done_at = now()
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, t.outcome, t.note, t.photoIds, t.doneBy],
  );
}

/** Open re-checks of a case that reopened some other way: moot now. */
export async function cancelOpenRechecks(q: Queryable, cityId: string, problemId: string, note: string): Promise<number> {
  const rows = await q.query(
    `UPDATE case_tasks SET status = 'cancelled', outcome_note = $3
      WHERE city_id = $1 AND problem_id = $2 AND kind = 'recheck' AND status = 'open' RETURNING id`,
    [cityId, problemId, note],
  );
  return rows.length;
}

export interface CaseFactsRow {
  subcategory_code: string | null;
  deadline_spec: Record<string, unknown> | null;
}

export async function caseFacts(q: Queryable, cityId: string, problemId: string): Promise<CaseFactsRow | undefined> {
  const rows = await q.query<CaseFactsRow>(
    `SELECT subcategory_code, deadline_spec FROM problems WHERE city_id = $1 AND id = $2`,
    [cityId, problemId],
  );
  return rows[0];
}

export async function setSatisfaction(q: Queryable, cityId: string, problemId: string, score: number): Promise<void> {
  await q.query(`UPDATE problems SET satisfaction = $3, updated_at = now() WHERE city_id = $1 AND id = $2`, [cityId, problemId, score]);
}

export interface TaskListRow {
  id: string;
  problem_id: string;
  title: string;
  address: string | null;
  district_name: string | null;
  case_status: string;
  risk_level: 'red' | 'yellow' | 'green' | null;
  subcategory_code: string | null;
  notice_no: string | null;
  unit_id: string | null;
  unit_name: string | null;
  closed_at: Date | null;
  reopen_count: number;
  period_key: string | null;
  assignee_role: string | null;
  assignee_user_id: string | null;
  assignee_name: string | null;
  status: 'open' | 'done' | 'cancelled';
  request_note: string | null;
  due_at: Date | null;
  created_at: Date;
  outcome: string | null;
  outcome_note: string | null;
  photos: string[];
  done_by: string | null;
  done_by_name: string | null;
  done_at: Date | null;
  total: number;
}

/**
 * Re-check tasks. `who` null: every task of the city (the office); else those handed to
 * the user or to one of their roles. `view`: open ones, open ones handed to `mine`, or finished ones.
 */
export async function listTasks(
  q: Queryable,
  cityId: string,
  o: { view: 'mine' | 'open' | 'done'; who: { userId: string; roles: string[] } | null; mine: { userId: string; roles: string[] }; limit: number; offset: number },
): Promise<TaskListRow[]> {
  const params: unknown[] = [cityId, o.limit, o.offset];
  const p = (v: unknown) => `$${params.push(v)}`;
  const cond: string[] = [`t.city_id = $1`, `t.kind = 'recheck'`];
  if (o.view === 'done') cond.push(`t.status IN ('done', 'cancelled')`);
  else cond.push(`t.status = 'open'`);
  const handedTo = (w: { userId: string; roles: string[] }) => `(t.assignee_user_id = ${p(w.userId)}::uuid OR t.assignee_role = ANY(${p(w.roles)}::text[]))`;
  if (o.who) cond.push(handedTo(o.who));
  if (o.view === 'mine') cond.push(handedTo(o.mine));
  return q.query<TaskListRow>(
    `SELECT t.id, t.problem_id, p.title, p.address, d.name AS district_name, p.status AS case_status, p.risk_level, p.subcategory_code,
            p.notice_no, p.responsible_unit_id AS unit_id, u.name AS unit_name, p.closed_at, p.reopen_count,
            t.period_key, t.assignee_role, t.assignee_user_id, au.display_name AS assignee_name, t.status, t.request_note, t.due_at,
            t.created_at, t.outcome, t.outcome_note, t.photos, t.done_by, du.display_name AS done_by_name, t.done_at,
            count(*) OVER ()::int AS total
       FROM case_tasks t
       JOIN problems p ON p.city_id = t.city_id AND p.id = t.problem_id
       LEFT JOIN units u ON u.city_id = p.city_id AND u.id = p.responsible_unit_id
       LEFT JOIN areas d ON d.city_id = p.city_id AND d.id = p.district_id
       LEFT JOIN users au ON au.city_id = t.city_id AND au.id = t.assignee_user_id
       LEFT JOIN users du ON du.city_id = t.city_id AND du.id = t.done_by
      WHERE ${cond.join(' AND ')}
      ORDER BY ${o.view === 'done' ? 't.done_at DESC NULLS LAST, t.created_at DESC' : 't.due_at NULLS LAST, t.created_at'}, t.id
      LIMIT $2 OFFSET $3`,
    params,
  );
}

export async function taskById(q: Queryable, cityId: string, id: string): Promise<TaskListRow | undefined> {
  const rows = await q.query<TaskListRow>(
    `SELECT t.id, t.problem_id, p.title, p.address, d.name AS district_name, p.status AS case_status, p.risk_level, p.subcategory_code,
            p.notice_no, p.responsible_unit_id AS unit_id, u.name AS unit_name, p.closed_at, p.reopen_count,
            t.period_key, t.assignee_role, t.assignee_user_id, au.display_name AS assignee_name, t.status, t.request_note, t.due_at,
            t.created_at, t.outcome, t.outcome_note, t.photos, t.done_by, du.display_name AS done_by_name, t.done_at, 1 AS total
       FROM case_tasks t
       JOIN problems p ON p.city_id = t.city_id AND p.id = t.problem_id
       LEFT JOIN units u ON u.city_id = p.city_id AND u.id = p.responsible_unit_id
       LEFT JOIN areas d ON d.city_id = p.city_id AND d.id = p.district_id
       LEFT JOIN users au ON au.city_id = t.city_id AND au.id = t.assignee_user_id
       LEFT JOIN users du ON du.city_id = t.city_id AND du.id = t.done_by
      WHERE t.city_id = $1 AND t.id = $2 AND t.kind = 'recheck'`,
    [cityId, id],
  );
  return rows[0];
}

export interface UnitRelapseRow {
  unit_id: string;
  unit_name: string;
  closed: number;
  rechecked: number;
  passed: number;
  relapsed: number;
  low_satisfaction: number;
  reopen_count: number;
}

/**
 * Per responsible unit: cases closed, re-checks done and their outcomes, and closed cases
 * sent back by a low satisfaction survey, in [from, to) when given. Only units with any of it.
 */
export async function unitRelapseRows(q: Queryable, cityId: string, o: { from: Date | null; to: Date | null; unitId: string | null }): Promise<UnitRelapseRow[]> {
  return q.query<UnitRelapseRow>(
    `WITH rc AS (
       SELECT p.responsible_unit_id AS unit_id,
              count(*)::int AS rechecked,
              count(*) FILTER (WHERE t.outcome = 'passed')::int AS passed,
              count(*) FILTER (WHERE t.outcome = 'relapsed')::int AS relapsed
         FROM case_tasks t JOIN problems p ON p.city_id = t.city_id AND p.id = t.problem_id
        WHERE t.city_id = $1 AND t.kind = 'recheck' AND t.status = 'done'
          AND ($2::timestamptz IS NULL OR t.done_at >= $2) AND ($3::timestamptz IS NULL OR t.done_at < $3)
        GROUP BY 1),
     ls AS (
       SELECT p.responsible_unit_id AS unit_id, count(*)::int AS low_satisfaction
         FROM problem_events e JOIN problems p ON p.city_id = e.city_id AND p.id = e.problem_id
        WHERE e.city_id = $1 AND e.action = 'reopen_low_satisfaction' AND e.from_status = 'closed'
          AND ($2::timestamptz IS NULL OR e.at >= $2) AND ($3::timestamptz IS NULL OR e.at < $3)
        GROUP BY 1),
     cl AS (
       SELECT responsible_unit_id AS unit_id,
              count(*) FILTER (WHERE closed_at IS NOT NULL AND ($2::timestamptz IS NULL OR closed_at >= $2)
                                 AND ($3::timestamptz IS NULL OR closed_at < $3))::int AS closed,
              sum(reopen_count)::int AS reopen_count
         FROM problems WHERE city_id = $1 AND responsible_unit_id IS NOT NULL
        GROUP BY 1)
     SELECT u.id AS unit_id, u.name AS unit_name, COALESCE(cl.closed, 0) AS closed, COALESCE(rc.rechecked, 0) AS rechecked,
            COALESCE(rc.passed, 0) AS passed, COALESCE(rc.relapsed, 0) AS relapsed, COALESCE(ls.low_satisfaction, 0) AS low_satisfaction,
            COALESCE(cl.reopen_count, 0) AS reopen_count
       FROM units u
       LEFT JOIN cl ON cl.unit_id = u.id
       LEFT JOIN rc ON rc.unit_id = u.id
       LEFT JOIN ls ON ls.unit_id = u.id
      WHERE u.city_id = $1 AND ($4::uuid IS NULL OR u.id = $4)
        AND (COALESCE(cl.closed, 0) + COALESCE(rc.rechecked, 0) + COALESCE(ls.low_satisfaction, 0) + COALESCE(cl.reopen_count, 0)) > 0
      ORDER BY COALESCE(rc.relapsed, 0) DESC, u.name, u.id`,
    [cityId, o.from, o.to, o.unitId],
  );
}
