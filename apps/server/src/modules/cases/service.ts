/**
 * The rectification loop's actions (SPEC.md M6 研判, M7 交办 → 整改 → 销号). Each one is a
 * transition of the domain's state machine applied through `applyCaseTransition`, plus what
 * the action means beyond the state: the judged columns, the notice number, the deadline
 * from the working calendar, who gets told.
 */
import {
  allowedTransitions,
  caseActionLabels,
  caseEventLabels,
  caseStateInfo,
  endOfLocalDay,
  formatAreaPath,
  isOverdueCase,
  localDate,
  publicText,
  satisfactionForcesRework,
  ticketPrefix,
  type CaseAction,
  type CaseEventAction,
  type CaseState,
  type Deadline,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { actorId, actorLabel, hasRole, systemActor, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { verifyAuditChain } from '../audit/service.ts';
import { escalationLevels, resolveEscalationsOfCase } from '../escalation/service.ts';
import { deadlineForCity } from '../calendar/service.ts';
import { notifyReporters, notifyRole, notifyUnit, notifyUser } from '../notifications/service.ts';
import { firstReportText } from '../problems/service.ts';
import { assessCityRisk, recordConfirmedCategory, subcategoryByCode } from '../taxonomy/service.ts';
import {
  activeUnitIds,
  auditedEventsOfCase,
  caseById,
  completeOpinionTasks,
  countFiles,
  eventsOfCase,
  insertOpinionTask,
  listCases,
  mimesOfFiles,
  namesOfUnits,
  nextNoticeNumber,
  reportsOfCase,
  tasksOfCase,
  userHoldingRole,
  type CaseRow,
} from './queries.ts';
import type {
  CaseDetailT,
  CaseListQueryT,
  CaseSummaryT,
  CloseoutBodyT,
  ExtensionDecisionBodyT,
  JudgmentBodyT,
} from './schemas.ts';
import { applyCaseTransition, caseEventDigest, caseRoles, lockCase, recordCaseEvent } from './transition.ts';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

interface CityFacts {
  code: string;
  name: string;
  timezone: string;
  settings: { intake?: { ticketPrefix?: string } };
}

async function cityFacts(q: Queryable, cityId: string): Promise<CityFacts> {
  return (await q.query<CityFacts>(`SELECT code, name, timezone, settings FROM cities WHERE id = $1`, [cityId]))[0]!;
}

/** The last instant of a day in the city: deadlines are whole days (ending 24:00 local time). */
async function endOfCityDay(q: Queryable, cityId: string, day: string): Promise<Date> {
  const { timezone } = await cityFacts(q, cityId);
  try {
    return endOfLocalDay(day, timezone);
  } catch {
    throw new AppError('calendar.invalid_day', { day });
  }
}

function labelOfEvent(action: string): { zh: string; en: string } {
  return (
    (caseActionLabels as Record<string, { zh: string; en: string }>)[action] ??
    (caseEventLabels as Record<string, { zh: string; en: string }>)[action] ?? {
      created: { zh: '立案', en: 'Created' },
      report_added: { zh: '新增线索', en: 'Report added' },
      merged_into: { zh: '并入其他问题', en: 'Merged into another' },
      merged_from: { zh: '合并其他问题', en: 'Merged another in' },
      split_from: { zh: '拆分自', en: 'Split from' },
      split_into: { zh: '拆分出', en: 'Split into' },
      category_overridden: { zh: '调整分类', en: 'Category changed' },
      located: { zh: '设置位置', en: 'Located' },
      status_changed: { zh: '状态变更', en: 'Status changed' },
    }[action] ?? { zh: action, en: action }
  );
}

// ---------------------------------------------------------------- reads

function summary(r: CaseRow, now: Date, escalationLevel: number): CaseSummaryT {
  const status = r.status as CaseState;
  return {
    id: r.id,
    title: r.title,
    status,
    statusLabel: { zh: caseStateInfo[status].zh, en: caseStateInfo[status].en },
    overdue: isOverdueCase(status, r.deadline ? new Date(r.deadline) : null, now),
    riskLevel: r.risk_level,
    subcategoryCode: r.subcategory_code,
    address: r.address,
    areaPathText: formatAreaPath(r.area_path.map((a) => a.name)),
    needsLocation: r.lng === null,
    responsibleUnit: r.responsible_unit_id ? { id: r.responsible_unit_id, name: r.responsible_unit_name ?? '' } : null,
    noticeNo: r.notice_no,
    deadline: iso(r.deadline),
    lastProgressAt: iso(r.last_progress_at),
    escalationLevel,
    updatedAt: iso(r.updated_at)!,
  };
}

/** What waits for the caller, by role: the office judges and verifies, a unit works, a leader decides extensions. */
function todoStatuses(actor: Actor): CaseState[] {
  const s = new Set<CaseState>();
  if (hasRole(actor, 'office')) ['pending_judgment', 'extension_requested', 'pending_verification'].forEach((x) => s.add(x as CaseState));
  if (hasRole(actor, 'leader')) s.add('extension_requested');
  if (hasRole(actor, 'unit')) ['assigned', 'in_progress', 'returned', 'reopened'].forEach((x) => s.add(x as CaseState));
  if (hasRole(actor, 'thirdparty')) s.add('pending_verification');
  return [...s];
}

const loopStates: CaseState[] = ['assigned', 'in_progress', 'extension_requested', 'pending_verification', 'returned', 'reopened', 'closed'];

export async function caseList(db: Db, actor: Actor, query: CaseListQueryT, now = new Date()) {
  const statuses = query.status ? [query.status] : query.view === 'todo' ? todoStatuses(actor) : query.view === 'loop' ? loopStates : undefined;
  const { total, rows } = await listCases(
    db,
    actor,
    { statuses, unitId: query.unitId, overdue: query.overdue, riskLevel: query.riskLevel, q: query.q, limit: query.limit ?? 50, offset: query.offset ?? 0 },
    now,
  );
  const levels = await escalationLevels(db, actor.cityId, rows.map((r) => r.id));
  return { total, items: rows.map((r) => summary(r, now, levels.get(r.id) ?? 0)) };
}

/** The buttons: the table's rows for the caller's roles, narrowed by what the record allows. */
function actionsFor(actor: Actor, r: CaseRow): CaseDetailT['allowedActions'] {
  const status = r.status as CaseState;
  const notHere: readonly CaseAction[] = ['merge', 'recheck_relapse', 'reopen_low_satisfaction'];
  return allowedTransitions(status, caseRoles(actor))
    .filter((t) => !notHere.includes(t.action))
    .filter((t) => t.action !== 'rule_case_by_case' || r.legacy)
    .filter((t) => !t.roles.every((role) => role === 'unit') || (actor.kind === 'user' && actor.unitId === r.responsible_unit_id))
    .filter((t) => t.action !== 'give_opinion' || !hasRole(actor, 'office') || status === 'pending_verification' || status === 'pending_judgment')
    .map((t) => ({ action: t.action, label: caseActionLabels[t.action], to: t.to }));
}

export async function caseDetail(db: Db, actor: Actor, id: string, now = new Date()): Promise<CaseDetailT> {
  const r = await caseById(db, actor, id);
  if (!r) throw new AppError('resource.not_found');
  const status = r.status as CaseState;
  const [cooperating, allEvents, allTasks, reports, levels] = await Promise.all([
    namesOfUnits(db, actor.cityId, r.cooperating_unit_ids),
    eventsOfCase(db, actor.cityId, id),
    tasksOfCase(db, actor.cityId, id),
    reportsOfCase(db, actor.cityId, id),
    escalationLevels(db, actor.cityId, [id]),
  ]);
  // 回头看 is unannounced (§6.4 神秘顾客): a unit does not see a re-check coming.
  const unitOnly = hasRole(actor, 'unit') && !hasRole(actor, 'admin', 'office', 'leader', 'discipline', 'inspector', 'thirdparty');
  const tasks = unitOnly ? allTasks.filter((t) => t.kind !== 'recheck' || t.status !== 'open') : allTasks;
  const events = unitOnly ? allEvents.filter((e) => !(e.action === 'task_created' && e.details.kind === 'recheck')) : allEvents;
  let riskScore: number | null = null;
  if (r.risk_scores) riskScore = (await assessCityRisk(db, actor.cityId, r.risk_scores)).score;
  let proposedDeadline: string | null = null;
  if (status === 'pending_judgment' && r.deadline_spec) proposedDeadline = iso(await deadlineOf(db, actor.cityId, r.deadline_spec, now));
  else if (status === 'pending_judgment' && r.subcategory_code) {
    const sub = await subcategoryByCode(db, actor.cityId, r.subcategory_code);
    if (sub) proposedDeadline = iso(await deadlineForCity(db, actor.cityId, now, sub.deadline));
  }
  const closeout = r.closeout as Omit<NonNullable<CaseDetailT['closeout']>, 'files'> | null;
  const evidenceFiles = closeout
    ? await mimesOfFiles(db, actor.cityId, [...closeout.beforePhotoIds, ...closeout.afterPhotoIds, closeout.thirdPartyReportId, closeout.satisfactionReceiptId])
    : [];
  return {
    id: r.id,
    title: r.title,
    status,
    statusLabel: { zh: caseStateInfo[status].zh, en: caseStateInfo[status].en },
    overdue: isOverdueCase(status, r.deadline ? new Date(r.deadline) : null, now),
    escalationLevel: levels.get(id) ?? 0,
    address: r.address,
    lng: r.lng,
    lat: r.lat,
    needsLocation: r.lng === null,
    locationFrom: r.location_from,
    areaPath: r.area_path,
    areaPathText: formatAreaPath(r.area_path.map((a) => a.name)),
    subcategoryCode: r.subcategory_code,
    categoryCode: r.category_code,
    riskLevel: r.risk_level,
    riskScores: r.risk_scores,
    riskScore,
    responsibleUnit: r.responsible_unit_id ? { id: r.responsible_unit_id, name: r.responsible_unit_name ?? '' } : null,
    proposedUnit: r.proposed_unit_id ? { id: r.proposed_unit_id, name: r.proposed_unit_name ?? '' } : null,
    cooperatingUnits: cooperating,
    leadLeader: r.lead_leader_id ? { id: r.lead_leader_id, name: r.lead_leader_name ?? '' } : null,
    requirement: r.requirement,
    deadline: iso(r.deadline),
    deadlineSpec: r.deadline_spec,
    proposedDeadline,
    legacy: r.legacy,
    noticeNo: r.notice_no,
    judgedAt: iso(r.judged_at),
    assignedAt: iso(r.assigned_at),
    acceptedAt: iso(r.accepted_at),
    lastProgressAt: iso(r.last_progress_at),
    extensionProposedDeadline: iso(r.extension_proposed_deadline),
    closeout: closeout ? { ...closeout, note: closeout.note ?? null, files: evidenceFiles } : null,
    submittedAt: iso(r.submitted_at),
    closedAt: iso(r.closed_at),
    satisfaction: r.satisfaction,
    returnCount: r.return_count,
    reopenCount: r.reopen_count,
    reportCount: r.report_count,
    firstReportedAt: iso(r.first_reported_at)!,
    reports: reports.map((x) => ({ ticket: x.ticket, source: x.source, text: publicText(x.text), at: iso(x.created_at)!, photoIds: x.photo_ids })),
    allowedActions: actionsFor(actor, r),
    tasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      assignee: t.assignee_name,
      assigneeRole: t.assignee_role,
      requestNote: t.request_note,
      outcome: t.outcome,
      outcomeNote: t.outcome_note,
      createdAt: iso(t.created_at)!,
      doneAt: iso(t.done_at),
    })),
    timeline: events.map((e) => ({
      id: e.id,
      at: iso(e.at)!,
      action: e.action as CaseDetailT['timeline'][number]['action'],
      actionLabel: labelOfEvent(e.action),
      actor: e.actor_label,
      actorName: e.actor_name,
      from: e.from_status,
      to: e.status,
      note: e.note,
      details: e.details,
      chained: e.audit_seq !== null,
    })),
  };
}

