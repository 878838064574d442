/**
 * SQL of 三级督办. The sweeps are set-based: each chunk is one INSERT … SELECT … ON CONFLICT
 * DO NOTHING RETURNING over a window of cases (keyset on the id, or on the deadline), so a
 * run repeated for the same data adds nothing, and a run killed half-way is finished by its
 * retry. The rules mirror packages/domain/src/escalation.ts; the spec compares the two.
 */
import { unitHeldStates } from '@cityloop/domain';
import type { Queryable } from '../../db/index.ts';

/** The unit-held states as a literal list: a constant in the text lets the planner use problems_unit_held_idx. */
export const HELD = unitHeldStates.map((s) => `'${s}'`).join(', ');
// missedSql splits the unit-held states in two branches; they must stay the domain's list
const missedBranches = ['assigned', 'in_progress', 'extension_requested', 'returned', 'reopened'];
if ([...unitHeldStates].sort().join() !== [...missedBranches].sort().join())
  throw new Error('escalation queries: the unit-held states changed; update missedSql');
const CLOSED = `'closed', 'dismissed', 'merged'`;
/** ISO instant in UTC with milliseconds, as JavaScript writes it (what the details keep). */
const isoUtc = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function cityZone(q: Queryable, cityId: string): Promise<string> {
  return (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone ?? 'Asia/Shanghai';
}

export interface NewEscalation {
  id: string;
  problem_id: string;
  unit_id: string;
  level: number;
  reason: string;
  period_key: string;
  details: Record<string, unknown>;
  /** the case's status when escalated (the timeline event's from/to) */
  status: string;
}

const createdCols = `json_build_object('id', ins.id, 'problem_id', ins.problem_id, 'unit_id', ins.unit_id, 'level', ins.level,
  'reason', ins.reason, 'period_key', ins.period_key, 'details', ins.details, 'status', cp.status)`;
/**
 * The rows just inserted with their case's status. Joined by primary key, not to a CTE: a CTE
 * has no statistics, and a nested loop of two 5000-row CTE scans cost a second a chunk.
 */
const createdJson = `(SELECT json_agg(${createdCols}) FROM ins JOIN problems cp ON cp.city_id = $1 AND cp.id = ins.problem_id)`;

/*
 * Each level-1/2 sweep is two steps. `new…` is one read over the city's cases in the unit's
 * hands: the rule, and an anti-join on the once-only key, answers the ids that are due and
 * not yet escalated — a sequential scan, because walking a million cases in id order through
 * an index costs a random heap read per case (measured: 12 µs a case against 0.3 µs). Then
 * `insert…` takes a slice of those ids, re-checks the rule on each row by primary key (a
 * report may have come in meanwhile) and inserts ON CONFLICT DO NOTHING. The rule is written
 * once per level below and used by both.
 */

/**
 * Level 1, missed report: the domain's reportAnchor, and n = ceil((now − anchor) / 7 days) − 1 ≥ 1.
 * $1 city, $2 now, $3 zone. A returned or reopened case also counts from when it came back (its
 * latest such timeline event): those few are a branch of their own, so the look-up is not
 * costed against every case (it made the planner expect millions and JIT-compile the scan).
 */
const missedSql = (restrict: string) => `
  SELECT b.id, b.status, b.responsible_unit_id, b.n, b.anchor + make_interval(days => 7 * b.n) AS due_at,
         to_char((b.anchor + make_interval(days => 7 * b.n)) AT TIME ZONE $3, 'YYYY-MM-DD') AS key
    FROM (SELECT a.*, ceil(extract(epoch FROM ($2::timestamptz - a.anchor)) / 604800)::int - 1 AS n
            FROM (SELECT p.id, p.status, p.responsible_unit_id,
                         greatest(p.assigned_at, p.accepted_at, p.last_progress_at, p.submitted_at) AS anchor
                    FROM problems p
                   WHERE p.city_id = $1 AND p.status IN ('assigned', 'in_progress', 'extension_requested')
                     AND p.responsible_unit_id IS NOT NULL ${restrict}
                  UNION ALL
                  SELECT p.id, p.status, p.responsible_unit_id,
                         greatest(p.assigned_at, p.accepted_at, p.last_progress_at, p.submitted_at,
                                  (SELECT max(ev.at) FROM problem_events ev
                                    WHERE ev.city_id = p.city_id AND ev.problem_id = p.id
                                      AND ev.action IN ('return', 'recheck_relapse', 'reopen_low_satisfaction'))) AS anchor
                    FROM problems p
                   WHERE p.city_id = $1 AND p.status IN ('returned', 'reopened') AND p.responsible_unit_id IS NOT NULL ${restrict}) a
           -- the same as n >= 1, in a form the scan can test before computing n
           WHERE a.anchor < $2::timestamptz - interval '7 days') b`;

/** Level 1, overdue: in the unit's hands and past the deadline; keyed by the deadline's date. */
const overdueSql = (restrict: string) => `
  SELECT p.id, p.status, p.responsible_unit_id, p.deadline, to_char(p.deadline AT TIME ZONE $3, 'YYYY-MM-DD') AS key
    FROM problems p
   WHERE p.city_id = $1 AND p.status IN (${HELD}) AND p.deadline < $2 AND p.responsible_unit_id IS NOT NULL ${restrict}`;

/** Level 2, of concern (domain concernReason): overdue, else red, else an open level-1 escalation. */
const concernSql = (restrict: string) => `
  SELECT c.* FROM (
    SELECT p.id, p.status, p.responsible_unit_id,
           CASE WHEN p.deadline < $2 THEN 'overdue'
                WHEN p.risk_level = 'red' THEN 'red'
                WHEN EXISTS (SELECT 1 FROM escalations e WHERE e.city_id = p.city_id AND e.problem_id = p.id
                                AND e.resolved_at IS NULL AND e.level = 1) THEN 'level1' END AS why
      FROM problems p
     WHERE p.city_id = $1 AND p.status IN (${HELD}) AND p.responsible_unit_id IS NOT NULL ${restrict}) c
   WHERE c.why IS NOT NULL`;

const notEscalated = (alias: string, level: number, reason: string) =>
  `NOT EXISTS (SELECT 1 FROM escalations e WHERE e.city_id = $1 AND e.problem_id = ${alias}.id
                  AND e.level = ${level} AND e.reason = '${reason}' AND e.period_key = ${alias}.key)`;

/** The sweeps' reads, for the benchmark's EXPLAIN too: missed and overdue take ($1 city, $2 now, $3 zone), verification ($1, $2, $3 fortnight). */
export const detectionSql = {
  missed: `SELECT m.id FROM (${missedSql('')}) m WHERE ${notEscalated('m', 1, 'missed_progress')} ORDER BY m.id`,
  overdue: `SELECT o.id FROM (${overdueSql('')}) o WHERE ${notEscalated('o', 1, 'overdue')} ORDER BY o.id`,
  verification: `SELECT c.id FROM (${concernSql('')}) c
      WHERE NOT EXISTS (SELECT 1 FROM case_tasks t WHERE t.city_id = $1 AND t.kind = 'verification' AND t.problem_id = c.id AND t.period_key = $3)
      ORDER BY c.id`,
};

/** Ids of the cases whose latest missed weekly report is not escalated yet. */
export async function newMissedReports(q: Queryable, cityId: string, now: Date, tz: string): Promise<string[]> {
  return (await q.query<{ id: string }>(detectionSql.missed, [cityId, now, tz])).map((r) => r.id);
}

export async function insertMissedReports(q: Queryable, cityId: string, now: Date, tz: string, ids: string[]): Promise<NewEscalation[]> {
  const rows = await q.query<{ created: NewEscalation[] | null }>(
    `WITH ins AS (
       INSERT INTO escalations (city_id, problem_id, unit_id, level, reason, period_key, details, created_at)
       SELECT $1, m.id, m.responsible_unit_id, 1, 'missed_progress', m.key,
              jsonb_build_object('dueAt', ${isoUtc('m.due_at')}, 'weeksMissed', m.n), $2
         FROM (${missedSql('AND p.id = ANY($4::uuid[])')}) m
       ON CONFLICT (city_id, problem_id, level, reason, period_key) DO NOTHING
       RETURNING id, problem_id, unit_id, level, reason, period_key, details
     )
     SELECT ${createdJson} AS created`,
    [cityId, now, tz, ids],
  );
  return rows[0]?.created ?? [];
}

/** Ids of the overdue cases not escalated for their present deadline yet (read along the open-deadline index). */
export async function newOverdue(q: Queryable, cityId: string, now: Date, tz: string): Promise<string[]> {
  return (await q.query<{ id: string }>(detectionSql.overdue, [cityId, now, tz])).map((r) => r.id);
}

export async function insertOverdue(q: Queryable, cityId: string, now: Date, tz: string, ids: string[]): Promise<NewEscalation[]> {
  const rows = await q.query<{ created: NewEscalation[] | null }>(
    `WITH ins AS (
       INSERT INTO escalations (city_id, problem_id, unit_id, level, reason, period_key, details, created_at)
       SELECT $1, o.id, o.responsible_unit_id, 1, 'overdue', o.key, jsonb_build_object('deadline', ${isoUtc('o.deadline')}), $2
         FROM (${overdueSql('AND p.id = ANY($4::uuid[])')}) o
       ON CONFLICT (city_id, problem_id, level, reason, period_key) DO NOTHING
       RETURNING id, problem_id, unit_id, level, reason, period_key, details
     )
     SELECT ${createdJson} AS created`,
    [cityId, now, tz, ids],
  );
  return rows[0]?.created ?? [];
}

/** Ids of the cases of concern without a verification task for this fortnight. $3 = the fortnight. */
export async function newVerifications(q: Queryable, cityId: string, now: Date, fortnight: string): Promise<string[]> {
  return (await q.query<{ id: string }>(detectionSql.verification, [cityId, now, fortnight])).map((r) => r.id);
}

/**
 * Level 2 for a slice of cases: a verification task for the office and a level-2 escalation
 * each, for the fortnight. Older open verification tasks of those cases are superseded
 * (cancelled) and their escalations resolved: one open check per case.
 */
export async function insertVerifications(
  q: Queryable,
  cityId: string,
  now: Date,
  fortnight: { key: string; dueAt: Date },
  ids: string[],
): Promise<NewEscalation[]> {
  const rows = await q.query<{ created: NewEscalation[] | null }>(
    `WITH task AS (
       INSERT INTO case_tasks (city_id, problem_id, kind, period_key, assignee_role, request_note, due_at, created_by_label, created_at)
       SELECT $1, c.id, 'verification', $3, 'office', c.why, $4, 'system', $2
         FROM (${concernSql('AND p.id = ANY($5::uuid[])')}) c
       ON CONFLICT (city_id, kind, problem_id, period_key) DO NOTHING
       RETURNING id, problem_id, request_note
     ), ins AS (
       INSERT INTO escalations (city_id, problem_id, unit_id, level, reason, period_key, details, created_at)
       SELECT $1, t.problem_id, tp.responsible_unit_id, 2, 'verification', $3,
              jsonb_build_object('taskId', t.id, 'why', t.request_note, 'dueAt', ${isoUtc('$4::timestamptz')}), $2
         FROM task t JOIN problems tp ON tp.city_id = $1 AND tp.id = t.problem_id
       ON CONFLICT (city_id, problem_id, level, reason, period_key) DO NOTHING
       RETURNING id, problem_id, unit_id, level, reason, period_key, details
     ), superseded AS (
       UPDATE case_tasks ct SET status = 'cancelled', outcome_note = 'superseded by the check of fortnight ' || $3
         FROM task t
        WHERE ct.city_id = $1 AND ct.problem_id = t.problem_id AND ct.kind = 'verification' AND ct.status = 'open'
          AND ct.period_key IS DISTINCT FROM $3
       RETURNING ct.id
     ), old AS (
       UPDATE escalations e SET resolved_at = $2
         FROM task t
        WHERE e.city_id = $1 AND e.problem_id = t.problem_id AND e.level = 2 AND e.resolved_at IS NULL AND e.period_key <> $3
       RETURNING e.id
     )
     SELECT ${createdJson} AS created`,
    [cityId, now, fortnight.key, fortnight.dueAt, ids],
  );
  return rows[0]?.created ?? [];
}

/**
 * After a bulk write, fresh statistics for the tables written: the next sweep's anti-joins
 * were planned on "the table is empty" right after a big first sweep, and a nested loop over
 * 47k × 47k rows took 70 s (measured) where the index probe takes milliseconds. Autovacuum
 * gets there too, but not before a retry or the next job of the hour.
 */
export async function refreshStatistics(q: Queryable, tables: readonly ('escalations' | 'case_tasks')[]): Promise<void> {
  for (const t of tables) await q.exec(`ANALYZE ${t}`);
}

// ---------------------------------------------------------------- level 3

/** The cases on the month's list: unit-held and overdue, or found lagging by their latest on-site check. */
const interviewCandidates = `
  SELECT p.id, p.responsible_unit_id AS unit_id, p.lead_leader_id, p.district_id
    FROM problems p
   WHERE p.city_id = $1 AND p.status IN (${HELD}) AND p.deadline < $2 AND p.responsible_unit_id IS NOT NULL
  UNION
  SELECT p.id, p.responsible_unit_id, p.lead_leader_id, p.district_id
    FROM (SELECT DISTINCT ON (t.problem_id) t.problem_id, t.outcome
            FROM case_tasks t
           WHERE t.city_id = $1 AND t.kind = 'verification' AND t.status = 'done'
           ORDER BY t.problem_id, t.done_at DESC) last
    JOIN problems p ON p.city_id = $1 AND p.id = last.problem_id
   WHERE last.outcome = 'lagging' AND p.status IN (${HELD}) AND p.responsible_unit_id IS NOT NULL`;

export interface LeaderTallyRow {
  unit_id: string;
  unit_district_id: string | null;
  lead_leader_id: string | null;
  district_id: string | null;
  n: number;
}

/** Per unit on the list: how many of its cases name each (active) lead leader and lie in each district. */
export async function interviewTallies(q: Queryable, cityId: string, now: Date): Promise<LeaderTallyRow[]> {
  return q.query<LeaderTallyRow>(
    `WITH cand AS (${interviewCandidates})
     SELECT c.unit_id, u.district_id AS unit_district_id,
            CASE WHEN l.id IS NOT NULL THEN c.lead_leader_id END AS lead_leader_id, c.district_id, count(*)::int AS n
       FROM cand c
       JOIN units u ON u.city_id = $1 AND u.id = c.unit_id
       LEFT JOIN users l ON l.city_id = $1 AND l.id = c.lead_leader_id AND l.active AND 'leader' = ANY(l.roles)
      GROUP BY 1, 2, 3, 4`,
    [cityId, now],
  );
}

/** Each district's active leaders (领导包片), in username order. */
export async function districtLeaders(q: Queryable, cityId: string): Promise<Map<string, string[]>> {
  const rows = await q.query<{ area_id: string; user_id: string }>(
    `SELECT ld.area_id, ld.user_id FROM leader_districts ld
       JOIN users u ON u.city_id = ld.city_id AND u.id = ld.user_id AND u.active AND 'leader' = ANY(u.roles)
      WHERE ld.city_id = $1 ORDER BY ld.area_id, u.username`,
    [cityId],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.area_id, [...(out.get(r.area_id) ?? []), r.user_id]);
  return out;
}

/** The month's interviews, one per unit on the list (kept if already made: the list is built once a month). */
export async function insertInterviews(
  q: Queryable,
  cityId: string,
  now: Date,
  period: string,
  leaders: { unitIds: string[]; leaderIds: (string | null)[] },
): Promise<{ id: string; unit_id: string; leader_id: string | null; cases: number }[]> {
  return q.query(
    `WITH cand AS (${interviewCandidates}),
          lead AS (SELECT * FROM unnest($4::uuid[], $5::uuid[]) AS l(unit_id, leader_id))
     INSERT INTO interviews (city_id, unit_id, period, leader_id, problem_ids, created_at)
     SELECT $1, c.unit_id, $3, (SELECT leader_id FROM lead WHERE lead.unit_id = c.unit_id), array_agg(c.id ORDER BY c.id), $2
       FROM cand c GROUP BY c.unit_id
     ON CONFLICT (city_id, unit_id, period) DO NOTHING
     RETURNING id, unit_id, leader_id, cardinality(problem_ids) AS cases`,
    [cityId, now, period, leaders.unitIds, leaders.leaderIds],
  );
}

export async function interviewsOfPeriod(
  q: Queryable,
  cityId: string,
  period: string,
): Promise<{ id: string; unit_id: string; cases: number }[]> {
  return q.query(
    `SELECT id, unit_id, cardinality(problem_ids) AS cases FROM interviews
      WHERE city_id = $1 AND period = $2 AND status <> 'cancelled' ORDER BY unit_id`,
    [cityId, period],
  );
}

/** Level-3 escalations for a slice of one interview's cases (slices keep each transaction short). */
export async function interviewEscalationSlice(
  q: Queryable,
  cityId: string,
  now: Date,
  interviewId: string,
  from: number,
  to: number,
): Promise<NewEscalation[]> {
  const rows = await q.query<{ created: NewEscalation[] | null }>(
    `WITH i AS (SELECT id, unit_id, period, leader_id, problem_ids[$4:$5] AS ids FROM interviews WHERE city_id = $1 AND id = $3),
          s AS (SELECT p.id, p.status FROM i, unnest(i.ids) AS pid JOIN problems p ON p.city_id = $1 AND p.id = pid),
          ins AS (
            INSERT INTO escalations (city_id, problem_id, unit_id, level, reason, period_key, details, created_at)
            SELECT $1, s.id, i.unit_id, 3, 'interview', i.period, jsonb_build_object('interviewId', i.id, 'leaderId', i.leader_id), $2
              FROM s, i
            ON CONFLICT (city_id, problem_id, level, reason, period_key) DO NOTHING
            RETURNING id, problem_id, unit_id, level, reason, period_key, details)
     SELECT ${createdJson} AS created`,
    [cityId, now, interviewId, from, to],
  );
  return rows[0]?.created ?? [];
}

// ---------------------------------------------------------------- resolution

/**
 * Closes escalations whose cause went away, set-based:
 *  - missed report: the weekly clock restarted after the missed due time (a report, an
 *    acceptance, a close-out submission), or the case left the unit's hands;
 *  - overdue: the case is closed, or its deadline no longer passed / moved (an extension);
 *  - verification, interview: the case is closed (a check done on track resolves its own
 *    escalation at once; an interview cancelled resolves its cases').
 * Also cancels open verification tasks of closed cases. Answers how many were resolved.
 */
export async function resolveEscalations(
  q: Queryable,
  cityId: string,
  now: Date,
  tz: string,
  problemId: string | null = null,
): Promise<number> {
  const one = problemId ? `AND e.problem_id = $4::uuid` : `AND $4::uuid IS NULL`;
  const rows = await q.query<{ n: number }>(
    `WITH r AS (
       UPDATE escalations e SET resolved_at = $2
         FROM problems p
        WHERE e.city_id = $1 AND e.resolved_at IS NULL ${one}
          AND p.city_id = e.city_id AND p.id = e.problem_id
          AND (
            p.status IN (${CLOSED})
            OR (e.reason = 'missed_progress' AND (p.status NOT IN (${HELD})
                OR greatest(p.accepted_at, p.last_progress_at, p.submitted_at) > (e.details->>'dueAt')::timestamptz))
            OR (e.reason = 'overdue' AND (p.deadline IS NULL OR p.deadline >= $2
                OR to_char(p.deadline AT TIME ZONE $3, 'YYYY-MM-DD') <> e.period_key))
            OR (e.reason = 'interview' AND EXISTS (SELECT 1 FROM interviews i WHERE i.city_id = e.city_id
                  AND i.id = (e.details->>'interviewId')::uuid AND i.status = 'cancelled'))
          )
       RETURNING e.id
     ), c AS (
       UPDATE case_tasks t SET status = 'cancelled', outcome_note = 'the case was closed'
         FROM problems p
        WHERE t.city_id = $1 AND t.kind = 'verification' AND t.status = 'open' ${problemId ? 'AND t.problem_id = $4::uuid' : ''}
          AND p.city_id = t.city_id AND p.id = t.problem_id AND p.status IN (${CLOSED})
       RETURNING t.id
     )
     SELECT (SELECT count(*)::int FROM r) AS n`,
    [cityId, now, tz, problemId],
  );
  return rows[0]!.n;
}

// ---------------------------------------------------------------- reminders

export interface UnnotifiedGroup {
  unit_id: string;
  unit_name: string;
  n: number;
  by_reason: Record<string, number>;
  period_keys: string[];
  /** up to 20, for the message */
  sample: { id: string; title: string; reason: string }[];
}

/**
 * The escalations of `level` created since the city's last reminder of that level, grouped by
 * unit, and the watermark moved past them. The caller sends one reminder per unit in the same
 * transaction (the watermark row stays locked until it commits), so each goes out once.
 */
export async function takeUnnotified(q: Queryable, cityId: string, level: number): Promise<UnnotifiedGroup[]> {
  await q.query(
    `INSERT INTO escalation_reminders (city_id, level, notified_until) VALUES ($1, $2, '-infinity') ON CONFLICT (city_id, level) DO NOTHING`,
    [cityId, level],
  );
  // the lock: a second reminder of this level waits for this one, then sees its watermark
  await q.query(`SELECT 1 FROM escalation_reminders WHERE city_id = $1 AND level = $2 FOR UPDATE`, [cityId, level]);
  const rows = await q.query<UnnotifiedGroup & { until: Date | null }>(
    `WITH e AS (
       SELECT unit_id, problem_id, reason, period_key, created_at FROM escalations
        WHERE city_id = $1 AND level = $2::smallint
          AND created_at > (SELECT notified_until FROM escalation_reminders WHERE city_id = $1 AND level = $2)
     ), g AS MATERIALIZED (
       SELECT unit_id, count(*)::int AS n, array_agg(DISTINCT period_key ORDER BY period_key) AS period_keys,
              (array_agg(problem_id ORDER BY problem_id))[1:20] AS sample_ids,
              (array_agg(reason ORDER BY problem_id))[1:20] AS sample_reasons
         FROM e GROUP BY unit_id
     ), r AS MATERIALIZED (
       SELECT unit_id, jsonb_object_agg(reason, n) AS by_reason FROM (SELECT unit_id, reason, count(*)::int AS n FROM e GROUP BY 1, 2) x GROUP BY 1
     )
     -- materialized: the aggregates are computed once, not once per unit of a nested loop
     SELECT g.unit_id, u.name AS unit_name, g.n, r.by_reason, g.period_keys,
            (SELECT json_agg(json_build_object('id', p.id, 'title', p.title, 'reason', x.reason) ORDER BY x.ord)
               FROM unnest(g.sample_ids, g.sample_reasons) WITH ORDINALITY AS x(id, reason, ord)
               JOIN problems p ON p.city_id = $1 AND p.id = x.id) AS sample,
            (SELECT max(created_at) FROM e) AS until
       FROM g JOIN r USING (unit_id) JOIN units u ON u.city_id = $1 AND u.id = g.unit_id
      ORDER BY u.code`,
    [cityId, level],
  );
  if (rows.length > 0) {
    await q.query(`UPDATE escalation_reminders SET notified_until = greatest(notified_until, $3) WHERE city_id = $1 AND level = $2`, [
      cityId,
      level,
      rows[0]!.until,
    ]);
  }
  return rows;
}

// ---------------------------------------------------------------- the audit batch

export interface EventBatchRow {
  id: string;
  problemId: string;
  action: string;
  status: string;
  details: string;
  auditSeq: number;
}

export async function insertEventRows(q: Queryable, cityId: string, at: string, rows: EventBatchRow[]): Promise<void> {
  await q.query(
    `INSERT INTO problem_events (city_id, id, problem_id, at, action, actor_id, actor_label, from_status, status, note, details, audit_seq)
     SELECT $1, u.id, u.problem_id, $2::timestamptz, u.action, NULL, 'system', u.status, u.status, NULL, u.details::jsonb, u.seq
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[]) AS u(id, problem_id, action, status, details, seq)`,
    [
      cityId,
      at,
      rows.map((r) => r.id),
      rows.map((r) => r.problemId),
      rows.map((r) => r.action),
      rows.map((r) => r.status),
      rows.map((r) => r.details),
      rows.map((r) => r.auditSeq),
    ],
  );
}

// ---------------------------------------------------------------- reads

export interface EscalationRow {
  id: string;
  problem_id: string;
  title: string;
  case_status: string;
  deadline: Date | null;
  risk_level: string | null;
  unit_id: string;
  unit_name: string;
  level: number;
  reason: string;
  period_key: string;
  details: Record<string, unknown>;
  created_at: Date;
  resolved_at: Date | null;
}

export interface EscalationFilter {
  level?: number | undefined;
  reason?: string | undefined;
  unitId?: string | undefined;
  problemId?: string | undefined;
  open?: boolean | undefined;
  /** a unit actor: only its own */
  onlyUnitId?: string | null;
}

function escalationWhere(cityId: string, f: EscalationFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [cityId];
  const where = ['e.city_id = $1'];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.level !== undefined) where.push(`e.level = ${p(f.level)}::smallint`);
  if (f.reason !== undefined) where.push(`e.reason = ${p(f.reason)}`);
  if (f.unitId !== undefined) where.push(`e.unit_id = ${p(f.unitId)}::uuid`);
  if (f.problemId !== undefined) where.push(`e.problem_id = ${p(f.problemId)}::uuid`);
  if (f.onlyUnitId !== undefined) where.push(f.onlyUnitId ? `e.unit_id = ${p(f.onlyUnitId)}::uuid` : 'false');
  if (f.open === true) where.push('e.resolved_at IS NULL');
  if (f.open === false) where.push('e.resolved_at IS NOT NULL');
  return { sql: where.join(' AND '), params };
}

