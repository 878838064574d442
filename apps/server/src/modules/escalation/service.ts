/**
 * 三级督办 (SPEC.md M7, seed §4.3): the sweeps the scheduler runs (jobs/loop.ts) and what the
 * console reads. The rules are the domain's (packages/domain/src/escalation.ts); here they run
 * set-based over every case of a city.
 *
 * How a sweep stays correct with retries, crashes and two server processes:
 *  - the scheduler runs each due time once (job_runs' unique key); a retry or a takeover
 *    re-runs the handler, so every write here is idempotent: escalations and verification
 *    tasks are keyed by (case, level, reason, period) and inserted ON CONFLICT DO NOTHING;
 *  - one read finds the cases due and not yet escalated; they are written in slices, each its
 *    own transaction holding the escalations it created, their timeline events and their
 *    audit rows — a crash loses at most the slice in flight;
 *  - reminders go out after the chunks, in one transaction that moves the level's reminder
 *    watermark (escalation_reminders) past what it tells: one reminder per unit per sweep,
 *    listing its cases, sent once even when the run is retried after the chunks were written.
 *
 * The record: every escalation created gets a timeline event ('escalated') and its own audit
 * row with the event's digest, exactly as recordCaseEvent writes them (so the discipline
 * role's timeline check covers them), but written in bulk: per chunk, one recordAuditBatch
 * (a header row and the chunk's rows, one lock, one INSERT) and one INSERT of events.
 * Calling recordCaseEvent per escalation costs four round trips under the city's audit lock
 * per case — fine for a few hundred, hours for a first sweep over a million-case backlog.
 */