// ---------------------------------------------------------------- 研判 judgment

/** A deadline spec as stored: working days or hours from the taxonomy/office, or a fixed last day. */
async function deadlineOf(db: Db, cityId: string, spec: Record<string, unknown>, start: Date): Promise<Date> {
  if (typeof spec.fixedDay === 'string') return endOfCityDay(db, cityId, spec.fixedDay);
  return deadlineForCity(db, cityId, start, { amount: Number(spec.amount), unit: spec.unit as Deadline['unit'] });
}

export async function judgeCase(db: Db, actor: Actor, id: string, body: JudgmentBodyT, ip: string, now = new Date()): Promise<CaseDetailT> {
  const sub = await subcategoryByCode(db, actor.cityId, body.subcategoryCode);
  if (!sub) throw new AppError('taxonomy.unknown_subcategory', { subcategoryCode: body.subcategoryCode });
  const cooperating = (body.cooperatingUnitIds ?? []).filter((u) => u !== body.responsibleUnitId);
  const active = await activeUnitIds(db, actor.cityId, [body.responsibleUnitId, ...cooperating]);
  if (!active.has(body.responsibleUnitId) || cooperating.some((u) => !active.has(u))) throw new AppError('case.unknown_unit');
  if (body.leadLeaderId && !(await userHoldingRole(db, actor.cityId, body.leadLeaderId, 'leader'))) throw new AppError('case.unknown_leader');
  const risk = await assessCityRisk(db, actor.cityId, body.riskScores);
  let deadlineSpec: Record<string, unknown> = { ...(body.deadline ?? sub.deadline) };
  if (body.deadlineDay) {
    if ((await endOfCityDay(db, actor.cityId, body.deadlineDay)) <= now) throw new AppError('case.bad_deadline', { day: body.deadlineDay });
    deadlineSpec = { fixedDay: body.deadlineDay };
  }

  await db.tx(async (q) => {
    const before = await lockCase(q, actor, id);
    await applyCaseTransition(q, actor, id, 'judge', {
      evidence: { subcategoryCode: sub.code, riskLevel: risk.level },
      ip,
      set: {
        subcategory_code: sub.code,
        category_code: sub.categoryCode,
        risk_level: risk.level,
        risk_scores: body.riskScores,
        responsible_unit_id: body.responsibleUnitId,
        cooperating_unit_ids: cooperating,
        lead_leader_id: body.leadLeaderId ?? null,
        requirement: body.requirement?.trim() || null,
        deadline_spec: deadlineSpec,
        legacy: body.legacy ?? false,
        judged_at: now,
        judged_by: actorId(actor),
      },
      details: {
        riskScores: body.riskScores,
        riskScore: risk.score,
        responsibleUnitId: body.responsibleUnitId,
        cooperatingUnitIds: cooperating,
        leadLeaderId: body.leadLeaderId ?? null,
        deadlineSpec,
        legacy: body.legacy ?? false,
      },
    });
    // The judged category is a confirmed label: the classifier learns from it.
    if (before.subcategory_code !== sub.code) {
      const text = await firstReportText(q, actor.cityId, id);
      if (text) await recordConfirmedCategory(q, actor.cityId, text, sub.code, actorId(actor));
    }
    // 红色预警 (seed §5.3): a red problem alerts the responsible unit and the lead leader at once.
    if (risk.level === 'red' && before.risk_level !== 'red') {
      const n = { kind: 'case.red_alert', title: `红色预警：${before.title}`, body: `风险等级为红色（评分 ${risk.score}），请立即关注。`, problemId: id };
      await notifyUnit(q, actor.cityId, body.responsibleUnitId, n);
      if (body.leadLeaderId) await notifyUser(q, actor.cityId, body.leadLeaderId, n);
    }
  });
  return caseDetail(db, actor, id, now);
}