export async function listEscalations(
  q: Queryable,
  cityId: string,
  f: EscalationFilter,
  limit: number,
  offset: number,
): Promise<{ total: number; rows: EscalationRow[] }> {
  const w = escalationWhere(cityId, f);
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM escalations e WHERE ${w.sql}`, w.params))[0]!.n;
  const rows = await q.query<EscalationRow>(
    `SELECT e.id, e.problem_id, p.title, p.status AS case_status, p.deadline, p.risk_level, e.unit_id, u.name AS unit_name,
            e.level::int AS level, e.reason, e.period_key, e.details, e.created_at, e.resolved_at
       FROM escalations e
       JOIN problems p ON p.city_id = e.city_id AND p.id = e.problem_id
       JOIN units u ON u.city_id = e.city_id AND u.id = e.unit_id
      WHERE ${w.sql}
      ORDER BY e.created_at DESC, e.id
      LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
    [...w.params, limit, offset],
  );
  return { total, rows };
}

export async function maxOpenLevels(q: Queryable, cityId: string, problemIds: string[]): Promise<{ problem_id: string; level: number }[]> {
  if (problemIds.length === 0) return [];
  return q.query(
    `SELECT problem_id, max(level)::int AS level FROM escalations
      WHERE city_id = $1 AND problem_id = ANY($2::uuid[]) AND resolved_at IS NULL GROUP BY problem_id`,
    [cityId, problemIds],
  );
}