import crypto from 'node:crypto';
import {
  caseStateInfo,
  endOfLocalDay,
  escalationLevelInfo,
  escalationReasonInfo,
  fortnightOf,
  isOverdueCase,
  monthKey,
  pickInterviewLeader,
  type CaseState,
  type EscalationLevel,
  type EscalationReason,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { hasRole, systemActor, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit, recordAuditBatch } from '../audit/service.ts';
import { caseScopeSql } from '../cases/scope.ts';
import { caseEventDigest } from '../cases/transition.ts';
import { notifyRole, notifyUnit, notifyUser } from '../notifications/service.ts';
import { filesOf } from '../../files/service.ts';
import {
  briefCases,
  caseInScope,
  cityZone,
  completeVerificationTask,
  districtLeaders,
  insertEventRows,
  insertInterviews,
  interviewEscalationSlice,
  interviewPeriods,
  interviewTallies,
  interviewsOfPeriod,
  listEscalations,
  listInterviews,
  listVerificationTasks,
  lockInterview,
  lockOpenVerificationTask,
  markInterviewHeld,
  maxOpenLevels,
  insertMissedReports,
  insertOverdue,
  insertVerifications,
  newMissedReports,
  newOverdue,
  newVerifications,
  refreshStatistics,
  overdueCases,
  resolveEscalations,
  resolveVerificationEscalations,
  takeUnnotified,
  unitSummaries,
  type EscalationRow,
  type NewEscalation,
  type UnnotifiedGroup,
} from './queries.ts';
import type {
  CompleteTaskBodyT,
  EscalationListQueryT,
  EscalationT,
  HeldBodyT,
  InterviewT,
  OverdueCaseT,
  TaskListQueryT,
  UnitSummaryT,
  VerificationTaskT,
} from './schemas.ts';

export const DEFAULT_CHUNK = 5000;
/** rows written by one sweep after which the tables' statistics are refreshed (see refreshStatistics) */
const ANALYZE_AFTER = 10_000;

export interface SweepOptions {
  /** the sweep's clock (tests and the scheduler pass theirs) */
  now?: Date;
  /** cases per transaction */
  chunkSize?: number;
  /** checked between chunks: a stopping scheduler ends the sweep at a safe point */
  signal?: AbortSignal;
  /** after each chunk commits (progress logs, tests) */
  onChunk?: (c: { sweep: string; found: number; created: number }) => void;
}

export interface SweepResult {
  /** cases found due and not yet escalated */
  found: number;
  /** escalations made (fewer than found when a case changed between the read and its slice) */
  created: number;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

// ---------------------------------------------------------------- the record of a chunk

/**
 * Timeline events and audit rows for escalations just created, inside the chunk's transaction:
 * a header row for the sweep, then one chained row per event carrying its digest (as
 * recordCaseEvent writes them), all appended by the audit module in one batch.
 */
async function recordEscalationEvents(q: Queryable, cityId: string, created: NewEscalation[], at: Date, sweep: string): Promise<void> {
  if (created.length === 0) return;
  const byReason: Record<string, number> = {};
  for (const e of created) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;
  const eventAt = at.toISOString();
  const events = created.map((e) => ({
    id: crypto.randomUUID(),
    problemId: e.problem_id,
    action: 'escalated',
    status: e.status,
    details: JSON.parse(JSON.stringify({ escalationId: e.id, level: e.level, reason: e.reason, periodKey: e.period_key, ...e.details })) as Record<string, unknown>,
  }));
  const seqs = await recordAuditBatch(q, systemActor(cityId), [
    { action: 'escalation.created', targetType: 'city', targetId: cityId, details: { sweep, count: created.length, byReason } },
    ...events.map((e) => ({
      action: 'case.escalated',
      targetType: 'problem',
      targetId: e.problemId,
      details: {
        eventId: e.id,
        from: e.status,
        to: e.status,
        digest: caseEventDigest({
          eventId: e.id,
          problemId: e.problemId,
          action: 'escalated',
          from: e.status,
          to: e.status,
          actorId: null,
          actorLabel: 'system',
          at: eventAt,
          note: null,
          details: e.details,
        }),
      },
    })),
  ]);
  await insertEventRows(
    q,
    cityId,
    eventAt,
    events.map((e, i) => ({ ...e, details: JSON.stringify(e.details), auditSeq: seqs[i + 1]! })),
  );
}

/**
 * One sweep: `find` reads the ids due and not yet escalated (one query), then each slice of
 * `chunkSize` of them is inserted in its own transaction with its record. A slice re-checks
 * the rule row by row, so what changed since the read is left out, and a retry of the whole
 * sweep finds only what is still missing.
 */
async function inSlices(
  db: Db,
  cityId: string,
  sweep: string,
  opts: SweepOptions,
  now: Date,
  find: () => Promise<string[]>,
  insert: (q: Queryable, ids: string[]) => Promise<NewEscalation[]>,
  wrote: readonly ('escalations' | 'case_tasks')[] = ['escalations'],
): Promise<SweepResult> {
  const limit = opts.chunkSize ?? DEFAULT_CHUNK;
  const ids = await find();
  let created = 0;
  for (let i = 0; i < ids.length; i += limit) {
    opts.signal?.throwIfAborted();
    const slice = ids.slice(i, i + limit);
    const n = await db.tx(async (q) => {
      const c = await insert(q, slice);
      await recordEscalationEvents(q, cityId, c, now, sweep);
      return c.length;
    });
    created += n;
    opts.onChunk?.({ sweep, found: slice.length, created: n });
  }
  if (created >= ANALYZE_AFTER) await refreshStatistics(db, wrote);
  return { found: ids.length, created };
}

// ---------------------------------------------------------------- level 1

/** Level 1: a weekly progress report missed (one escalation per case and missed week). */
export async function sweepWeeklyReports(db: Db, cityId: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const now = opts.now ?? new Date();
  const tz = await cityZone(db, cityId);
  return inSlices(
    db,
    cityId,
    'missed_progress',
    opts,
    now,
    () => newMissedReports(db, cityId, now, tz),
    (q, ids) => insertMissedReports(q, cityId, now, tz, ids),
  );
}

/** Level 1: past the deadline, 滞后 (one escalation per case and deadline). */
export async function sweepOverdue(db: Db, cityId: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const now = opts.now ?? new Date();
  const tz = await cityZone(db, cityId);
  return inSlices(
    db,
    cityId,
    'overdue',
    opts,
    now,
    () => newOverdue(db, cityId, now, tz),
    (q, ids) => insertOverdue(q, cityId, now, tz, ids),
  );
}

/** Closes the escalations whose cause went away (a report came in, the case closed, the deadline moved). */
export async function resolveStale(db: Queryable, cityId: string, now = new Date()): Promise<number> {
  return resolveEscalations(db, cityId, now, await cityZone(db, cityId));
}

/**
 * For the cases module, in the transaction of a transition that may remove a cause (a progress
 * report, a close, an extension): resolves that case's escalations at once rather than at the
 * next daily sweep.
 */
export async function resolveEscalationsOfCase(q: Queryable, cityId: string, problemId: string, now = new Date()): Promise<number> {
  return resolveEscalations(q, cityId, now, await cityZone(q, cityId), problemId);
}

const reasonZh = (r: string) => escalationReasonInfo[r as EscalationReason]?.zh ?? r;

function caseLines(g: UnnotifiedGroup): string {
  const lines = g.sample.map((c, i) => `${i + 1}. ${c.title}（${reasonZh(c.reason)}）`);
  if (g.n > g.sample.length) lines.push(`……等共 ${g.n} 件`);
  return lines.join('\n');
}

/** One reminder per unit for its new level-1 escalations, and one summary for the office. */
export async function notifyLevel1(db: Db, cityId: string): Promise<{ units: number; escalations: number }> {
  return db.tx(async (q) => {
    const groups = await takeUnnotified(q, cityId, 1);
    let total = 0;
    for (const g of groups) {
      total += g.n;
      const missed = g.by_reason.missed_progress ?? 0;
      const overdue = g.by_reason.overdue ?? 0;
      const parts = [missed ? `${missed} 件未按周报送整改进展` : '', overdue ? `${overdue} 件已超过整改时限` : '']
        .filter(Boolean)
        .join('，');
      await notifyUnit(q, cityId, g.unit_id, {
        kind: 'escalation.reminder',
        title: `一级督办提醒：${parts}`,
        body: `请尽快报送整改进展并按期完成整改：\n${caseLines(g)}`,
        problemId: g.n === 1 ? g.sample[0]!.id : null,
      });
    }
    if (groups.length > 0) {
      await notifyRole(q, cityId, 'office', {
        kind: 'escalation.summary',
        title: `一级督办：${groups.length} 个单位、${total} 件案件`,
        body: groups.map((g) => `${g.unit_name}：${g.n} 件`).join('\n'),
        problemId: null,
      });
    }
    return { units: groups.length, escalations: total };
  });
}

export interface DailySweepResult {
  missedReports: SweepResult;
  overdue: SweepResult;
  resolved: number;
  notified: { units: number; escalations: number };
}

/** The daily job ('escalation-sweep'): level 1 in full — resolve, detect, remind. */
export async function sweepEscalations(db: Db, cityId: string, opts: SweepOptions = {}): Promise<DailySweepResult> {
  const now = opts.now ?? new Date();
  const o = { ...opts, now };
  // resolve first: a report filed yesterday closes last week's escalation before today's look
  const resolved = await resolveStale(db, cityId, now);
  const missedReports = await sweepWeeklyReports(db, cityId, o);
  const overdue = await sweepOverdue(db, cityId, o);
  opts.signal?.throwIfAborted();
  const notified = await notifyLevel1(db, cityId);
  return { missedReports, overdue, resolved, notified };
}

// ---------------------------------------------------------------- level 2

/**
 * The weekly job ('verification-sweep'): for the fortnight of `now`, a verification task for
 * the office per case of concern that has none yet (each case gets one every two weeks),
 * with a level-2 escalation; then one notice to the office.
 */
export async function sweepVerification(
  db: Db,
  cityId: string,
  opts: SweepOptions = {},
): Promise<SweepResult & { fortnight: string; notified: number }> {
  const now = opts.now ?? new Date();
  const tz = await cityZone(db, cityId);
  await resolveEscalations(db, cityId, now, tz);
  const f = fortnightOf(now, tz);
  // due by the end of the fortnight's last day in the city
  const dueAt = endOfLocalDay(f.end, tz);
  const r = await inSlices(
    db,
    cityId,
    'verification',
    opts,
    now,
    () => newVerifications(db, cityId, now, f.key),
    (q, ids) => insertVerifications(q, cityId, now, { key: f.key, dueAt }, ids),
    ['escalations', 'case_tasks'],
  );
  opts.signal?.throwIfAborted();
  const notified = await db.tx(async (q) => {
    const groups = await takeUnnotified(q, cityId, 2);
    const n = groups.reduce((s, g) => s + g.n, 0);
    if (n === 0) return 0;
    return notifyRole(q, cityId, 'office', {
      kind: 'escalation.verification',
      title: `二级督办：本期（${f.start} 至 ${f.end}）新增实地核查任务 ${n} 件`,
      body: groups.map((g) => `${g.unit_name}：${g.n} 件`).join('\n'),
      problemId: null,
    });
  });
  return { ...r, fortnight: f.key, notified };
}

/** The office's verification tasks. A unit sees those of its own cases. */
export async function verificationTasks(
  db: Db,
  actor: Actor,
  query: TaskListQueryT & { id?: string },
  now = new Date(),
): Promise<{ total: number; items: VerificationTaskT[] }> {
  const { total, rows } = await listVerificationTasks(
    db,
    actor.cityId,
    { id: query.id, status: query.status, period: query.period, unitId: query.unitId, ...onlyUnit(actor) },
    query.limit ?? 50,
    query.offset ?? 0,
  );
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      problemId: r.problem_id,
      title: r.title,
      caseStatus: r.case_status as CaseState,
      caseStatusLabel: { zh: caseStateInfo[r.case_status as CaseState].zh, en: caseStateInfo[r.case_status as CaseState].en },
      deadline: iso(r.deadline),
      overdue: isOverdueCase(r.case_status as CaseState, r.deadline ? new Date(r.deadline) : null, now),
      riskLevel: r.risk_level as VerificationTaskT['riskLevel'],
      unit: r.unit_id ? { id: r.unit_id, name: r.unit_name ?? '' } : null,
      periodKey: r.period_key,
      dueAt: iso(r.due_at),
      status: r.status as VerificationTaskT['status'],
      why: (r.why as VerificationTaskT['why']) ?? null,
      outcome: (r.outcome as VerificationTaskT['outcome']) ?? null,
      note: r.outcome_note,
      photos: r.photos ?? [],
      createdAt: iso(r.created_at)!,
      doneAt: iso(r.done_at),
      doneBy: r.done_by_name,
    })),
  };
}