export async function requestOpinion(db: Db, actor: Actor, id: string, body: { expertUserId?: string | null; note: string }, ip: string): Promise<CaseDetailT> {
  if (body.expertUserId && !(await userHoldingRole(db, actor.cityId, body.expertUserId, 'expert'))) throw new AppError('case.unknown_expert');
  await db.tx(async (q) => {
    const c = await lockCase(q, actor, id);
    if (c.status !== 'pending_judgment' && c.status !== 'pending_verification') {
      throw new AppError('case.invalid_transition', { caseStatus: c.status, caseStatusLabel: caseStateInfo[c.status].zh, action: 'request_opinion' });
    }
    const taskId = await insertOpinionTask(q, actor.cityId, { problemId: id, assigneeUserId: body.expertUserId ?? null, note: body.note, createdBy: actorId(actor), createdByLabel: actorLabel(actor) });
    await recordCaseEvent(q, actor, id, 'opinion_requested', { status: c.status, note: body.note, details: { taskId, expertUserId: body.expertUserId ?? null }, ip });
    const n = { kind: 'case.opinion_requested', title: `请出具专家意见：${c.title}`, body: body.note, problemId: id };
    if (body.expertUserId) await notifyUser(q, actor.cityId, body.expertUserId, n);
    else await notifyRole(q, actor.cityId, 'expert', n);
  });
  return caseDetail(db, actor, id);
}

