/**
 * The working-day calendar (SPEC.md M2 "Deadlines", DESIGN.md "Time", STYLE.md pattern 6).
 *
 * A pure value built from data: the official 放假 days, the 调休 working
 * weekend days, and a weekend rule. Nothing here reads a clock, a file or a
 * package of holidays; the server seeds the lists (from `chinese-days`, then
 * the admins' table) and hands them in. (fixmystreet `WorkingDays.pm`.)
 *
 * Two kinds of time, never mixed:
 * - a calendar date (`IsoDate`, 'YYYY-MM-DD') is a day on the city's wall
 *   calendar. It has no zone and no time; all day arithmetic is on these.
 * - an instant (`Date`) is a point in time (stored as timestamptz). It becomes
 *   a calendar date only through `localDate(instant, timeZone)` — in
 *   Asia/Shanghai (UTC+08:00, no daylight saving) 2026-02-13T16:30Z is already
 *   the 14th. Reading a `Date`'s UTC (or the server's local) day instead is the
 *   classic bug this module exists to avoid.
 *
 * The deadline rule (`deadlineFor`):
 * - working days: the start day is the city-local date of the start instant; if
 *   that is not a working day (weekend, 放假), the start day becomes the next
 *   working day (a report on Saturday counts as received on Monday). Day N is
 *   the Nth working day after the start day (the start day itself is day 0, as
 *   in "受理之日起N个工作日"), and the deadline is the END of day N in the city:
 *   23:59:59.999 local, i.e. 15:59:59.999Z in Asia/Shanghai. 0 working days
 *   means the end of the start day.
 * - hours (urgent items): plain clock hours from the start instant, ignoring
 *   weekends and holidays.
 * A case is overdue (滞后) once `now` is strictly after its deadline.
 */
import type { Deadline } from './taxonomy.ts';

/** A calendar date in the city's zone: 'YYYY-MM-DD'. */
export type IsoDate = string;

export const defaultTimeZone = 'Asia/Shanghai';

/** Days of the week as `Date#getUTCDay` numbers them: 0 = Sunday … 6 = Saturday. */
export const defaultWeekend: readonly number[] = [0, 6];

export interface CalendarData {
  /** 放假 days: official days off (weekdays among them are what matter). */
  holidays: readonly IsoDate[];
  /** 调休 days: weekend days that are official working days. */
  workdays: readonly IsoDate[];
  /** Weekend days of the week, 0 = Sunday … 6 = Saturday; Saturday and Sunday by default. */
  weekend?: readonly number[];
}

/** A deadline as the taxonomy gives it: `{ amount, unit: 'working_days' | 'hours' }`. */
export type DeadlineSpec = Deadline;

export interface WorkingCalendar {
  isWorkingDay(date: IsoDate): boolean;
  /**
   * The |n|th working day after `start` (n > 0) or before it (n < 0); `start`
   * itself is never counted, whether or not it is a working day. n = 0 gives `start`.
   */
  addWorkingDays(start: IsoDate, n: number): IsoDate;
  /**
   * Signed working-day steps from `a` to `b`: for b ≥ a the working days in
   * (a, b]; for b < a minus the working days in [b, a). So for any n,
   * `workingDaysBetween(a, addWorkingDays(a, n)) === n`.
   */
  workingDaysBetween(a: IsoDate, b: IsoDate): number;
  /** The next working day on or after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /** Plain clock hours (urgent items): weekends and holidays do not stop the clock. */
  addHours(start: Date, hours: number): Date;
  /** The deadline instant for something starting at `start` (see the rule at the top of this file). */
  deadlineFor(start: Date, deadline: DeadlineSpec, timeZone?: string): Date;
}