/**
 * The office records its on-site check: on track (the case's level-2 escalation resolves) or
 * lagging (it stays open, and the case goes on next month's interview list with its unit).
 */
export async function completeVerification(
  db: Db,
  actor: Actor,
  taskId: string,
  body: CompleteTaskBodyT,
  ip: string,
  now = new Date(),
): Promise<VerificationTaskT> {
  const photos = [...new Set(body.photos ?? [])];
  await db.tx(async (q) => {
    const t = await lockOpenVerificationTask(q, actor.cityId, taskId);
    if (!t) throw new AppError('resource.not_found');
    if (t.status !== 'open') throw new AppError('escalation.task_not_open', { status: t.status });
    if (photos.length > 0 && (await filesOf(q, actor.cityId, photos)).length !== photos.length) throw new AppError('case.unknown_file');
    await completeVerificationTask(q, actor.cityId, taskId, {
      outcome: body.outcome,
      note: body.note,
      photos,
      doneBy: actor.kind === 'user' ? actor.userId : null,
      at: now,
    });
    const resolved = body.outcome === 'on_track' ? await resolveVerificationEscalations(q, actor.cityId, t.problem_id, now) : 0;
    await recordAudit(q, actor, {
      action: 'escalation.verify',
      targetType: 'problem',
      targetId: t.problem_id,
      details: { taskId, periodKey: t.period_key, outcome: body.outcome, note: body.note, photos, resolved },
      ip,
    });
  });
  return (await verificationTasks(db, actor, { id: taskId }, now)).items[0]!;
}