export async function giveOpinion(db: Db, actor: Actor, id: string, opinion: string, ip: string): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    const out = await applyCaseTransition(q, actor, id, 'give_opinion', { reason: opinion, ip });
    if (actor.kind === 'user' && hasRole(actor, 'expert') && !hasRole(actor, 'office', 'thirdparty')) {
      // an expert answers a request: without an open one, there is nothing to answer
      if ((await completeOpinionTasks(q, actor.cityId, id, actor.userId, actor.roles, opinion)) === 0) throw new AppError('case.no_open_task');
    } else if (actor.kind === 'user') {
      await completeOpinionTasks(q, actor.cityId, id, actor.userId, actor.roles, opinion);
    }
    await notifyRole(q, actor.cityId, 'office', { kind: 'case.opinion_given', title: `已出具意见：${out.case.title}`, body: opinion.slice(0, 200), problemId: id });
  });
  return caseDetail(db, actor, id);
}

export async function dismissCase(db: Db, actor: Actor, id: string, reason: string, ip: string): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    await applyCaseTransition(q, actor, id, 'dismiss', { reason, ip });
    await notifyReporters(q, actor.cityId, id, { kind: 'problem.dismissed', title: '您反映的问题不予受理', body: reason });
  });
  return caseDetail(db, actor, id);
}