const DAY_MS = 86_400_000;
const isoRe = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD'; throws on anything else (2026-02-30 included). */
export function dayNumber(date: IsoDate): number {
  const m = isoRe.exec(date);
  if (!m) throw new Error(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`no such calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

/** The calendar date `days` after 1970-01-01. */
export function fromDayNumber(days: number): IsoDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar date `n` days after `date` (plain days, not working days). */
export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(date) + n);
}

/** Day of the week of a calendar date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

// ---------------------------------------------------------------- zones

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: Date, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, mo: parts.month!, d: parts.day!, h: parts.hour!, mi: parts.minute!, s: parts.second! };
}

function assertInstant(instant: Date, what: string): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new Error(`${what} must be a valid Date`);
}

/** The offset of `timeZone` from UTC at `instant`, in milliseconds (Asia/Shanghai: +8 h, always). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The city-local calendar date of an instant. */
export function localDate(instant: Date, timeZone: string = defaultTimeZone): IsoDate {
  assertInstant(instant, 'instant');
  const w = wallClock(instant, timeZone);
  return `${String(w.y).padStart(4, '0')}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** The instant a wall-clock time on `date` happens in `timeZone` (handles zones with daylight saving too). */
function zonedInstant(date: IsoDate, msIntoDay: number, timeZone: string): Date {
  const wall = dayNumber(date) * DAY_MS + msIntoDay;
  const guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  return new Date(wall - zoneOffsetMs(new Date(guess), timeZone));
}

/** The last millisecond of a calendar date in the city: 2026-02-24 → 2026-02-24T23:59:59.999+08:00. */
export function endOfLocalDay(date: IsoDate, timeZone: string = defaultTimeZone): Date {
  return zonedInstant(date, DAY_MS - 1, timeZone);
}

/** The first millisecond of a calendar date in the city: 2026-02-24 → 2026-02-24T00:00:00.000+08:00. */
export function startOfLocalDay(date: IsoDate, timeZone: string = defaultTimeZone): Date {
  return zonedInstant(date, 0, timeZone);
}

// ---------------------------------------------------------------- the calendar

/** Builds the calendar; throws on a malformed date, a weekday number out of 0–6, or a day listed both ways. */
export function makeCalendar(data: CalendarData): WorkingCalendar {
  const weekend = new Set(data.weekend ?? defaultWeekend);
  for (const w of weekend) if (!Number.isInteger(w) || w < 0 || w > 6) throw new Error(`weekend day must be 0–6, got ${w}`);
  if (weekend.size === 7) throw new Error('a calendar needs at least one working day of the week');
  const off = new Set(data.holidays.map(dayNumber));
  const on = new Set(data.workdays.map(dayNumber));
  for (const d of on) if (off.has(d)) throw new Error(`${fromDayNumber(d)} is listed both as a holiday and as a working day`);

  const working = (day: number): boolean => {
    if (on.has(day)) return true;
    if (off.has(day)) return false;
    return !weekend.has((((day + 4) % 7) + 7) % 7);
  };
  // No real calendar has more than a few dozen days off in a row; this only stops a runaway loop on bad data.
  const maxGap = 366;
  const step = (day: number, dir: 1 | -1): number => {
    for (let i = 0; i < maxGap; i++) {
      day += dir;
      if (working(day)) return day;
    }
    throw new Error(`no working day within ${maxGap} days of ${fromDayNumber(day)}`);
  };
  const checkCount = (n: number, what: string) => {
    if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, got ${n}`);
  };

  const addWorkingDays = (start: IsoDate, n: number): IsoDate => {
    checkCount(n, 'working days');
    let day = dayNumber(start);
    const dir = n < 0 ? -1 : 1;
    for (let i = 0; i < Math.abs(n); i++) day = step(day, dir);
    return fromDayNumber(day);
  };

  const nextWorkingDay = (date: IsoDate): IsoDate => {
    const day = dayNumber(date);
    return fromDayNumber(working(day) ? day : step(day, 1));
  };

  return {
    isWorkingDay: (date) => working(dayNumber(date)),
    addWorkingDays,
    nextWorkingDay,
    workingDaysBetween(a, b) {
      const from = dayNumber(a);
      const to = dayNumber(b);
      let count = 0;
      if (to >= from) {
        for (let d = from + 1; d <= to; d++) if (working(d)) count++;
        return count;
      }
      for (let d = to; d < from; d++) if (working(d)) count++;
      return -count;
    },
    addHours(start, hours) {
      assertInstant(start, 'start');
      if (!Number.isFinite(hours)) throw new Error(`hours must be a finite number, got ${hours}`);
      return new Date(start.getTime() + hours * 3_600_000);
    },
    deadlineFor(start, deadline, timeZone = defaultTimeZone) {
      assertInstant(start, 'start');
      const { amount, unit } = deadline;
      if (unit === 'hours') {
        if (!Number.isFinite(amount) || amount <= 0) throw new Error(`an hour deadline must be positive, got ${amount}`);
        return new Date(start.getTime() + amount * 3_600_000);
      }
      if (unit !== 'working_days') throw new Error(`unknown deadline unit ${JSON.stringify(unit)}`);
      if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`a working-day deadline must be a whole number ≥ 0, got ${amount}`);
      const startDay = nextWorkingDay(localDate(start, timeZone));
      return endOfLocalDay(addWorkingDays(startDay, amount), timeZone);
    },
  };
}

/** Overdue (滞后): strictly past the deadline. A case with no deadline is never overdue. */
export function isOverdue(deadline: Date | null | undefined, now: Date): boolean {
  if (!deadline) return false;
  assertInstant(deadline, 'deadline');
  assertInstant(now, 'now');
  return now.getTime() > deadline.getTime();
}
