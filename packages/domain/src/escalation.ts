/**
 * 三级督办 — the three escalation levels of the rectification loop (seed §4.3, SPEC.md M7),
 * as pure rules over a case's clock. The server's sweeps run the same rules set-based in SQL
 * over every open case; its tests check that both agree, day by day.
 *
 * Level 1 (责任单位每周报送整改进展): a case in the unit's hands needs a progress report every
 *   7 days, counted from the latest of assignment, acceptance, the last progress report and
 *   the last close-out submission (and, for a returned or reopened case, from when it came
 *   back). Calendar days, not working days: the weekly report is a rhythm, and a report can
 *   be filed on any day. A case past its deadline (滞后) escalates at level 1 too, once per
 *   deadline. A missed week is keyed by its due date, so each missed week escalates once;
 *   when the sweep did not run for a while, only the latest missed week is raised (coalesced).
 * Level 2 (办公室每两周实地核查): every two weeks, the office gets an on-site verification task
 *   for each case of concern: in the unit's hands and overdue, or red-risk (重大隐患), or with
 *   an open level-1 escalation. The two-week periods are fixed fortnights starting on Mondays.
 * Level 3 (分管领导每月约谈滞后单位负责人): on the month's list, each unit with lagging cases —
 *   overdue, or found lagging by the office's last verification — with those cases attached
 *   and the leader who holds the interview: the cases' lead leader (牵头领导) most of them
 *   name, else the city leader of their district (领导包片, §3.1), else none (the office picks).
 *
 * Only cases in the unit's hands (`unitHeldStates`) escalate: a case awaiting the office's
 * close-out review is not the unit's to push, a closed one is done. Whether a case *shows*
 * as 滞后 is `isOverdueCase` (the state machine's rule), for every not-closed case.
 */
import { addCalendarDays, dayNumber, dayOfWeek, fromDayNumber, localDate, defaultTimeZone, type IsoDate } from './calendar.ts';
import { isOverdueCase, type CaseState } from './caseStateMachine.ts';

export const escalationLevelValues = [1, 2, 3] as const;
export type EscalationLevel = (typeof escalationLevelValues)[number];
export const escalationReasons = ['missed_progress', 'overdue', 'verification', 'interview'] as const;
export type EscalationReason = (typeof escalationReasons)[number];

export const escalationLevelInfo: Record<EscalationLevel, { zh: string; en: string }> = {
  1: { zh: '一级督办', en: 'Level 1' },
  2: { zh: '二级督办', en: 'Level 2' },
  3: { zh: '三级督办', en: 'Level 3' },
};
export const escalationReasonInfo: Record<EscalationReason, { level: EscalationLevel; zh: string; en: string }> = {
  missed_progress: { level: 1, zh: '未按周报送进展', en: 'Weekly progress report missed' },
  overdue: { level: 1, zh: '超期滞后', en: 'Past its deadline' },
  verification: { level: 2, zh: '办公室实地核查', en: 'On-site verification by the office' },
  interview: { level: 3, zh: '列入约谈名单', en: 'On the interview list' },
};

/** The states in which the case is the responsible unit's to move: weekly reports and the deadline apply. */
export const unitHeldStates = [
  'assigned',
  'in_progress',
  'extension_requested',
  'returned',
  'reopened',
] as const satisfies readonly CaseState[];
export function isUnitHeld(state: CaseState): boolean {
  return (unitHeldStates as readonly CaseState[]).includes(state);
}

export const REPORT_INTERVAL_DAYS = 7;
export const WEEK_MS = REPORT_INTERVAL_DAYS * 86_400_000;

/** What starts a new weekly reporting period: any of these, the latest counts. */
export interface ReportClock {
  assignedAt?: Date | null;
  acceptedAt?: Date | null;
  lastProgressAt?: Date | null;
  /** a close-out submission is a report of progress too */
  submittedAt?: Date | null;
  /** for a returned or reopened case: when it came back to the unit */
  returnedAt?: Date | null;
}

