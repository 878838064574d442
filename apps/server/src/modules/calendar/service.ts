/**
 * The city's working-day calendar (DESIGN.md "Time"). The rule itself is the
 * pure `makeCalendar` of @cityloop/domain; this module keeps its data: the
 * `calendar_days` of each city, seeded lazily for the current and next year
 * from the `chinese-days` package and edited by admins.
 *
 * Every deadline goes through `cityCalendar` / `deadlineForCity`. The built
 * calendar is cached per city and checked against `calendar_versions` (one
 * tiny query) on each use, so an edit made by any server process is seen by all.
 */
import { createRequire } from 'node:module';
import {
  addCalendarDays,
  dayNumber,
  dayOfWeek,
  defaultWeekend,
  localDate,
  makeCalendar,
  type DeadlineSpec,
  type IsoDate,
  type WorkingCalendar,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import {
  allDays,
  bumpVersion,
  calendarVersion,
  cityTimeZone,
  claimYear,
  dayRow,
  daysOfYear,
  deleteDay,
  insertDays,
  recordedYears,
  upsertDay,
  yearSource,
  type DayInput,
  type DayRow,
} from './queries.ts';
import type { CalendarDayBodyT, CalendarDayT, CalendarYearBodyT, CalendarYearT, DeadlineQueryT, DeadlineResultT } from './schemas.ts';

// ---------------------------------------------------------------- the official source

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let official: Map<number, DayInput[]> | null = null;

/** The package's arrangements by year. Its entries read "Spring Festival,春节,4": we keep the Chinese name. */
export function officialYears(): Map<number, DayInput[]> {
  if (official) return official;
  const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as PackageData;
  const byYear = new Map<number, DayInput[]>();
  const add = (entries: Record<string, string>, kind: DayInput['kind']) => {
    for (const [day, label] of Object.entries(entries)) {
      const year = Number(day.slice(0, 4));
      const parts = label.split(',');
      const list = byYear.get(year) ?? [];
      list.push({ day, kind, name: (parts[1] ?? parts[0] ?? '').trim() });
      byYear.set(year, list);
    }
  };
  add(data.holidays, 'holiday');
  add(data.workdays, 'workday');
  for (const list of byYear.values()) list.sort((a, b) => a.day.localeCompare(b.day));
  official = byYear;
  return byYear;
}

// ---------------------------------------------------------------- seeding and the cache

interface Cached {
  version: number;
  calendar: WorkingCalendar;
  timeZone: string;
}

const cache = new Map<string, Cached>();
/** per city, the years already seeded, or known to need no seeding, in this process */
const checkedYears = new Map<string, Set<number>>();
const zones = new Map<string, string>();

/** Forgets the city's cached calendar (edits also bump the shared version, which other processes see). */
export function invalidateCalendar(cityId: string): void {
  cache.delete(cityId);
}

async function timeZoneOf(db: Queryable, cityId: string): Promise<string> {
  let tz = zones.get(cityId);
  if (!tz) {
    tz = await cityTimeZone(db, cityId);
    if (!tz) throw new AppError('city.not_found');
    zones.set(cityId, tz);
  }
  return tz;
}

/**
 * Seeds from chinese-days each of `years` that the city has no arrangement for
 * yet and the package knows. Idempotent and race-safe: the year is claimed in
 * `calendar_years` first (ON CONFLICT DO NOTHING), and only the claimer inserts
 * the days — again ON CONFLICT DO NOTHING, so an admin's edit of a day is kept.
 */
export async function ensureYears(db: Db, cityId: string, years: readonly number[]): Promise<void> {
  const checked = checkedYears.get(cityId) ?? new Set<number>();
  checkedYears.set(cityId, checked);
  const todo = years.filter((y) => !checked.has(y));
  if (todo.length === 0) return;
  const recorded = new Set(await recordedYears(db, cityId));
  for (const year of todo) {
    const days = officialYears().get(year);
    if (!recorded.has(year) && days) {
      await db.tx(async (q) => {
        if (!(await claimYear(q, cityId, year, 'official'))) return;
        await insertDays(q, cityId, days, 'official', false);
        await bumpVersion(q, cityId);
      });
    }
    checked.add(year);
  }
}

function thisYear(timeZone: string, now = new Date()): number {
  return Number(localDate(now, timeZone).slice(0, 4));
}

/**
 * The domain calendar of a city, seeded for the current and next year (and any
 * `years` the caller is about to need), from the cache when it is current.
 */
export async function cityCalendar(db: Db, cityId: string, years: readonly number[] = []): Promise<WorkingCalendar> {
  return (await loadCalendar(db, cityId, years)).calendar;
}

async function loadCalendar(db: Db, cityId: string, years: readonly number[]): Promise<Cached> {
  const timeZone = await timeZoneOf(db, cityId);
  const current = thisYear(timeZone);
  await ensureYears(db, cityId, [current, current + 1, ...years]);
  const version = await calendarVersion(db, cityId);
  const hit = cache.get(cityId);
  if (hit && hit.version === version) return hit;
  const rows = await allDays(db, cityId);
  const calendar = makeCalendar({
    holidays: rows.filter((r) => r.kind === 'holiday').map((r) => r.day),
    workdays: rows.filter((r) => r.kind === 'workday').map((r) => r.day),
  });
  const fresh: Cached = { version, calendar, timeZone };
  cache.set(cityId, fresh);
  return fresh;
}

/** The deadline instant for something starting at `start` in the city (the rule: packages/domain/src/calendar.ts). */
export async function deadlineForCity(db: Db, cityId: string, start: Date, spec: DeadlineSpec): Promise<Date> {
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new AppError('calendar.invalid_deadline');
  const timeZone = await timeZoneOf(db, cityId);
  const startYear = Number(localDate(start, timeZone).slice(0, 4));
  const { calendar } = await loadCalendar(db, cityId, [startYear, startYear + 1]);
  try {
    return calendar.deadlineFor(start, spec, timeZone);
  } catch (err) {
    throw new AppError('calendar.invalid_deadline', undefined, (err as Error).message);
  }
}

// ---------------------------------------------------------------- the HTTP side

/** A valid 'YYYY-MM-DD' in a year the calendar handles, or calendar.invalid_day. */
function checkDay(day: string): IsoDate {
  try {
    dayNumber(day);
  } catch {
    throw new AppError('calendar.invalid_day', { day });
  }
  const year = Number(day.slice(0, 4));
  if (year < 2000 || year > 2100) throw new AppError('calendar.invalid_day', { day });
  return day;
}

const weekend = new Set(defaultWeekend);

function toDay(r: DayRow): CalendarDayT {
  const weekday = dayOfWeek(r.day);
  return {
    day: r.day,
    kind: r.kind,
    name: r.name,
    source: r.source,
    weekday,
    changesWorkingDay: r.kind === 'holiday' ? !weekend.has(weekday) : weekend.has(weekday),
  };
}

export async function calendarYear(db: Db, cityId: string, year?: number): Promise<CalendarYearT> {
  const timeZone = await timeZoneOf(db, cityId);
  const y = year ?? thisYear(timeZone);
  const { calendar } = await loadCalendar(db, cityId, [y]);
  const [rows, source, years] = [await daysOfYear(db, cityId, y), await yearSource(db, cityId, y), await recordedYears(db, cityId)];
  const first = `${String(y).padStart(4, '0')}-01-01`;
  const daysInYear = dayNumber(`${String(y + 1).padStart(4, '0')}-01-01`) - dayNumber(first);
  let workingDays = 0;
  for (let i = 0; i < daysInYear; i++) if (calendar.isWorkingDay(addCalendarDays(first, i))) workingDays++;
  return { year: y, source, years: years.sort((a, b) => a - b), workingDays, days: rows.map(toDay) };
}

export async function setCalendarDay(db: Db, actor: Actor, day: string, body: CalendarDayBodyT, ip: string): Promise<CalendarDayT> {
  checkDay(day);
  const cityId = actor.cityId;
  // Seed the year first, so a later seed can never meet this day (it would keep the admin's edit anyway).
  await ensureYears(db, cityId, [Number(day.slice(0, 4))]);
  const after = { day, kind: body.kind, name: (body.name ?? '').trim() };
  await db.tx(async (q) => {
    const before = await dayRow(q, cityId, day);
    await upsertDay(q, cityId, after);
    await bumpVersion(q, cityId);
    await recordAudit(q, actor, {
      action: 'calendar.day_set',
      targetType: 'calendar_day',
      targetId: day,
      details: { before: before ? { kind: before.kind, name: before.name, source: before.source } : null, after: { kind: after.kind, name: after.name } },
      ip,
    });
  });
  invalidateCalendar(cityId);
  return toDay({ ...after, source: 'admin' });
}

export async function removeCalendarDay(db: Db, actor: Actor, day: string, ip: string): Promise<void> {
  checkDay(day);
  const cityId = actor.cityId;
  await ensureYears(db, cityId, [Number(day.slice(0, 4))]);
  await db.tx(async (q) => {
    const before = await dayRow(q, cityId, day);
    if (!before) throw new AppError('resource.not_found');
    await deleteDay(q, cityId, day);
    await bumpVersion(q, cityId);
    await recordAudit(q, actor, {
      action: 'calendar.day_delete',
      targetType: 'calendar_day',
      targetId: day,
      details: { before: { kind: before.kind, name: before.name, source: before.source } },
      ip,
    });
  });
  invalidateCalendar(cityId);
}

/** An admin enters a whole year the package does not know yet: all days valid and in that year, or nothing is written. */
export async function addCalendarYear(db: Db, actor: Actor, body: CalendarYearBodyT, ip: string): Promise<CalendarYearT> {
  const cityId = actor.cityId;
  const seen = new Set<string>();
  const days: DayInput[] = body.days.map((d) => {
    checkDay(d.day);
    if (Number(d.day.slice(0, 4)) !== body.year) throw new AppError('calendar.day_outside_year', { day: d.day, year: body.year });
    if (seen.has(d.day)) throw new AppError('calendar.duplicate_day', { day: d.day });
    seen.add(d.day);
    return { day: d.day, kind: d.kind, name: (d.name ?? '').trim() };
  });
  // A year chinese-days knows is seeded from it (and then exists); admins edit its days one by one.
  await ensureYears(db, cityId, [body.year]);
  await db.tx(async (q) => {
    if (!(await claimYear(q, cityId, body.year, 'admin'))) throw new AppError('calendar.year_exists', { year: body.year });
    await insertDays(q, cityId, days, 'admin', true);
    await bumpVersion(q, cityId);
    await recordAudit(q, actor, {
      action: 'calendar.year_add',
      targetType: 'calendar_year',
      targetId: String(body.year),
      details: {
        holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
        workdays: days.filter((d) => d.kind === 'workday').map((d) => d.day),
      },
      ip,
    });
  });
  invalidateCalendar(cityId);
  return calendarYear(db, cityId, body.year);
}

export async function deadlineQuery(db: Db, cityId: string, query: DeadlineQueryT): Promise<DeadlineResultT> {
  const start = new Date(query.start);
  const deadline = await deadlineForCity(db, cityId, start, { amount: query.amount, unit: query.unit });
  const timeZone = await timeZoneOf(db, cityId);
  return {
    start: start.toISOString(),
    amount: query.amount,
    unit: query.unit,
    deadline: deadline.toISOString(),
    deadlineDay: localDate(deadline, timeZone),
    timeZone,
  };
}