// ---------------------------------------------------------------- 交办 assignment

export async function assignCase(db: Db, actor: Actor, id: string, note: string | null | undefined, ip: string, now = new Date()): Promise<CaseDetailT> {
  const current = await caseById(db, actor, id);
  if (!current) throw new AppError('resource.not_found');
  if (current.status === 'pending_judgment' && (!current.judged_at || !current.responsible_unit_id || !current.deadline_spec)) throw new AppError('case.not_judged');
  // a unit cannot be sent to a place nobody knows: the office sets the point in the pool first
  if (current.lng === null) throw new AppError('problem.needs_location');
  const deadline = current.deadline_spec ? await deadlineOf(db, actor.cityId, current.deadline_spec, now) : null;
  if (deadline && deadline <= now) throw new AppError('case.bad_deadline');
  const city = await cityFacts(db, actor.cityId);
  const year = Number(localDate(now, city.timezone).slice(0, 4));

  await db.tx(async (q) => {
    const c = await lockCase(q, actor, id);
    const noticeNo = c.notice_no ?? `${ticketPrefix(city.code, city.settings.intake?.ticketPrefix)}整改〔${year}〕${String(await nextNoticeNumber(q, actor.cityId, year)).padStart(4, '0')}号`;
    await applyCaseTransition(q, actor, id, 'assign', {
      evidence: { subcategoryCode: c.subcategory_code, riskLevel: c.risk_level, responsibleUnitId: c.responsible_unit_id, deadline },
      reason: note ?? null,
      ip,
      set: { deadline, assigned_at: now, notice_no: noticeNo },
      details: { noticeNo, deadline: deadline?.toISOString() ?? null },
    });
    const day = deadline ? localDate(deadline, city.timezone) : '';
    const n = { kind: 'case.assigned', title: `新交办问题：${c.title}`, body: `${noticeNo}，请于 ${day} 前整改完毕并报送销号材料。`, problemId: id };
    await notifyUnit(q, actor.cityId, c.responsible_unit_id!, n);
    for (const u of c.cooperating_unit_ids) await notifyUnit(q, actor.cityId, u, { ...n, kind: 'case.cooperating', title: `配合整改：${c.title}` });
    if (c.lead_leader_id) await notifyUser(q, actor.cityId, c.lead_leader_id, { ...n, kind: 'case.leading', title: `牵头督办：${c.title}` });
    await notifyReporters(q, actor.cityId, id, { kind: 'problem.assigned', title: '您反映的问题已交办', body: `已交责任单位整改，时限 ${day}。` });
  });
  return caseDetail(db, actor, id, now);
}

