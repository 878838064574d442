/**
 * 回头看 (re-check, seed §4.4, §6.4, §7.1; SPEC.md M7). Each quarter a random sample of the
 * closed cases becomes re-inspection tasks (季度抽查). A re-check that finds the problem back
 * (返黑返臭, broken again) reopens the case as 反弹重开 with its whole history, a fresh
 * deadline, and one more reopening counted against the unit; one that finds it fixed is
 * recorded on the timeline. A satisfaction survey (神秘顾客回访) under 80% sends a closed
 * case back the same way.
 *
 * Who re-checks: the third party when the city has one. The plan brings third-party bodies
 * in to judge results ("避免既当运动员又当裁判员", §2.3; 神秘顾客 revisits, §6.4); a city
 * without a third-party account gets its inspectors, and failing those the office.
 */
import {
  addCalendarDays,
  caseStateInfo,
  dayNumber,
  defaultRecheckMinDaysClosed,
  defaultLoopSettings,
  eligibleForRecheck,
  endOfLocalDay,
  localDate,
  recheckPeriod,
  relapseRate,
  relapseRateTarget,
  sampleForRecheck,
  satisfactionForcesRework,
  seedFromText,
  startOfLocalDay,
  type CaseState,
  type Deadline,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { actorLabel, hasRole, systemActor, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { deadlineForCity } from '../calendar/service.ts';
import { applyCaseTransition, lockCase, recordCaseEvent, type TransitionInput } from '../cases/transition.ts';
import { filesOf } from '../../files/service.ts';
import { notifyRole, notifyUnit } from '../notifications/service.ts';
import { subcategoryByCode } from '../taxonomy/service.ts';
import {
  activeRoleCounts,
  cancelOpenRechecks,
  caseFacts,
  cityRecheckRate,
  cityTimeZone,
  closedCases,
  finishTask,
  insertRecheckTask,
  listTasks,
  lockDraws,
  lockTask,
  periodDrawn,
  setSatisfaction,
  taskById,
  unitRelapseRows,
  type TaskListRow,
} from './queries.ts';
import type {
  CompleteBodyT,
  RecheckListQueryT,
  RecheckTaskT,
  SampleBodyT,
  SampleResultT,
  SurveyBodyT,
  SurveyResultT,
  UnitRelapseQueryT,
  UnitRelapseReportT,
} from './schemas.ts';

async function timeZoneOf(q: Queryable, cityId: string): Promise<string> {
  const tz = await cityTimeZone(q, cityId);
  if (!tz) throw new AppError('city.not_found');
  return tz;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** A re-check is due this many days after the draw (the end of that day in the city). */
const dueDays = 30;

interface Draw {
  actor: Actor;
  /** the task's period_key: the quarter for the scheduled draw, quarter/instant for one by hand */
  periodKey: string;
  period: string;
  asOf: Date;
  rate: number;
  minDaysClosed: number;
  /** the scheduled draw: once per period, whatever happens to the pool in between */
  oncePerPeriod: boolean;
  ip: string | null;
}

async function draw(db: Db, d: Draw): Promise<SampleResultT> {
  const cityId = d.actor.cityId;
  const seed = seedFromText(`${cityId}|${d.periodKey}`);
  return db.tx(async (q) => {
    await lockDraws(q, cityId);
    const timeZone = await timeZoneOf(q, cityId);
    const assigneeRole = chooseAssignee(await activeRoleCounts(q, cityId));
    const base = { periodKey: d.periodKey, seed, rate: d.rate, assigneeRole };
    if (d.oncePerPeriod) {
      const existing = await periodDrawn(q, cityId, d.periodKey);
      if (existing.length > 0) return { ...base, eligible: 0, created: 0, taskIds: existing, alreadyDrawn: true };
    }
    const candidates = await closedCases(q, cityId, d.period);
    const eligible = candidates
      .filter((c) =>
        eligibleForRecheck(
          { id: c.id, status: c.status, closedAt: c.closed_at && new Date(c.closed_at), recheckedInPeriod: c.rechecked_in_period, openRecheck: c.open_recheck },
          d.asOf,
          d.minDaysClosed,
        ),
      )
      .map((c) => c.id);
    const drawn = sampleForRecheck(eligible, d.rate, seed);
    const dueAt = endOfLocalDay(addCalendarDays(localDate(d.asOf, timeZone), dueDays), timeZone);
    const requestNote = `回头看（${d.period}）随机抽查：核查整改成效是否巩固，有无反弹回潮。`;
    const taskIds: string[] = [];
    for (const problemId of drawn) {
      const taskId = await insertRecheckTask(q, cityId, {
        problemId,
        periodKey: d.periodKey,
        assigneeRole,
        requestNote,
        dueAt,
        createdBy: d.actor.kind === 'user' ? d.actor.userId : null,
        createdByLabel: actorLabel(d.actor),
      });
      if (!taskId) continue;
      taskIds.push(taskId);
      await recordCaseEvent(q, d.actor, problemId, 'task_created', {
        status: 'closed',
        note: requestNote,
        details: { taskId, kind: 'recheck', periodKey: d.periodKey, assigneeRole, dueAt: dueAt.toISOString() },
        ip: d.ip,
      });
    }
    if (taskIds.length > 0) {
      await notifyRole(q, cityId, assigneeRole, {
        kind: 'recheck.tasks',
        title: `回头看抽查任务：${taskIds.length} 件已销号案件`,
        body: `${requestNote}请于 ${localDate(dueAt, timeZone)} 前完成现场核查并填报结果。`,
        problemId: null,
      });
    }
    // The draw is recorded with its seed and pool size, so it can be recomputed and published (一公开).
    await recordAudit(q, d.actor, {
      action: 'recheck.sample',
      targetType: 'recheck',
      targetId: d.periodKey,
      details: { seed, rate: d.rate, minDaysClosed: d.minDaysClosed, asOf: d.asOf.toISOString(), eligible: eligible.length, drawn, assigneeRole },
      ip: d.ip,
    });
    return { ...base, eligible: eligible.length, created: taskIds.length, taskIds, alreadyDrawn: false };
  });
}

function chooseAssignee(active: Record<string, number>): 'thirdparty' | 'inspector' | 'office' {
  if ((active.thirdparty ?? 0) > 0) return 'thirdparty';
  if ((active.inspector ?? 0) > 0) return 'inspector';
  return 'office';
}

/**
 * The scheduled draw of the quarter that `scheduledFor` falls in (city time): `rate` of the
 * cases closed at least `minDaysClosed` days before `scheduledFor`. Once per quarter: a
 * retried run, or a run scheduled more often than quarterly, finds the quarter drawn and
 * creates nothing. The draw is seeded by the city and the quarter, so a run that failed
 * before committing draws the same cases when retried.
 */
export async function sampleRechecks(
  db: Db,
  cityId: string,
  opts: { scheduledFor: Date; rate: number; minDaysClosed?: number },
): Promise<SampleResultT> {
  const period = recheckPeriod(opts.scheduledFor, await timeZoneOf(db, cityId));
  return draw(db, {
    actor: systemActor(cityId),
    periodKey: period,
    period,
    asOf: opts.scheduledFor,
    rate: opts.rate,
    minDaysClosed: opts.minDaysClosed ?? defaultRecheckMinDaysClosed,
    oncePerPeriod: true,
    ip: null,
  });
}

/** The city's 回头看 rate (loop settings, PUT /api/v1/loop-settings), else the default 30%. */
async function configuredRate(db: Db, cityId: string): Promise<number> {
  const r = await cityRecheckRate(db, cityId);
  return typeof r === 'number' && Number.isFinite(r) && r >= 0 && r <= 1 ? r : defaultLoopSettings.recheckRate;
}

/** "Sample now" (the office): an extra draw of this quarter, from the cases not yet re-checked in it. */
export async function sampleNow(db: Db, actor: Actor, body: SampleBodyT, ip: string): Promise<SampleResultT> {
  const now = new Date();
  const period = recheckPeriod(now, await timeZoneOf(db, actor.cityId));
  return draw(db, {
    actor,
    periodKey: `${period}/${now.toISOString()}`,
    period,
    asOf: now,
    rate: body.rate ?? (await configuredRate(db, actor.cityId)),
    minDaysClosed: body.minDaysClosed ?? defaultRecheckMinDaysClosed,
    oncePerPeriod: false,
    ip,
  });
}

// ---------------------------------------------------------------- the tasks

function toTask(r: TaskListRow): RecheckTaskT {
  const status = r.case_status as CaseState;
  return {
    id: r.id,
    problemId: r.problem_id,
    title: r.title,
    address: r.address,
    districtName: r.district_name,
    caseStatus: status,
    caseStatusLabel: { zh: caseStateInfo[status].zh, en: caseStateInfo[status].en },
    riskLevel: r.risk_level,
    subcategoryCode: r.subcategory_code,
    noticeNo: r.notice_no,
    responsibleUnit: r.unit_id ? { id: r.unit_id, name: r.unit_name ?? '' } : null,
    closedAt: iso(r.closed_at),
    reopenCount: r.reopen_count,
    periodKey: r.period_key,
    assigneeRole: r.assignee_role,
    assignee: r.assignee_user_id ? { id: r.assignee_user_id, name: r.assignee_name ?? '' } : null,
    status: r.status,
    requestNote: r.request_note,
    dueAt: iso(r.due_at),
    createdAt: iso(r.created_at)!,
    outcome: r.outcome,
    outcomeNote: r.outcome_note,
    photoIds: r.photos ?? [],
    doneBy: r.done_by ? { id: r.done_by, name: r.done_by_name ?? '' } : null,
    doneAt: iso(r.done_at),
  };
}

/** The office oversees every re-check; the others see and take what was handed to them or to their role. */
const overseesAll = (actor: Actor) => hasRole(actor, 'office');

function handedTo(actor: Actor): { userId: string; roles: string[] } {
  return actor.kind === 'user' ? { userId: actor.userId, roles: [...actor.roles] } : { userId: '00000000-0000-0000-0000-000000000000', roles: [] };
}

export async function recheckList(db: Db, actor: Actor, query: RecheckListQueryT): Promise<{ total: number; items: RecheckTaskT[] }> {
  const rows = await listTasks(db, actor.cityId, {
    view: query.view ?? 'open',
    who: overseesAll(actor) ? null : handedTo(actor),
    mine: handedTo(actor),
    limit: query.limit ?? 50,
    offset: query.offset ?? 0,
  });
  return { total: rows[0]?.total ?? 0, items: rows.map(toTask) };
}

/**
 * The new deadline of a case sent back for rectification: its time limit counted again
 * from now (the judged working days or hours, else its subcategory's). Without a fresh
 * deadline the reopened case would be overdue (滞后) the moment it reopens. Null: keep the old one.
 */
async function freshDeadline(db: Db, cityId: string, problemId: string, now: Date): Promise<Date | null> {
  const facts = await caseFacts(db, cityId, problemId);
  if (!facts) return null;
  const spec = facts.deadline_spec;
  let limit: Deadline | null = null;
  if (spec && typeof spec.amount === 'number' && (spec.unit === 'working_days' || spec.unit === 'hours')) limit = { amount: spec.amount, unit: spec.unit };
  else if (facts.subcategory_code) limit = (await subcategoryByCode(db, cityId, facts.subcategory_code))?.deadline ?? null;
  return limit ? deadlineForCity(db, cityId, now, limit) : null;
}

async function checkPhotos(q: Queryable, cityId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  if ((await filesOf(q, cityId, ids)).length !== new Set(ids).size) throw new AppError('case.unknown_file');
}

/** Reopens a closed case (relapse or low satisfaction): one more reopening counted against the unit, a fresh deadline. */
async function reopen(
  q: Queryable,
  actor: Actor,
  problemId: string,
  action: 'recheck_relapse' | 'reopen_low_satisfaction',
  input: { evidence: TransitionInput['evidence']; reason: string | null; deadline: Date | null; set?: Record<string, unknown>; details: Record<string, unknown>; ip: string },
) {
  // Visibility first (404 outside one's scope); the count is read under the same row lock.
  const c = await lockCase(q, actor, problemId);
  const out = await applyCaseTransition(q, actor, problemId, action, {
    evidence: input.evidence,
    reason: input.reason,
    ip: input.ip,
    increment: ['reopen_count'],
    set: { ...(input.deadline ? { deadline: input.deadline } : {}), ...(input.set ?? {}) },
    details: { ...input.details, reopenCount: c.reopen_count + 1, deadline: input.deadline?.toISOString() ?? null },
  });
  return out;
}

export async function completeRecheck(db: Db, actor: Actor, taskId: string, body: CompleteBodyT, ip: string): Promise<RecheckTaskT> {
  const note = body.note?.trim() || null;
  const photoIds = body.photoIds ?? [];
  const pre = (await taskById(db, actor.cityId, taskId)) ?? null;
  const deadline = body.outcome === 'relapsed' && pre ? await freshDeadline(db, actor.cityId, pre.problem_id, new Date()) : null;
  await db.tx(async (q) => {
    const task = await lockTask(q, actor.cityId, taskId);
    if (!task) throw new AppError('resource.not_found');
    const mine = overseesAll(actor) || (actor.kind === 'user' && (task.assignee_user_id === actor.userId || actor.roles.some((r) => r === task.assignee_role)));
    if (!mine || task.status !== 'open') throw new AppError('case.no_open_task', { taskStatus: task.status });
    await checkPhotos(q, actor.cityId, photoIds);
    const details = { taskId, periodKey: task.period_key, photoIds };
    if (body.outcome === 'passed') {
      const c = await lockCase(q, actor, task.problem_id);
      if (c.status !== 'closed') throw new AppError('case.invalid_transition', { caseStatus: c.status, caseStatusLabel: caseStateInfo[c.status].zh, action: 'recheck_passed' });
      await recordCaseEvent(q, actor, task.problem_id, 'recheck_passed', { status: 'closed', note, details, ip });
    } else {
      const out = await reopen(q, actor, task.problem_id, 'recheck_relapse', { evidence: { relapsePhotos: photoIds }, reason: note, deadline, details, ip });
      const when = deadline ? `，请于 ${localDate(deadline, await timeZoneOf(q, actor.cityId))} 前重新整改` : '，请重新整改';
      if (out.case.responsible_unit_id) {
        await notifyUnit(q, actor.cityId, out.case.responsible_unit_id, {
          kind: 'case.relapsed',
          title: `回头看发现反弹，案件重新打开：${out.case.title}`,
          body: `${note}${when}。反弹计入本单位考核。`,
          problemId: task.problem_id,
        });
      }
      if (!hasRole(actor, 'office')) {
        await notifyRole(q, actor.cityId, 'office', { kind: 'case.relapsed', title: `回头看发现反弹：${out.case.title}`, body: note ?? '', problemId: task.problem_id });
      }
    }
    await finishTask(q, actor.cityId, taskId, { outcome: body.outcome, note, photoIds, doneBy: actor.kind === 'user' ? actor.userId : null });
    if (body.outcome === 'relapsed') await cancelOpenRechecks(q, actor.cityId, task.problem_id, '案件已因回头看反弹重新打开，本次回头看取消');
  });
  return toTask((await taskById(db, actor.cityId, taskId))!);
}

/**
 * A satisfaction survey of a closed case (第三方 神秘顾客 or 满意度回访, §6.4), by the third
 * party or the office. Under 80%: the case reopens for rectification, and any re-check still
 * open on it is cancelled (moot). 80% or more: recorded, the case stays closed.
 */
export async function surveySatisfaction(db: Db, actor: Actor, body: SurveyBodyT, ip: string): Promise<SurveyResultT> {
  // The state machine lets the office and the third party reopen on satisfaction; the same two record a good one.
  if (!hasRole(actor, 'office', 'thirdparty')) throw new AppError('case.forbidden');
  const note = body.note?.trim() || null;
  const low = satisfactionForcesRework(body.score);
  const deadline = low ? await freshDeadline(db, actor.cityId, body.problemId, new Date()) : null;
  return db.tx(async (q) => {
    const c = await lockCase(q, actor, body.problemId);
    if (c.status !== 'closed') throw new AppError('recheck.not_closed', { caseStatus: c.status, caseStatusLabel: caseStateInfo[c.status].zh });
    if (!low) {
      await setSatisfaction(q, actor.cityId, body.problemId, body.score);
      await recordCaseEvent(q, actor, body.problemId, 'recheck_passed', { status: 'closed', note, details: { survey: true, satisfactionScore: body.score }, ip });
      return { problemId: body.problemId, score: body.score, reopened: false, caseStatus: 'closed' as const, deadline: null };
    }
    const reason = note ?? `满意度回访 ${body.score}%，低于 80%，须重新整改`;
    const out = await reopen(q, actor, body.problemId, 'reopen_low_satisfaction', {
      evidence: { satisfactionScore: body.score },
      reason,
      deadline,
      set: { satisfaction: body.score },
      details: { survey: true },
      ip,
    });
    await cancelOpenRechecks(q, actor.cityId, body.problemId, `满意度回访 ${body.score}% 低于 80%，案件已重新整改，本次回头看取消`);
    if (out.case.responsible_unit_id) {
      await notifyUnit(q, actor.cityId, out.case.responsible_unit_id, {
        kind: 'case.reopened_low_satisfaction',
        title: `满意度不足，案件重新整改：${out.case.title}`,
        body: `满意度回访 ${body.score}%，低于 80%${deadline ? `，请于 ${localDate(deadline, await timeZoneOf(q, actor.cityId))} 前重新整改` : ''}。计入本单位考核。`,
        problemId: body.problemId,
      });
    }
    return { problemId: body.problemId, score: body.score, reopened: true, caseStatus: out.to, deadline: iso(deadline) };
  });
}

// ---------------------------------------------------------------- relapses per unit

function checkDay(day: string): string {
  try {
    dayNumber(day);
  } catch {
    throw new AppError('calendar.invalid_day', { day });
  }
  return day;
}

/**
 * Relapses counted against each responsible unit (§6.4, §7.1 反弹率 ≤ 5%): closed, re-checked,
 * passed, relapsed, reopened on low satisfaction. A unit sees its own row only.
 */
export async function unitRelapses(db: Db, actor: Actor, query: UnitRelapseQueryT): Promise<UnitRelapseReportT> {
  const timeZone = await timeZoneOf(db, actor.cityId);
  const from = query.from ? startOfLocalDay(checkDay(query.from), timeZone) : null;
  const to = query.to ? startOfLocalDay(addCalendarDays(checkDay(query.to), 1), timeZone) : null;
  const seesAll = hasRole(actor, 'admin', 'office', 'leader', 'discipline');
  const ownUnit = actor.kind === 'user' ? actor.unitId : null;
  const rows = seesAll || ownUnit ? await unitRelapseRows(db, actor.cityId, { from, to, unitId: seesAll ? null : ownUnit }) : [];
  const units = rows.map((r) => {
    const rate = relapseRate(r.relapsed, r.rechecked);
    return {
      unitId: r.unit_id,
      unitName: r.unit_name,
      closed: r.closed,
      rechecked: r.rechecked,
      passed: r.passed,
      relapsed: r.relapsed,
      lowSatisfaction: r.low_satisfaction,
      relapseRate: rate,
      overTarget: rate !== null && rate > relapseRateTarget,
      reopenCount: r.reopen_count,
    };
  });
  const sum = (k: 'closed' | 'rechecked' | 'passed' | 'relapsed' | 'lowSatisfaction') => units.reduce((n, u) => n + u[k], 0);
  return {
    target: relapseRateTarget,
    from: query.from ?? null,
    to: query.to ?? null,
    totals: {
      closed: sum('closed'),
      rechecked: sum('rechecked'),
      passed: sum('passed'),
      relapsed: sum('relapsed'),
      lowSatisfaction: sum('lowSatisfaction'),
      relapseRate: relapseRate(sum('relapsed'), sum('rechecked')),
    },
    units,
  };
}