// ---------------------------------------------------------------- level 3

/**
 * The monthly job ('interview-list'): the month's interview list — each unit with lagging
 * cases, the cases attached, the leader (domain pickInterviewLeader) — a level-3 escalation
 * per case attached, and one notice to each leader, each unit and the office.
 */
export async function sweepInterviews(
  db: Db,
  cityId: string,
  opts: SweepOptions = {},
): Promise<{ period: string; interviews: number; created: number }> {
  const now = opts.now ?? new Date();
  const tz = await cityZone(db, cityId);
  const period = monthKey(now, tz);
  await resolveEscalations(db, cityId, now, tz);

  // the leaders: tallied in SQL, chosen by the domain rule
  const tallies = await interviewTallies(db, cityId, now);
  const leadersOf = await districtLeaders(db, cityId);
  const perUnit = new Map<string, { lead: Map<string, number>; districts: Map<string, number>; unitDistrict: string | null }>();
  for (const t of tallies) {
    const u = perUnit.get(t.unit_id) ?? { lead: new Map(), districts: new Map(), unitDistrict: t.unit_district_id };
    if (t.lead_leader_id) u.lead.set(t.lead_leader_id, (u.lead.get(t.lead_leader_id) ?? 0) + t.n);
    if (t.district_id) u.districts.set(t.district_id, (u.districts.get(t.district_id) ?? 0) + t.n);
    perUnit.set(t.unit_id, u);
  }
  const unitIds = [...perUnit.keys()];
  const leaderIds = unitIds.map((id) => {
    const u = perUnit.get(id)!;
    return pickInterviewLeader({ leadLeaders: u.lead, districts: u.districts, unitDistrictId: u.unitDistrict }, leadersOf);
  });
  const made = await db.tx(async (q) => {
    const rows = await insertInterviews(q, cityId, now, period, { unitIds, leaderIds });
    if (rows.length > 0) {
      await recordAudit(q, systemActor(cityId), {
        action: 'escalation.interviews_listed',
        targetType: 'city',
        targetId: cityId,
        details: { period, units: rows.length, cases: rows.reduce((s, r) => s + Number(r.cases), 0) },
      });
    }
    return rows;
  });

  // level-3 escalations of every interview of the month (also those a failed attempt made)
  const limit = opts.chunkSize ?? DEFAULT_CHUNK;
  let created = 0;
  for (const i of await interviewsOfPeriod(db, cityId, period)) {
    for (let from = 1; from <= Number(i.cases); from += limit) {
      opts.signal?.throwIfAborted();
      const n = await db.tx(async (q) => {
        const c = await interviewEscalationSlice(q, cityId, now, i.id, from, from + limit - 1);
        await recordEscalationEvents(q, cityId, c, now, 'interview');
        return c.length;
      });
      created += n;
      opts.onChunk?.({ sweep: 'interview', found: Math.min(limit, Number(i.cases) - from + 1), created: n });
    }
  }

  opts.signal?.throwIfAborted();
  await db.tx(async (q) => {
    const groups = await takeUnnotified(q, cityId, 3);
    if (groups.length === 0) return;
    const interviews = new Map((await listInterviews(q, cityId, period, undefined)).map((i) => [i.unit_id, i]));
    const byLeader = new Map<string, UnnotifiedGroup[]>();
    for (const g of groups) {
      const i = interviews.get(g.unit_id);
      await notifyUnit(q, cityId, g.unit_id, {
        kind: 'escalation.interview',
        title: `三级督办：本单位列入 ${period} 约谈名单`,
        body: `${i?.leader_name ? `约谈领导：${i.leader_name}。` : ''}涉及滞后案件 ${g.n} 件：\n${caseLines(g)}`,
        problemId: g.n === 1 ? g.sample[0]!.id : null,
      });
      if (i?.leader_id) byLeader.set(i.leader_id, [...(byLeader.get(i.leader_id) ?? []), g]);
    }
    for (const [leaderId, gs] of byLeader) {
      await notifyUser(q, cityId, leaderId, {
        kind: 'escalation.interview',
        title: `${period} 约谈名单：请约谈 ${gs.length} 个滞后单位负责人`,
        body: gs.map((g) => `${g.unit_name}：滞后案件 ${g.n} 件`).join('\n'),
        problemId: null,
      });
    }
    await notifyRole(q, cityId, 'office', {
      kind: 'escalation.interview',
      title: `${period} 约谈名单已生成：${groups.length} 个单位`,
      body: groups
        .map(
          (g) =>
            `${g.unit_name}：${g.n} 件${interviews.get(g.unit_id)?.leader_name ? `（${interviews.get(g.unit_id)!.leader_name}）` : '（待定约谈领导）'}`,
        )
        .join('\n'),
      problemId: null,
    });
  });
  return { period, interviews: made.length, created };
}