// ---------------------------------------------------------------- the unit at work

export async function acceptCase(db: Db, actor: Actor, id: string, ip: string, now = new Date()): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    await applyCaseTransition(q, actor, id, 'accept', { ip, set: { accepted_at: now } });
  });
  return caseDetail(db, actor, id, now);
}

async function checkFiles(q: Queryable, cityId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if ((await countFiles(q, cityId, unique)) !== unique.length) throw new AppError('case.unknown_file');
}

export async function reportProgress(db: Db, actor: Actor, id: string, body: { note: string; photoIds?: string[] | undefined }, ip: string, now = new Date()): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    await checkFiles(q, actor.cityId, body.photoIds ?? []);
    await applyCaseTransition(q, actor, id, 'report_progress', {
      evidence: { progressNote: body.note },
      ip,
      set: { last_progress_at: now },
      details: { photoIds: body.photoIds ?? [] },
    });
    // the missed report is made good: its escalation ends now, not at the next sweep
    await resolveEscalationsOfCase(q, actor.cityId, id, now);
  });
  return caseDetail(db, actor, id, now);
}

export async function requestExtension(db: Db, actor: Actor, id: string, body: { proposedDay: string; reason: string }, ip: string, now = new Date()): Promise<CaseDetailT> {
  const proposed = await endOfCityDay(db, actor.cityId, body.proposedDay);
  await db.tx(async (q) => {
    const c = await lockCase(q, actor, id);
    if (proposed <= now) throw new AppError('case.bad_deadline', { day: body.proposedDay });
    if (c.deadline && proposed <= new Date(c.deadline)) throw new AppError('case.extension_not_later', { day: body.proposedDay, deadline: iso(c.deadline) });
    await applyCaseTransition(q, actor, id, 'request_extension', {
      evidence: { proposedDeadline: proposed },
      reason: body.reason,
      ip,
      set: { extension_proposed_deadline: proposed },
    });
    const n = { kind: 'case.extension_requested', title: `延期申请：${c.title}`, body: `申请延期至 ${body.proposedDay}：${body.reason}`, problemId: id };
    await notifyRole(q, actor.cityId, 'office', n);
    if (c.lead_leader_id) await notifyUser(q, actor.cityId, c.lead_leader_id, n);
  });
  return caseDetail(db, actor, id, now);
}