export interface UnitSummaryRow {
  unit_id: string;
  unit_name: string;
  unit_code: string;
  l1: number;
  l2: number;
  l3: number;
  missed: number;
  overdue_cases: number;
  held_cases: number;
}

/** Per unit: open escalations by level, 滞后 cases and cases in hand. Units with nothing open are left out. */
export async function unitSummaries(
  q: Queryable,
  cityId: string,
  now: Date,
  onlyUnitId: string | null | undefined,
): Promise<UnitSummaryRow[]> {
  const only = onlyUnitId === undefined ? '' : onlyUnitId ? 'AND u.id = $3::uuid' : 'AND false';
  return q.query<UnitSummaryRow>(
    `WITH e AS (
       SELECT unit_id, count(*) FILTER (WHERE level = 1)::int AS l1, count(*) FILTER (WHERE level = 2)::int AS l2,
              count(*) FILTER (WHERE level = 3)::int AS l3, count(*) FILTER (WHERE reason = 'missed_progress')::int AS missed
         FROM escalations WHERE city_id = $1 AND resolved_at IS NULL GROUP BY unit_id
     ), c AS (
       SELECT responsible_unit_id AS unit_id,
              count(*) FILTER (WHERE deadline < $2 AND status NOT IN (${CLOSED}, 'pending_judgment'))::int AS overdue_cases,
              count(*) FILTER (WHERE status IN (${HELD}))::int AS held_cases
         FROM problems WHERE city_id = $1 AND responsible_unit_id IS NOT NULL AND status NOT IN (${CLOSED}, 'pending_judgment')
        GROUP BY responsible_unit_id
     )
     SELECT u.id AS unit_id, u.name AS unit_name, u.code AS unit_code,
            coalesce(e.l1, 0) AS l1, coalesce(e.l2, 0) AS l2, coalesce(e.l3, 0) AS l3, coalesce(e.missed, 0) AS missed,
            coalesce(c.overdue_cases, 0) AS overdue_cases, coalesce(c.held_cases, 0) AS held_cases
       FROM units u LEFT JOIN e ON e.unit_id = u.id LEFT JOIN c ON c.unit_id = u.id
      WHERE u.city_id = $1 AND (e.unit_id IS NOT NULL OR coalesce(c.overdue_cases, 0) > 0) ${only}
      ORDER BY coalesce(e.l3, 0) DESC, coalesce(e.l2, 0) DESC, coalesce(c.overdue_cases, 0) DESC, coalesce(e.l1, 0) DESC, u.code`,
    onlyUnitId ? [cityId, now, onlyUnitId] : [cityId, now],
  );
}