export async function interviewsOf(
  db: Db,
  actor: Actor,
  period: string | undefined,
  now = new Date(),
): Promise<{ period: string; periods: { period: string; units: number; held: number }[]; items: InterviewT[] }> {
  const only = onlyUnit(actor).onlyUnitId;
  const periods = await interviewPeriods(db, actor.cityId, only);
  const p = period ?? periods[0]?.period ?? monthKey(now, await cityZone(db, actor.cityId));
  const rows = await listInterviews(db, actor.cityId, p, only);
  const cases = new Map((await briefCases(db, actor.cityId, [...new Set(rows.flatMap((r) => r.problem_ids))])).map((c) => [c.id, c]));
  return {
    period: p,
    periods,
    items: rows.map((r) => ({
      id: r.id,
      period: r.period,
      unit: { id: r.unit_id, name: r.unit_name },
      leader: r.leader_id ? { id: r.leader_id, name: r.leader_name ?? '' } : null,
      status: r.status as InterviewT['status'],
      heldAt: iso(r.held_at),
      notes: r.notes,
      createdAt: iso(r.created_at)!,
      cases: r.problem_ids
        .map((id) => cases.get(id))
        .filter((c) => c !== undefined)
        .map((c) => ({
          id: c.id,
          title: c.title,
          status: c.status as CaseState,
          statusLabel: { zh: caseStateInfo[c.status as CaseState].zh, en: caseStateInfo[c.status as CaseState].en },
          deadline: iso(c.deadline),
          overdue: isOverdueCase(c.status as CaseState, c.deadline ? new Date(c.deadline) : null, now),
          riskLevel: c.risk_level as 'red' | 'yellow' | 'green' | null,
        })),
    })),
  };
}

