/**
 * Two scheduled parts of the rectification loop, as pure rules (SPEC.md M6, M7):
 *
 * 每日会商 (daily consolidation, seed §4.2): "各小组每晚8点召开碰头会，汇总当日发现的问题，
 * 形成《问题清单》并标注风险等级（红黄绿三级），次日精准推送至责任单位". The list of a day
 * covers that calendar day in the city, [00:00, 24:00) local time; it is compiled at 20:00
 * (configurable) and pushed the next morning, one message per responsible unit.
 *
 * 回头看 (re-check, §4.4, §6.4, §7.1 "对已整改项目实行季度抽查"): each quarter a random
 * sample of closed cases is re-inspected; a relapse reopens the case. The draw repeats
 * exactly from its seed, so a run retried after a crash picks the same cases, and anyone
 * can recompute it from the recorded seed (the plan's 一公开 for draws, §6.1).
 */
import { addCalendarDays, localDate, startOfLocalDay, type IsoDate } from './calendar.ts';
import { seededRandom } from './random.ts';
import type { RiskLevel } from './risk.ts';

// ---------------------------------------------------------------- 每日会商

/** The day a consolidation compiled at `instant` is about: the city-local date. */
export function consolidationDay(instant: Date, timeZone: string): IsoDate {
  return localDate(instant, timeZone);
}

/**
 * The instants a day's list covers: [00:00, 24:00) of that date in the city. `to` is
 * exclusive (the next day's 00:00), so an event at 23:59:59.999 belongs to the day and one
 * at 00:00 to the next.
 */
export function consolidationWindow(day: IsoDate, timeZone: string): { from: Date; to: Date } {
  return { from: startOfLocalDay(day, timeZone), to: startOfLocalDay(addCalendarDays(day, 1), timeZone) };
}

/** The list a morning push at `instant` sends: the previous city-local day's ("次日推送"). */
export function pushedDay(instant: Date, timeZone: string): IsoDate {
  return addCalendarDays(localDate(instant, timeZone), -1);
}

/** What a consolidation item needs for counting and grouping; the server's items carry more. */
export interface ConsolidationEntry {
  riskLevel: RiskLevel | null;
  /** the unit that answers for it: the responsible unit, else the one proposed by routing; null: none yet */
  unitId: string | null;
  unitName?: string | null;
  /** cooperating units see the item in their own list too */
  cooperatingUnitIds?: readonly string[];
}

/** {total, red, yellow, green, unrated}: a problem not yet judged has no level (未研判). */
export interface ConsolidationCounts {
  total: number;
  red: number;
  yellow: number;
  green: number;
  unrated: number;
}

export function consolidationCounts(items: readonly ConsolidationEntry[]): ConsolidationCounts {
  const c: ConsolidationCounts = { total: items.length, red: 0, yellow: 0, green: 0, unrated: 0 };
  for (const i of items) c[i.riskLevel ?? 'unrated'] += 1;
  return c;
}

const levelRank: Record<string, number> = { red: 0, yellow: 1, green: 2 };

/** Order of a list: red, yellow, green, then the unrated; `tiebreak` (e.g. by time) within a level. */
export function compareByRisk<T extends ConsolidationEntry>(tiebreak: (a: T, b: T) => number = () => 0) {
  return (a: T, b: T): number => (levelRank[a.riskLevel ?? ''] ?? 3) - (levelRank[b.riskLevel ?? ''] ?? 3) || tiebreak(a, b);
}

/** Whether a unit is concerned by an item: it answers for it or cooperates on it. */
export function itemConcernsUnit(item: ConsolidationEntry, unitId: string): boolean {
  return item.unitId === unitId || (item.cooperatingUnitIds ?? []).includes(unitId);
}

/** A unit's part of a list: what the push sends it and what it may read. */
export function consolidationItemsForUnit<T extends ConsolidationEntry>(items: readonly T[], unitId: string): T[] {
  return items.filter((i) => itemConcernsUnit(i, unitId));
}

export interface ConsolidationUnitGroup<T> {
  /** null: items no unit answers for yet (routing found none): the office's to place */
  unitId: string | null;
  unitName: string | null;
  items: T[];
  counts: ConsolidationCounts;
}

/**
 * The list split per responsible unit, in the list's order within each group. A
 * cooperating unit gets the item in its group too (it must act on it as well), so the
 * groups may together hold more items than the list. Groups are ordered by their red,
 * then yellow count, then total (the units with the most serious work first), then name.
 */