export interface OverdueCaseRow {
  id: string;
  title: string;
  status: string;
  deadline: Date;
  risk_level: string | null;
  unit_id: string;
  unit_name: string;
  level: number;
}

/** 滞后 cases: not closed, past the deadline (the state machine's isOverdueCase), most overdue first. */
export async function overdueCases(
  q: Queryable,
  cityId: string,
  now: Date,
  f: { unitId?: string | undefined; onlyUnitId?: string | null | undefined },
  limit: number,
  offset: number,
): Promise<{ total: number; rows: OverdueCaseRow[] }> {
  const params: unknown[] = [cityId, now];
  let extra = '';
  if (f.unitId) {
    params.push(f.unitId);
    extra += ` AND p.responsible_unit_id = $${params.length}::uuid`;
  }
  if (f.onlyUnitId !== undefined) {
    if (f.onlyUnitId) {
      params.push(f.onlyUnitId);
      extra += ` AND p.responsible_unit_id = $${params.length}::uuid`;
    } else extra += ' AND false';
  }
  const base = `FROM problems p WHERE p.city_id = $1 AND p.deadline < $2 AND p.status NOT IN (${CLOSED}) ${extra}`;
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n ${base}`, params))[0]!.n;
  const rows = await q.query<OverdueCaseRow>(
    `SELECT p.id, p.title, p.status, p.deadline, p.risk_level, p.responsible_unit_id AS unit_id, u.name AS unit_name,
            coalesce((SELECT max(e.level)::int FROM escalations e WHERE e.city_id = p.city_id AND e.problem_id = p.id AND e.resolved_at IS NULL), 0) AS level
       ${base.replace('FROM problems p', 'FROM problems p JOIN units u ON u.city_id = p.city_id AND u.id = p.responsible_unit_id')}
      ORDER BY p.deadline, p.id
      LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { total, rows };
}