/** The leader (or the office) records that the interview took place, with its notes. */
export async function markHeld(db: Db, actor: Actor, id: string, body: HeldBodyT, ip: string, now = new Date()): Promise<InterviewT> {
  const period = await db.tx(async (q) => {
    const i = await lockInterview(q, actor.cityId, id);
    if (!i) throw new AppError('resource.not_found');
    if (i.status !== 'scheduled') throw new AppError('escalation.interview_not_scheduled', { status: i.status });
    const heldAt = body.heldAt ? new Date(body.heldAt) : now;
    await markInterviewHeld(q, actor.cityId, id, heldAt, body.notes);
    await recordAudit(q, actor, {
      action: 'escalation.interview_held',
      targetType: 'interview',
      targetId: id,
      details: { period: i.period, unitId: i.unit_id, heldAt: heldAt.toISOString(), notes: body.notes },
      ip,
    });
    return i.period;
  });
  return (await interviewsOf(db, actor, period, now)).items.find((i) => i.id === id)!;
}

// ---------------------------------------------------------------- reads

/** A unit sees only its own escalations; the office, leaders, discipline and admins all. */
function onlyUnit(actor: Actor): { onlyUnitId?: string | null } {
  if (hasRole(actor, 'admin', 'office', 'leader', 'discipline') || actor.kind === 'system') return {};
  if (actor.kind === 'user' && actor.roles.includes('unit')) return { onlyUnitId: actor.unitId };
  return { onlyUnitId: null };
}