export function groupConsolidationByUnit<T extends ConsolidationEntry>(items: readonly T[]): ConsolidationUnitGroup<T>[] {
  const groups = new Map<string | null, ConsolidationUnitGroup<T>>();
  const add = (unitId: string | null, name: string | null, item: T) => {
    let g = groups.get(unitId);
    if (!g) {
      g = { unitId, unitName: name, items: [], counts: consolidationCounts([]) };
      groups.set(unitId, g);
    }
    if (!g.unitName && name) g.unitName = name;
    if (!g.items.includes(item)) g.items.push(item);
  };
  for (const item of items) {
    add(item.unitId, item.unitId ? (item.unitName ?? null) : null, item);
    for (const co of item.cooperatingUnitIds ?? []) if (co !== item.unitId) add(co, null, item);
  }
  const out = [...groups.values()];
  for (const g of out) g.counts = consolidationCounts(g.items);
  return out.sort(
    (a, b) =>
      Number(a.unitId === null) - Number(b.unitId === null) ||
      b.counts.red - a.counts.red ||
      b.counts.yellow - a.counts.yellow ||
      b.counts.total - a.counts.total ||
      (a.unitName ?? '').localeCompare(b.unitName ?? '', 'zh-CN') ||
      (a.unitId ?? '').localeCompare(b.unitId ?? ''),
  );
}

// ---------------------------------------------------------------- 回头看

/**
 * A case becomes eligible this many days after its close-out: a relapse (返黑返臭, broken
 * facilities, §4.4) needs time to show, and a month keeps it inside the quarter's window.
 */
export const defaultRecheckMinDaysClosed = 30;

/** The relapse-rate target of §7.1: "问题反弹率将控制在5%以内". */
export const relapseRateTarget = 0.05;

/** The sampling period of an instant: the city-local quarter, 'YYYY-Qn' (§7.1 季度抽查). */
export function recheckPeriod(instant: Date, timeZone: string): string {
  const d = localDate(instant, timeZone);
  return `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
}

export interface RecheckCandidate {
  id: string;
  status: string;
  closedAt: Date | null;
  /** a re-check of this case already belongs to the period being drawn (drawn earlier, by hand or on schedule) */
  recheckedInPeriod: boolean;
  /** an earlier re-check of it is still open: never two at once */
  openRecheck: boolean;
}

/**
 * Eligible: closed, closed at least `minDaysClosed` days before `asOf`, not re-checked in
 * this period and with no re-check still open.
 */
export function eligibleForRecheck(c: RecheckCandidate, asOf: Date, minDaysClosed = defaultRecheckMinDaysClosed): boolean {
  if (c.status !== 'closed' || !c.closedAt || c.recheckedInPeriod || c.openRecheck) return false;
  return c.closedAt.getTime() <= asOf.getTime() - minDaysClosed * 86_400_000;
}

function checkRate(rate: number): void {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`the re-check rate must be a fraction 0–1, got ${rate}`);
  }
}

/**
 * How many of `eligible` cases a rate draws: the rate of them rounded to the nearest whole
 * case, but at least one when any is eligible and the rate is above 0 (a small city's
 * quarter still gets its re-check), and never more than there are.
 */
export function recheckSampleSize(eligible: number, rate: number): number {
  checkRate(rate);
  if (eligible <= 0 || rate === 0) return 0;
  // 0.3 × 10 is 3.0000000000000004 in floating point: round to 9 places first.
  return Math.min(eligible, Math.max(1, Math.round(Math.round(rate * eligible * 1e9) / 1e9)));
}

/** A 32-bit seed from text (FNV-1a), e.g. from the city and the period: the same text, the same draw. */
export function seedFromText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The draw: each id gets a number from the seeded generator, seeded by the run's seed and
 * the id itself, and the `recheckSampleSize` smallest numbers are drawn. The input order
 * does not matter, and a case added to or removed from the pool between a run and its
 * retry changes the draw by at most that case. Answers the drawn ids in drawing order.
 */
export function sampleForRecheck(ids: readonly string[], rate: number, seed: number): string[] {
  const unique = [...new Set(ids)];
  const n = recheckSampleSize(unique.length, rate);
  if (n === 0) return [];
  const keyed = unique.map((id) => ({ id, key: seededRandom((seed ^ seedFromText(id)) >>> 0)() }));
  keyed.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.slice(0, n).map((k) => k.id);
}

/** Relapses per re-check; null when nothing was re-checked (no rate, rather than 0%). */
export function relapseRate(relapsed: number, rechecked: number): number | null {
  return rechecked > 0 ? relapsed / rechecked : null;
}