export async function decideExtension(db: Db, actor: Actor, id: string, body: ExtensionDecisionBodyT, ip: string, now = new Date()): Promise<CaseDetailT> {
  const chosen = body.newDay ? await endOfCityDay(db, actor.cityId, body.newDay) : null;
  await db.tx(async (q) => {
    const c = await lockCase(q, actor, id);
    const proposed = c.extension_proposed_deadline;
    const note = body.note?.trim() || null;
    let title: string;
    if (body.decision === 'refuse') {
      await applyCaseTransition(q, actor, id, 'refuse_extension', { reason: note, ip, set: { extension_proposed_deadline: null } });
      title = `延期申请未获批准：${c.title}`;
    } else {
      if (body.decision === 'rule_case_by_case' && !c.legacy) throw new AppError('case.not_legacy');
      const newDeadline = chosen ?? (proposed ? new Date(proposed) : null);
      if (newDeadline && newDeadline <= now) throw new AppError('case.bad_deadline');
      const action = body.decision === 'approve' ? 'approve_extension' : 'rule_case_by_case';
      await applyCaseTransition(q, actor, id, action, {
        evidence: { newDeadline, rulingNote: note },
        reason: note,
        ip,
        set: { deadline: newDeadline, extension_proposed_deadline: null },
        details: { previousDeadline: iso(c.deadline) },
      });
      await resolveEscalationsOfCase(q, actor.cityId, id, now);
      title = `${body.decision === 'approve' ? '延期已批准' : '一事一议：延期已批准'}：${c.title}`;
    }
    await notifyUnit(q, actor.cityId, c.responsible_unit_id!, { kind: 'case.extension_decided', title, body: note ?? '', problemId: id });
  });
  return caseDetail(db, actor, id, now);
}

// ---------------------------------------------------------------- 销号 close-out

export async function submitCloseout(db: Db, actor: Actor, id: string, body: CloseoutBodyT, ip: string, now = new Date()): Promise<CaseDetailT> {
  const closeout = {
    beforePhotoIds: body.beforePhotoIds,
    afterPhotoIds: body.afterPhotoIds,
    thirdPartyReportId: body.thirdPartyReportId,
    satisfactionReceiptId: body.satisfactionReceiptId,
    satisfactionScore: body.satisfactionScore,
    note: body.note?.trim() || null,
  };
  await db.tx(async (q) => {
    await checkFiles(q, actor.cityId, [...body.beforePhotoIds, ...body.afterPhotoIds, body.thirdPartyReportId, body.satisfactionReceiptId]);
    const out = await applyCaseTransition(q, actor, id, 'submit_closeout', {
      evidence: {
        beforeAfterPhotos: { before: body.beforePhotoIds, after: body.afterPhotoIds },
        thirdPartyReport: body.thirdPartyReportId,
        satisfactionReceipt: body.satisfactionReceiptId,
        satisfactionScore: body.satisfactionScore,
      },
      reason: closeout.note,
      ip,
      set: { closeout, submitted_at: now, satisfaction: body.satisfactionScore },
    });
    if (satisfactionForcesRework(body.satisfactionScore)) {
      // §6.4: satisfaction under 80% forces re-rectification — the platform sends it back at once.
      await applyCaseTransition(q, systemActor(actor.cityId), id, 'reopen_low_satisfaction', {
        evidence: { satisfactionScore: body.satisfactionScore },
        reason: `群众满意度 ${body.satisfactionScore}% 低于 80%，须重新整改`,
        ip,
        increment: ['return_count'],
      });
      await notifyUnit(q, actor.cityId, out.case.responsible_unit_id!, {
        kind: 'case.returned',
        title: `满意度不足，退回重新整改：${out.case.title}`,
        body: `群众满意度 ${body.satisfactionScore}%，低于 80%。`,
        problemId: id,
      });
      return;
    }
    const n = { kind: 'case.closeout_submitted', title: `销号申请待核验：${out.case.title}`, body: `满意度 ${body.satisfactionScore}%`, problemId: id };
    await notifyRole(q, actor.cityId, 'office', n);
    await notifyRole(q, actor.cityId, 'thirdparty', n);
  });
  return caseDetail(db, actor, id, now);
}

