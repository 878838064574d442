/**
 * 每日会商 (daily consolidation, seed §4.2, SPEC.md M6): at 20:00 city time the day's
 * problem list with its red / yellow / green levels is compiled; the office reviews it at
 * its evening meeting; the next morning each responsible unit is sent its part.
 *
 * The jobs (apps/server/src/jobs) call `compileConsolidation` and `pushConsolidation` with
 * the run's due time, so a late or retried run works on the right day and does the same.
 *
 * The push does not wait for the review. The plan fixes the timing ("次日精准推送至责任单位")
 * and red items are major safety hazards the units must act on at once (§5.3, §6.3); holding
 * the whole list back because the evening meeting has not signed it would delay exactly
 * those. So an unreviewed list still goes out in the morning, marked 未经审核 in the units'
 * message, and the office is told it went out unreviewed; a review afterwards is recorded
 * on the list but sends nothing again.
 */
import {
  caseStateInfo,
  compareByRisk,
  consolidationCounts,
  consolidationDay,
  consolidationItemsForUnit,
  consolidationWindow,
  addCalendarDays,
  dayNumber,
  groupConsolidationByUnit,
  localDate,
  pushedDay,
  type CaseState,
  type IsoDate,
} from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import { hasRole, systemActor, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { riskFill, tablesXlsx } from '../../documents/xlsx.ts';
import { recordAudit } from '../audit/service.ts';
import { notifyRole, notifyUnit } from '../notifications/service.ts';
import { currentTaxonomy } from '../taxonomy/service.ts';
import {
  cityTimeZone,
  claimPush,
  consolidationByDay,
  dayProblems,
  listConsolidations,
  markReviewed,
  upsertConsolidation,
  type ConsolidationRow,
  type DayProblemRow,
} from './queries.ts';
import type {
  CompileBodyT,
  ConsolidationItemT,
  ConsolidationListQueryT,
  ConsolidationSummaryT,
  ConsolidationT,
  CountsT,
} from './schemas.ts';

async function timeZoneOf(db: Db, cityId: string): Promise<string> {
  const tz = await cityTimeZone(db, cityId);
  if (!tz) throw new AppError('city.not_found');
  return tz;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toItem(r: DayProblemRow, subcategoryNames: Map<string, string>): ConsolidationItemT {
  const reasons: ConsolidationItemT['reasons'] = [];
  if (r.is_new) reasons.push('new');
  if (r.is_late) reasons.push('late');
  if (r.is_judged) reasons.push('judged');
  if (r.is_pending_red) reasons.push('pending_red');
  const status = r.status as CaseState;
  return {
    problemId: r.id,
    title: r.title,
    riskLevel: r.risk_level,
    status,
    statusLabel: { zh: caseStateInfo[status].zh, en: caseStateInfo[status].en },
    unitId: r.responsible_unit_id ?? r.proposed_unit_id,
    unitName: r.unit_name,
    unitConfirmed: r.responsible_unit_id !== null,
    cooperatingUnitIds: r.cooperating_unit_ids ?? [],
    cooperatingUnitNames: r.cooperating_unit_names ?? [],
    subcategoryCode: r.subcategory_code,
    subcategoryName: r.subcategory_code ? (subcategoryNames.get(r.subcategory_code) ?? null) : null,
    categoryCode: r.category_code,
    address: r.address,
    districtName: r.district_name,
    reportCount: r.report_count,
    firstReportedAt: iso(r.first_reported_at)!,
    createdAt: iso(r.created_at)!,
    judgedAt: iso(r.judged_at),
    deadline: iso(r.deadline),
    noticeNo: r.notice_no,
    reasons,
  };
}

export interface CompileResult {
  day: IsoDate;
  /** false: the stored list was kept, because it was already reviewed or pushed */
  compiled: boolean;
  counts: CountsT;
}

/** Compiles (or recompiles) the list of `day` in one transaction with its audit row. */
async function compileDay(db: Db, actor: Actor, day: IsoDate, ip: string | null): Promise<CompileResult> {
  const timeZone = await timeZoneOf(db, actor.cityId);
  const w = consolidationWindow(day, timeZone);
  const prevDay = addCalendarDays(day, -1);
  const names = new Map((await currentTaxonomy(db, actor.cityId)).subcategories.map((s) => [s.code, s.name]));
  return db.tx(async (q) => {
    const rows = await dayProblems(q, actor.cityId, { ...w, prevDay, prevFrom: consolidationWindow(prevDay, timeZone).from });
    const items = rows.map((r) => toItem(r, names)).sort(compareByRisk<ConsolidationItemT>((a, b) => a.createdAt.localeCompare(b.createdAt)));
    const counts = consolidationCounts(items);
    const compiled = await upsertConsolidation(q, actor.cityId, { day, compiledAt: new Date(), items, counts });
    if (compiled) {
      await recordAudit(q, actor, { action: 'consolidation.compile', targetType: 'consolidation', targetId: day, details: { counts }, ip });
      return { day, compiled, counts };
    }
    const kept = (await consolidationByDay(q, actor.cityId, day))!;
    return { day, compiled, counts: countsOf(kept.counts) };
  });
}

/**
 * The 20:00 job: compiles the list of the city-local day of `scheduledFor`. Idempotent: a
 * retry or a second run replaces the items with the current ones while the list is neither
 * reviewed nor pushed, and keeps it as it is after that.
 */
export async function compileConsolidation(db: Db, cityId: string, scheduledFor: Date): Promise<CompileResult> {
  const day = consolidationDay(scheduledFor, await timeZoneOf(db, cityId));
  return compileDay(db, systemActor(cityId), day, null);
}

/** The list per unit, a cooperating unit's group named from the items that name it. */
function unitGroups(items: readonly ConsolidationItemT[]) {
  const names = new Map<string, string>();
  for (const i of items) {
    if (i.unitId && i.unitName) names.set(i.unitId, i.unitName);
    i.cooperatingUnitIds.forEach((id, n) => i.cooperatingUnitNames[n] && names.set(id, i.cooperatingUnitNames[n]));
  }
  return groupConsolidationByUnit(items).map((g) => ({ ...g, unitName: g.unitName ?? (g.unitId ? (names.get(g.unitId) ?? null) : null) }));
}

export interface PushResult {
  day: IsoDate;
  /** false: the list had already been pushed (nothing sent this time) */
  pushed: boolean;
  /** whether the office had reviewed it when it went out */
  reviewed: boolean;
  /** units sent their part, and the people in them who got the message */
  units: number;
  recipients: number;
}

const riskZh: Record<string, string> = { red: '红', yellow: '黄', green: '绿' };
const riskTag = (l: string | null) => (l ? riskZh[l]! : '未研判');
const countsLine = (c: CountsT) => `红 ${c.red} · 黄 ${c.yellow} · 绿 ${c.green} · 未研判 ${c.unrated}`;
/** a notification lists this many items, then "…等 N 项" (the full list is in the console) */
const listedInMessage = 30;

function unitMessage(day: IsoDate, items: readonly ConsolidationItemT[], reviewed: boolean) {
  const c = consolidationCounts(items);
  const lines = items.slice(0, listedInMessage).map((i) => `【${riskTag(i.riskLevel)}】${i.title}${i.address ? `（${i.address}）` : ''} — ${i.statusLabel.zh}`);
  if (items.length > listedInMessage) lines.push(`…等共 ${items.length} 项，详见工作台“每日会商”。`);
  return {
    kind: 'consolidation.pushed',
    title: `每日会商问题清单 ${day}：${c.total} 项${reviewed ? '' : '（未经审核）'}`,
    body: [countsLine(c), ...lines].join('\n'),
    problemId: null,
  };
}

/**
 * The morning job: sends the list of the day before `scheduledFor` (city-local) to each
 * unit, once. A unit gets one message listing the items it answers for or cooperates on;
 * items no unit answers for yet go to the office. A list never compiled (the 20:00 run
 * failed for good) is compiled first. A second call finds it pushed and sends nothing.
 */
export async function pushConsolidation(db: Db, cityId: string, scheduledFor: Date): Promise<PushResult> {
  const day = pushedDay(scheduledFor, await timeZoneOf(db, cityId));
  if (!(await consolidationByDay(db, cityId, day))) await compileDay(db, systemActor(cityId), day, null);
  return db.tx(async (q) => {
    const claimed = await claimPush(q, cityId, day);
    const done: PushResult = { day, pushed: false, reviewed: false, units: 0, recipients: 0 };
    if (!claimed) return done;
    const reviewed = claimed.reviewed_at !== null;
    const items = claimed.items as ConsolidationItemT[];
    const groups = unitGroups(items);
    let units = 0;
    let recipients = 0;
    for (const g of groups) {
      if (g.unitId === null) continue;
      units += 1;
      recipients += await notifyUnit(q, cityId, g.unitId, unitMessage(day, g.items, reviewed));
    }
    const unplaced = groups.find((g) => g.unitId === null)?.items ?? [];
    if (unplaced.length > 0 || !reviewed) {
      const notes = [
        ...(reviewed ? [] : [`${day} 的问题清单未经审核，已按时推送至 ${units} 个责任单位。`]),
        ...(unplaced.length > 0 ? [`${unplaced.length} 项尚无责任单位，未推送，请研判后交办。`] : []),
      ];
      await notifyRole(q, cityId, 'office', {
        kind: 'consolidation.office',
        title: `每日会商问题清单 ${day} 已推送${reviewed ? '' : '（未经审核）'}`,
        body: notes.join('\n'),
        problemId: null,
      });
    }
    await recordAudit(q, systemActor(cityId), {
      action: 'consolidation.push',
      targetType: 'consolidation',
      targetId: day,
      details: { reviewed, units, recipients, unplaced: unplaced.length },
    });
    return { day, pushed: true, reviewed, units, recipients };
  });
}

// ---------------------------------------------------------------- the HTTP side

/**
 * Whose items an actor reads: everyone's (admin, office, leader, discipline), or one
 * unit's. The route's permission admits only those roles; a unit account without a unit
 * reads nothing.
 */
function unitScope(actor: Actor): { all: true } | { all: false; unitId: string | null } {
  if (hasRole(actor, 'admin', 'office', 'leader', 'discipline') || actor.kind === 'system') return { all: true };
  return { all: false, unitId: actor.kind === 'user' ? actor.unitId : null };
}

function visibleItems(actor: Actor, items: readonly ConsolidationItemT[]): ConsolidationItemT[] {
  const scope = unitScope(actor);
  if (scope.all) return [...items];
  return scope.unitId ? consolidationItemsForUnit(items, scope.unitId) : [];
}

function countsOf(c: Record<string, number>): CountsT {
  return { total: c.total ?? 0, red: c.red ?? 0, yellow: c.yellow ?? 0, green: c.green ?? 0, unrated: c.unrated ?? 0 };
}

function summaryOf(r: ConsolidationRow, counts: CountsT): ConsolidationSummaryT {
  return {
    day: r.day,
    compiledAt: iso(r.compiled_at)!,
    counts,
    reviewedAt: iso(r.reviewed_at),
    reviewedBy: r.reviewed_by ? { id: r.reviewed_by, name: r.reviewer_name ?? '' } : null,
    reviewNote: r.review_note,
    pushedAt: iso(r.pushed_at),
  };
}

/** A valid calendar date, or calendar.invalid_day (the schema only checks the shape). */
function checkDay(day: string): IsoDate {
  try {
    dayNumber(day);
  } catch {
    throw new AppError('calendar.invalid_day', { day });
  }
  return day;
}

/** The day's row as the actor may see it: a unit sees a list once it was pushed to it. */
async function visibleRow(db: Db, actor: Actor, day: string): Promise<ConsolidationRow> {
  const row = await consolidationByDay(db, actor.cityId, checkDay(day));
  if (!row || (!unitScope(actor).all && !row.pushed_at)) throw new AppError('consolidation.not_found', { day });
  return row;
}

export async function consolidationList(db: Db, actor: Actor, query: ConsolidationListQueryT): Promise<{ items: ConsolidationSummaryT[] }> {
  const all = unitScope(actor).all;
  const rows = await listConsolidations(db, actor.cityId, {
    before: query.before ? checkDay(query.before) : null,
    limit: query.limit ?? 31,
    pushedOnly: !all,
    // a unit's counts are of its own items, so it needs them; the office reads the stored counts
    withItems: !all,
  });
  return {
    items: rows.map((r) => summaryOf(r, all ? countsOf(r.counts) : consolidationCounts(visibleItems(actor, r.items as ConsolidationItemT[])))),
  };
}

export async function consolidationDetail(db: Db, actor: Actor, day: string): Promise<ConsolidationT> {
  const row = await visibleRow(db, actor, day);
  const timeZone = await timeZoneOf(db, actor.cityId);
  const items = visibleItems(actor, row.items as ConsolidationItemT[]);
  const w = consolidationWindow(row.day, timeZone);
  return {
    ...summaryOf(row, unitScope(actor).all ? countsOf(row.counts) : consolidationCounts(items)),
    timeZone,
    window: { from: w.from.toISOString(), to: w.to.toISOString() },
    open: row.reviewed_at === null && row.pushed_at === null,
    units: unitGroups(items).map((g) => ({ unitId: g.unitId, unitName: g.unitName, counts: g.counts })),
    items,
  };
}

/** "Compile now" (e.g. a preview at 19:30): today's list unless a day is given; never a future day. */
export async function compileNow(db: Db, actor: Actor, body: CompileBodyT, ip: string): Promise<ConsolidationT> {
  const timeZone = await timeZoneOf(db, actor.cityId);
  const today = localDate(new Date(), timeZone);
  const day = body.day ? checkDay(body.day) : today;
  if (day > today) throw new AppError('consolidation.future_day', { day, today });
  const result = await compileDay(db, actor, day, ip);
  if (!result.compiled) throw new AppError('consolidation.frozen', { day });
  return consolidationDetail(db, actor, day);
}

export async function reviewConsolidation(db: Db, actor: Actor, day: string, note: string | null, ip: string): Promise<ConsolidationT> {
  checkDay(day);
  await db.tx(async (q) => {
    const row = await consolidationByDay(q, actor.cityId, day, true);
    if (!row) throw new AppError('consolidation.not_found', { day });
    if (row.reviewed_at) throw new AppError('consolidation.already_reviewed', { day, reviewedAt: iso(row.reviewed_at) });
    const userId = actor.kind === 'user' ? actor.userId : null;
    await markReviewed(q, actor.cityId, day, userId, note?.trim() || null);
    await recordAudit(q, actor, {
      action: 'consolidation.review',
      targetType: 'consolidation',
      targetId: day,
      details: { note: note?.trim() || null, counts: countsOf(row.counts), pushedBefore: row.pushed_at !== null },
      ip,
    });
  });
  return consolidationDetail(db, actor, day);
}

// ---------------------------------------------------------------- XLSX

function localTime(isoString: string | null, timeZone: string): string {
  if (!isoString) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(isoString))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const reasonZh: Record<ConsolidationItemT['reasons'][number], string> = {
  new: '当日新发现',
  late: '前日会商后上报',
  judged: '当日研判',
  pending_red: '红色待交办',
};

/** The day's list as a workbook: one row per problem filled in its risk colour, and a sheet per unit. */
export async function consolidationXlsx(db: Db, actor: Actor, day: string): Promise<{ filename: string; body: Buffer }> {
  const d = await consolidationDetail(db, actor, day);
  const status = d.reviewedAt ? `已审核 ${localTime(d.reviewedAt, d.timeZone)}${d.reviewedBy ? `（${d.reviewedBy.name}）` : ''}` : '未审核';
  const [y, m, dd] = d.day.split('-').map(Number);
  const body = await tablesXlsx([
    {
      sheetName: '问题清单',
      title: `每日会商问题清单（${y}年${m}月${dd}日）`,
      subtitle: `共 ${d.counts.total} 项：${countsLine(d.counts)}\u3000|\u3000汇编于 ${localTime(d.compiledAt, d.timeZone)}\u3000|\u3000${status}${d.reviewNote ? `：${d.reviewNote}` : ''}`,
      columns: [
        { header: '序号', key: 'no', width: 6 },
        { header: '风险等级', key: 'risk', width: 10 },
        { header: '问题', key: 'title', width: 36 },
        { header: '问题小类', key: 'subcategory', width: 18 },
        { header: '地址', key: 'address', width: 30 },
        { header: '片区', key: 'district', width: 12 },
        { header: '责任单位', key: 'unit', width: 22 },
        { header: '状态', key: 'status', width: 10 },
        { header: '线索数', key: 'reports', width: 8 },
        { header: '入池时间', key: 'createdAt', width: 17 },
        { header: '研判时间', key: 'judgedAt', width: 17 },
        { header: '整改时限', key: 'deadline', width: 17 },
        { header: '列入原因', key: 'reasons', width: 20 },
      ],
      rows: d.items.map((i, n) => ({
        no: n + 1,
        risk: riskTag(i.riskLevel),
        level: i.riskLevel,
        title: i.title,
        subcategory: i.subcategoryCode ? `${i.subcategoryCode} ${i.subcategoryName ?? ''}`.trim() : '',
        address: i.address,
        district: i.districtName,
        unit: i.unitName ? `${i.unitName}${i.unitConfirmed ? '' : '（建议）'}` : '',
        status: i.statusLabel.zh,
        reports: i.reportCount,
        createdAt: localTime(i.createdAt, d.timeZone),
        judgedAt: localTime(i.judgedAt, d.timeZone),
        deadline: localTime(i.deadline, d.timeZone),
        reasons: i.reasons.map((r) => reasonZh[r]).join('、'),
      })),
      rowFill: (r) => (typeof r.level === 'string' ? (riskFill[r.level] ?? null) : null),
    },
    {
      sheetName: '按责任单位',
      title: `每日会商问题清单（${y}年${m}月${dd}日）按责任单位`,
      columns: [
        { header: '责任单位', key: 'unit', width: 28 },
        { header: '红', key: 'red', width: 8 },
        { header: '黄', key: 'yellow', width: 8 },
        { header: '绿', key: 'green', width: 8 },
        { header: '未研判', key: 'unrated', width: 8 },
        { header: '合计', key: 'total', width: 8 },
      ],
      rows: d.units.map((u) => ({ unit: u.unitName ?? (u.unitId ? '' : '（尚无责任单位）'), ...u.counts })),
    },
  ]);
  return { filename: `每日会商问题清单-${d.day}.xlsx`, body };
}