/** The instant the current weekly period started: the latest of the clock's times, or null when it has none. */
export function reportAnchor(c: ReportClock): Date | null {
  let best: number | null = null;
  for (const d of [c.assignedAt, c.acceptedAt, c.lastProgressAt, c.submittedAt, c.returnedAt]) {
    if (d instanceof Date && !Number.isNaN(d.getTime()) && (best === null || d.getTime() > best)) best = d.getTime();
  }
  return best === null ? null : new Date(best);
}

export interface MissedReport {
  /** when the missed report was due: anchor + n weeks */
  dueAt: Date;
  /** n: whole weeks without a report (1 = the first week missed) */
  weeksMissed: number;
  /** the due date in the city ('YYYY-MM-DD'): one escalation per missed week */
  periodKey: IsoDate;
}

/**
 * The latest weekly report the case has missed by `now`, or null. A report is due 7 days
 * after the anchor and missed once `now` is strictly later; then again every 7 days.
 * (SQL mirror: n = ceil((now − anchor) / 7 days) − 1, missed when n ≥ 1.)
 */
export function missedWeeklyReport(
  state: CaseState,
  clock: ReportClock,
  now: Date,
  timeZone: string = defaultTimeZone,
): MissedReport | null {
  if (!isUnitHeld(state)) return null;
  const anchor = reportAnchor(clock);
  if (!anchor) return null;
  const elapsed = now.getTime() - anchor.getTime();
  const n = Math.ceil(elapsed / WEEK_MS) - 1;
  if (n < 1) return null;
  const dueAt = new Date(anchor.getTime() + n * WEEK_MS);
  return { dueAt, weeksMissed: n, periodKey: localDate(dueAt, timeZone) };
}

/** The next weekly report's due time (for the unit's to-do list), or null when none is due. */
export function nextReportDue(state: CaseState, clock: ReportClock): Date | null {
  if (!isUnitHeld(state)) return null;
  const anchor = reportAnchor(clock);
  return anchor ? new Date(anchor.getTime() + WEEK_MS) : null;
}

/** A level-1 overdue escalation is due: the case is in the unit's hands and 滞后. Keyed by the deadline's date. */
export function overdueEscalation(
  state: CaseState,
  deadline: Date | null | undefined,
  now: Date,
  timeZone: string = defaultTimeZone,
): { periodKey: IsoDate } | null {
  if (!isUnitHeld(state) || !deadline || !isOverdueCase(state, deadline, now)) return null;
  return { periodKey: localDate(deadline, timeZone) };
}

// ---------------------------------------------------------------- level 2

export interface ConcernInput {
  state: CaseState;
  deadline: Date | null | undefined;
  riskLevel: 'red' | 'yellow' | 'green' | null | undefined;
  /** an open level-1 escalation (missed report or overdue) */
  openLevel1: boolean;
}

/** Why the office should check the case on site this fortnight, or null when it need not. */
export function concernReason(c: ConcernInput, now: Date): 'overdue' | 'red' | 'level1' | null {
  if (!isUnitHeld(c.state)) return null;
  if (c.deadline && isOverdueCase(c.state, c.deadline, now)) return 'overdue';
  if (c.riskLevel === 'red') return 'red';
  if (c.openLevel1) return 'level1';
  return null;
}
export const isCaseOfConcern = (c: ConcernInput, now: Date): boolean => concernReason(c, now) !== null;

/** 1970-01-05 was a Monday: fortnights are counted from it, so every fortnight starts on a Monday. */
const FORTNIGHT_EPOCH = dayNumber('1970-01-05');

export interface Fortnight {
  /** the first day, a Monday: also the period key of its verification tasks */
  key: IsoDate;
  start: IsoDate;
  /** the last day, a Sunday */
  end: IsoDate;
}