export interface CaseRow {
  id: string;
  title: string;
  status: string;
  deadline: Date | null;
  responsible_unit_id: string | null;
}

export async function caseInScope(
  q: Queryable,
  cityId: string,
  problemId: string,
  scope: { sql: string; params: unknown[] },
): Promise<CaseRow | undefined> {
  return (
    await q.query<CaseRow>(
      `SELECT p.id, p.title, p.status, p.deadline, p.responsible_unit_id FROM problems p
        WHERE p.city_id = $1 AND p.id = $2 AND ${scope.sql}`,
      [cityId, problemId, ...scope.params],
    )
  )[0];
}

// ---------------------------------------------------------------- verification tasks

export interface TaskRow {
  id: string;
  problem_id: string;
  title: string;
  case_status: string;
  deadline: Date | null;
  risk_level: string | null;
  unit_id: string | null;
  unit_name: string | null;
  period_key: string;
  due_at: Date | null;
  status: string;
  why: string | null;
  outcome: string | null;
  outcome_note: string | null;
  photos: string[];
  created_at: Date;
  done_at: Date | null;
  done_by_name: string | null;
}

export async function listVerificationTasks(
  q: Queryable,
  cityId: string,
  f: {
    id?: string | undefined;
    status?: string | undefined;
    period?: string | undefined;
    unitId?: string | undefined;
    onlyUnitId?: string | null | undefined;
  },
  limit: number,
  offset: number,
): Promise<{ total: number; rows: TaskRow[] }> {
  const params: unknown[] = [cityId];
  const where = [`t.city_id = $1`, `t.kind = 'verification'`];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.id) where.push(`t.id = ${p(f.id)}::uuid`);
  if (f.status) where.push(`t.status = ${p(f.status)}`);
  if (f.period) where.push(`t.period_key = ${p(f.period)}`);
  if (f.unitId) where.push(`pr.responsible_unit_id = ${p(f.unitId)}::uuid`);
  if (f.onlyUnitId !== undefined) where.push(f.onlyUnitId ? `pr.responsible_unit_id = ${p(f.onlyUnitId)}::uuid` : 'false');
  const from = `FROM case_tasks t JOIN problems pr ON pr.city_id = t.city_id AND pr.id = t.problem_id WHERE ${where.join(' AND ')}`;
  const total = (await q.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params))[0]!.n;
  const rows = await q.query<TaskRow>(
    `SELECT t.id, t.problem_id, pr.title, pr.status AS case_status, pr.deadline, pr.risk_level, pr.responsible_unit_id AS unit_id,
            u.name AS unit_name, t.period_key, t.due_at, t.status, t.request_note AS why, t.outcome, t.outcome_note, t.photos,
            t.created_at, t.done_at, d.display_name AS done_by_name
       ${from.replace(
         'WHERE',
         `LEFT JOIN units u ON u.city_id = t.city_id AND u.id = pr.responsible_unit_id
                                LEFT JOIN users d ON d.city_id = t.city_id AND d.id = t.done_by WHERE`,
       )}
      ORDER BY t.status = 'open' DESC, t.period_key DESC, pr.deadline NULLS LAST, t.id
      LIMIT ${p(limit)} OFFSET ${p(offset)}`,
    params,
  );
  return { total, rows };
}