export async function closeCase(db: Db, actor: Actor, id: string, note: string | null | undefined, ip: string, now = new Date()): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    const c = await lockCase(q, actor, id);
    const e = (c.closeout ?? {}) as Partial<CloseoutBodyT>;
    await applyCaseTransition(q, actor, id, 'close', {
      evidence: {
        beforeAfterPhotos: e.beforePhotoIds && e.afterPhotoIds ? { before: e.beforePhotoIds, after: e.afterPhotoIds } : null,
        thirdPartyReport: e.thirdPartyReportId ?? null,
        satisfactionReceipt: e.satisfactionReceiptId ?? null,
        satisfactionScore: e.satisfactionScore ?? null,
      },
      reason: note?.trim() || null,
      ip,
      set: { closed_at: now },
    });
    await resolveEscalationsOfCase(q, actor.cityId, id, now);
    await notifyUnit(q, actor.cityId, c.responsible_unit_id!, { kind: 'case.closed', title: `已销号：${c.title}`, body: c.notice_no ?? '', problemId: id });
    await notifyReporters(q, actor.cityId, id, { kind: 'problem.closed', title: '您反映的问题已整改销号', body: '感谢您的监督。' });
  });
  return caseDetail(db, actor, id, now);
}

export async function returnCase(db: Db, actor: Actor, id: string, reason: string, ip: string, now = new Date()): Promise<CaseDetailT> {
  await db.tx(async (q) => {
    const out = await applyCaseTransition(q, actor, id, 'return', { reason, ip, increment: ['return_count'] });
    await notifyUnit(q, actor.cityId, out.case.responsible_unit_id!, { kind: 'case.returned', title: `销号申请被退回：${out.case.title}`, body: reason, problemId: id });
  });
  return caseDetail(db, actor, id, now);
}

// ---------------------------------------------------------------- the record's integrity

/**
 * For the discipline role: recomputes the city's audit chain and checks every loop event
 * of this case against the digest the chain keeps for it. An edited event shows as
 * altered, a deleted one as missing; an edited chain breaks at the first changed link.
 */
export async function verifyCaseTimeline(db: Db, actor: Actor, id: string) {
  const r = await caseById(db, actor, id);
  if (!r) throw new AppError('resource.not_found');
  const [chain, events, audited] = await Promise.all([verifyAuditChain(db, actor.cityId), eventsOfCase(db, actor.cityId, id), auditedEventsOfCase(db, actor.cityId, id)]);
  const byId = new Map(events.map((e) => [e.id, e]));
  const altered: string[] = [];
  const missing: string[] = [];
  for (const a of audited) {
    const eventId = a.details.eventId;
    if (!eventId) continue;
    const e = byId.get(eventId);
    if (!e) {
      missing.push(eventId);
      continue;
    }
    const digest = caseEventDigest({
      eventId: e.id,
      problemId: id,
      action: e.action,
      from: e.from_status,
      to: e.status,
      actorId: e.actor_id,
      actorLabel: e.actor_label,
      at: new Date(e.at).toISOString(),
      note: e.note,
      details: e.details,
    });
    if (digest !== a.details.digest || e.audit_seq !== a.seq) altered.push(eventId);
  }
  return { ok: chain.ok && altered.length === 0 && missing.length === 0, chain, checked: audited.length, altered, missing };
}

export type { CaseEventAction };