/** The two-week period that `at` falls in, in the city's calendar. */
export function fortnightOf(at: Date, timeZone: string = defaultTimeZone): Fortnight {
  const day = dayNumber(localDate(at, timeZone));
  const start = fromDayNumber(FORTNIGHT_EPOCH + Math.floor((day - FORTNIGHT_EPOCH) / 14) * 14);
  return { key: start, start, end: addCalendarDays(start, 13) };
}

/** Whether a string is a fortnight key (a Monday 'YYYY-MM-DD' on the fortnight grid). */
export function isFortnightKey(key: string): boolean {
  try {
    return dayOfWeek(key) === 1 && (dayNumber(key) - FORTNIGHT_EPOCH) % 14 === 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- level 3

/** The month of `at` in the city: 'YYYY-MM', the interview list's period. */
export function monthKey(at: Date, timeZone: string = defaultTimeZone): string {
  return localDate(at, timeZone).slice(0, 7);
}

export interface InterviewCandidate {
  id: string;
  unitId: string;
  state: CaseState;
  deadline: Date | null | undefined;
  /** the case's 牵头领导, when it is an active leader */
  leadLeaderId: string | null | undefined;
  districtId: string | null | undefined;
  /** the office's latest on-site verification found the case lagging */
  verifiedLagging: boolean;
}

/** Why a case goes on the month's interview list with its unit, or null. */
export function interviewReason(
  c: Pick<InterviewCandidate, 'state' | 'deadline' | 'verifiedLagging'>,
  now: Date,
): 'overdue' | 'lagging' | null {
  if (!isUnitHeld(c.state)) return null;
  if (c.deadline && isOverdueCase(c.state, c.deadline, now)) return 'overdue';
  return c.verifiedLagging ? 'lagging' : null;
}

/** Counts of leaders and districts over one unit's listed cases: what the server's SQL aggregates. */
export interface LeaderTally {
  /** lead leader id → number of the unit's listed cases naming them */
  leadLeaders: ReadonlyMap<string, number>;
  /** district id → number of the unit's listed cases in it */
  districts: ReadonlyMap<string, number>;
  /** the unit's own district, the last resort */
  unitDistrictId?: string | null;
}

/** The most frequent key; ties go to the smallest key, so the choice is stable. */
function mostFrequent(counts: ReadonlyMap<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k);
}

/**
 * Who interviews the unit's head: the lead leader most of its listed cases name; else a
 * leader of the district most of them lie in (领导包片), then of the unit's own district;
 * else null. `districtLeaders` lists each district's leaders, in the order to prefer them.
 */
export function pickInterviewLeader(t: LeaderTally, districtLeaders: ReadonlyMap<string, readonly string[]>): string | null {
  const lead = mostFrequent(t.leadLeaders)[0];
  if (lead) return lead;
  const districts = [...mostFrequent(t.districts), ...(t.unitDistrictId ? [t.unitDistrictId] : [])];
  for (const d of districts) {
    const leader = districtLeaders.get(d)?.[0];
    if (leader) return leader;
  }
  return null;
}

export interface InterviewEntry {
  unitId: string;
  /** sorted */
  problemIds: string[];
  leaderId: string | null;
}

/**
 * The month's interview list: each unit with lagging cases, the cases attached, the leader.
 * Units in id order. The server builds the same list set-based; its test compares the two.
 */
export function interviewList(
  cases: readonly InterviewCandidate[],
  districtLeaders: ReadonlyMap<string, readonly string[]>,
  now: Date,
  unitDistricts: ReadonlyMap<string, string | null> = new Map(),
): InterviewEntry[] {
  const byUnit = new Map<string, InterviewCandidate[]>();
  for (const c of cases) {
    if (!interviewReason(c, now)) continue;
    const list = byUnit.get(c.unitId) ?? [];
    list.push(c);
    byUnit.set(c.unitId, list);
  }
  const out: InterviewEntry[] = [];
  for (const unitId of [...byUnit.keys()].sort()) {
    const list = byUnit.get(unitId)!;
    const leadLeaders = new Map<string, number>();
    const districts = new Map<string, number>();
    for (const c of list) {
      if (c.leadLeaderId) leadLeaders.set(c.leadLeaderId, (leadLeaders.get(c.leadLeaderId) ?? 0) + 1);
      if (c.districtId) districts.set(c.districtId, (districts.get(c.districtId) ?? 0) + 1);
    }
    out.push({
      unitId,
      problemIds: list.map((c) => c.id).sort(),
      leaderId: pickInterviewLeader({ leadLeaders, districts, unitDistrictId: unitDistricts.get(unitId) ?? null }, districtLeaders),
    });
  }
  return out;
}

/** A case's escalation level: the highest level among its open escalations, 0 when none. */
export function escalationLevelOf(open: readonly { level: number }[]): number {
  return open.reduce((max, e) => Math.max(max, e.level), 0);
}

// ---------------------------------------------------------------- loop settings

export const weekdayKeys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayKey = (typeof weekdayKeys)[number];

/** When the loop's scheduled jobs run, per city (cities.settings.loop), and the 回头看 sample rate. */
export interface LoopSettings {
  /** daily: the level-1 sweep (missed weekly reports, overdue cases) */
  escalationTime: string;
  /** weekly, on this day: the level-2 verification tasks of the fortnight */
  verificationDay: WeekdayKey;
  verificationTime: string;
  /** monthly, on this day: the level-3 interview list */
  interviewDay: number;
  interviewTime: string;
  /** daily: 每日会商 compiled (seed §4.2: 每晚8点) */
  consolidationTime: string;
  /** daily: the list pushed to the units the next morning */
  pushTime: string;
  /** monthly: 回头看 sampling of closed cases */
  recheckDay: number;
  recheckTime: string;
  /** share of closed cases drawn for 回头看, 0–1 (seed §4.1: 30% 抽检) */
  recheckRate: number;
}

export const defaultLoopSettings: LoopSettings = {
  escalationTime: '09:00',
  verificationDay: 'mon',
  verificationTime: '09:00',
  interviewDay: 1,
  interviewTime: '09:00',
  consolidationTime: '20:00',
  pushTime: '08:00',
  recheckDay: 1,
  recheckTime: '10:00',
  recheckRate: 0.3,
};

export const loopJobNames = [
  'escalation-sweep',
  'verification-sweep',
  'interview-list',
  'daily-consolidation',
  'consolidation-push',
  'recheck-sampling',
] as const;
export type LoopJobName = (typeof loopJobNames)[number];

const timeRe = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What is wrong with a settings object (field names), empty when nothing. */
export function loopSettingsProblems(s: LoopSettings): string[] {
  const bad: string[] = [];
  for (const k of ['escalationTime', 'verificationTime', 'interviewTime', 'consolidationTime', 'pushTime', 'recheckTime'] as const) {
    if (!timeRe.test(s[k])) bad.push(k);
  }
  if (!weekdayKeys.includes(s.verificationDay)) bad.push('verificationDay');
  for (const k of ['interviewDay', 'recheckDay'] as const) if (!Number.isInteger(s[k]) || s[k] < 1 || s[k] > 31) bad.push(k);
  if (!(typeof s.recheckRate === 'number' && s.recheckRate >= 0 && s.recheckRate <= 1)) bad.push('recheckRate');
  return bad;
}

/** The schedule of each loop job, in the scheduler's language, for these settings. */
export function loopSchedules(s: LoopSettings): Record<LoopJobName, string> {
  return {
    'escalation-sweep': `daily ${s.escalationTime}`,
    'verification-sweep': `weekly ${s.verificationDay} ${s.verificationTime}`,
    'interview-list': `monthly ${s.interviewDay} ${s.interviewTime}`,
    'daily-consolidation': `daily ${s.consolidationTime}`,
    'consolidation-push': `daily ${s.pushTime}`,
    'recheck-sampling': `monthly ${s.recheckDay} ${s.recheckTime}`,
  };
}