export async function lockOpenVerificationTask(
  q: Queryable,
  cityId: string,
  taskId: string,
): Promise<{ id: string; problem_id: string; status: string; period_key: string } | undefined> {
  return (
    await q.query<{ id: string; problem_id: string; status: string; period_key: string }>(
      `SELECT id, problem_id, status, period_key FROM case_tasks WHERE city_id = $1 AND id = $2 AND kind = 'verification' FOR UPDATE`,
      [cityId, taskId],
    )
  )[0];
}

export async function completeVerificationTask(
  q: Queryable,
  cityId: string,
  taskId: string,
  t: { outcome: string; note: string; photos: string[]; doneBy: string | null; at: Date },
): Promise<void> {
  await q.query(
    `UPDATE case_tasks SET status = 'done', outcome = $3, outcome_note = $4, photos = $5::uuid[], done_by = $6, done_at = $7
      WHERE city_id = $1 AND id = $2`,
    [cityId, taskId, t.outcome, t.note, t.photos, t.doneBy, t.at],
  );
}

/** A check on track resolves the case's open level-2 escalations. */
export async function resolveVerificationEscalations(q: Queryable, cityId: string, problemId: string, at: Date): Promise<number> {
  const rows = await q.query(
    `UPDATE escalations SET resolved_at = $3 WHERE city_id = $1 AND problem_id = $2 AND level = 2 AND resolved_at IS NULL RETURNING id`,
    [cityId, problemId, at],
  );
  return rows.length;
}