function toEscalation(r: EscalationRow, now: Date): EscalationT {
  const status = r.case_status as CaseState;
  return {
    id: r.id,
    problemId: r.problem_id,
    title: r.title,
    caseStatus: status,
    caseStatusLabel: { zh: caseStateInfo[status].zh, en: caseStateInfo[status].en },
    deadline: iso(r.deadline),
    overdue: isOverdueCase(status, r.deadline ? new Date(r.deadline) : null, now),
    riskLevel: r.risk_level as EscalationT['riskLevel'],
    unit: { id: r.unit_id, name: r.unit_name },
    level: r.level as EscalationLevel,
    levelLabel: escalationLevelInfo[r.level as EscalationLevel],
    reason: r.reason as EscalationReason,
    reasonLabel: { zh: escalationReasonInfo[r.reason as EscalationReason].zh, en: escalationReasonInfo[r.reason as EscalationReason].en },
    periodKey: r.period_key,
    details: r.details,
    createdAt: iso(r.created_at)!,
    resolvedAt: iso(r.resolved_at),
  };
}

export async function escalationList(
  db: Db,
  actor: Actor,
  query: EscalationListQueryT,
  now = new Date(),
): Promise<{ total: number; items: EscalationT[] }> {
  const { total, rows } = await listEscalations(
    db,
    actor.cityId,
    { level: query.level, reason: query.reason, unitId: query.unitId, problemId: query.problemId, open: query.open, ...onlyUnit(actor) },
    query.limit ?? 50,
    query.offset ?? 0,
  );
  return { total, items: rows.map((r) => toEscalation(r, now)) };
}

export async function unitView(db: Db, actor: Actor, now = new Date()): Promise<UnitSummaryT[]> {
  const rows = await unitSummaries(db, actor.cityId, now, onlyUnit(actor).onlyUnitId);
  return rows.map((r) => ({
    unit: { id: r.unit_id, name: r.unit_name, code: r.unit_code },
    open: { level1: r.l1, level2: r.l2, level3: r.l3, missedReports: r.missed },
    overdueCases: r.overdue_cases,
    casesInHand: r.held_cases,
    maxLevel: r.l3 ? 3 : r.l2 ? 2 : r.l1 ? 1 : 0,
  }));
}

export async function overdueList(
  db: Db,
  actor: Actor,
  query: { unitId?: string | undefined; limit?: number | undefined; offset?: number | undefined },
  now = new Date(),
): Promise<{ total: number; items: OverdueCaseT[] }> {
  const { total, rows } = await overdueCases(
    db,
    actor.cityId,
    now,
    { unitId: query.unitId, ...onlyUnit(actor) },
    query.limit ?? 50,
    query.offset ?? 0,
  );
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status as CaseState,
      statusLabel: { zh: caseStateInfo[r.status as CaseState].zh, en: caseStateInfo[r.status as CaseState].en },
      deadline: iso(r.deadline)!,
      daysOverdue: Math.max(1, Math.ceil((now.getTime() - new Date(r.deadline).getTime()) / 86_400_000)),
      riskLevel: r.risk_level as OverdueCaseT['riskLevel'],
      unit: { id: r.unit_id, name: r.unit_name },
      level: r.level,
    })),
  };
}

/** Highest open escalation level per case (0 when none): for the cases module's lists and detail. */
export async function escalationLevels(q: Queryable, cityId: string, problemIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(problemIds.map((id) => [id, 0]));
  for (const r of await maxOpenLevels(q, cityId, problemIds)) out.set(r.problem_id, r.level);
  return out;
}

/** One case's escalation level and history, for anyone who may see the case. */
export async function caseEscalation(db: Db, actor: Actor, problemId: string, now = new Date()) {
  const scope = caseScopeSql(actor, 'p', 3);
  const c = await caseInScope(db, actor.cityId, problemId, scope);
  if (!c) throw new AppError('resource.not_found');
  const { rows } = await listEscalations(db, actor.cityId, { problemId }, 500, 0);
  const items = rows.map((r) => toEscalation(r, now));
  const open = items.filter((e) => e.resolvedAt === null);
  return {
    problemId,
    level: open.reduce((m, e) => Math.max(m, e.level), 0),
    overdue: isOverdueCase(c.status as CaseState, c.deadline ? new Date(c.deadline) : null, now),
    open,
    history: items,
  };
}