// ---------------------------------------------------------------- interviews

export interface InterviewRow {
  id: string;
  unit_id: string;
  unit_name: string;
  period: string;
  leader_id: string | null;
  leader_name: string | null;
  problem_ids: string[];
  status: string;
  held_at: Date | null;
  notes: string | null;
  created_at: Date;
}

export async function listInterviews(
  q: Queryable,
  cityId: string,
  period: string,
  onlyUnitId: string | null | undefined,
): Promise<InterviewRow[]> {
  const only = onlyUnitId === undefined ? '' : onlyUnitId ? 'AND i.unit_id = $3::uuid' : 'AND false';
  return q.query<InterviewRow>(
    `SELECT i.id, i.unit_id, u.name AS unit_name, i.period, i.leader_id, l.display_name AS leader_name, i.problem_ids, i.status,
            i.held_at, i.notes, i.created_at
       FROM interviews i
       JOIN units u ON u.city_id = i.city_id AND u.id = i.unit_id
       LEFT JOIN users l ON l.city_id = i.city_id AND l.id = i.leader_id
      WHERE i.city_id = $1 AND i.period = $2 ${only}
      ORDER BY cardinality(i.problem_ids) DESC, u.code`,
    onlyUnitId ? [cityId, period, onlyUnitId] : [cityId, period],
  );
}

export async function interviewPeriods(
  q: Queryable,
  cityId: string,
  onlyUnitId: string | null | undefined,
): Promise<{ period: string; units: number; held: number }[]> {
  const only = onlyUnitId === undefined ? '' : onlyUnitId ? 'AND unit_id = $2::uuid' : 'AND false';
  return q.query(
    `SELECT period, count(*)::int AS units, count(*) FILTER (WHERE status = 'held')::int AS held
       FROM interviews WHERE city_id = $1 ${only} GROUP BY period ORDER BY period DESC LIMIT 36`,
    onlyUnitId ? [cityId, onlyUnitId] : [cityId],
  );
}

export interface BriefCaseRow {
  id: string;
  title: string;
  status: string;
  deadline: Date | null;
  risk_level: string | null;
}

export async function briefCases(q: Queryable, cityId: string, ids: string[]): Promise<BriefCaseRow[]> {
  if (ids.length === 0) return [];
  return q.query<BriefCaseRow>(
    `SELECT id, title, status, deadline, risk_level FROM problems WHERE city_id = $1 AND id = ANY($2::uuid[]) ORDER BY deadline NULLS LAST, id`,
    [cityId, ids],
  );
}

export async function lockInterview(
  q: Queryable,
  cityId: string,
  id: string,
): Promise<{ id: string; status: string; unit_id: string; period: string } | undefined> {
  return (
    await q.query<{ id: string; status: string; unit_id: string; period: string }>(
      `SELECT id, status, unit_id, period FROM interviews WHERE city_id = $1 AND id = $2 FOR UPDATE`,
      [cityId, id],
    )
  )[0];
}

export async function markInterviewHeld(q: Queryable, cityId: string, id: string, heldAt: Date, notes: string): Promise<void> {
  await q.query(`UPDATE interviews SET status = 'held', held_at = $3, notes = $4 WHERE city_id = $1 AND id = $2`, [
    cityId,
    id,
    heldAt,
    notes,
  ]);
}
