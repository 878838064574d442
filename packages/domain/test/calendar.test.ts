import { test } from 'node:test';
import assert from 'node:assert/strict';
// The domain never imports chinese-days; the test uses it as the official source to build the lists and check against.
import chineseDays from 'chinese-days';
import {
  addCalendarDays,
  dayNumber,
  dayOfWeek,
  endOfLocalDay,
  isOverdue,
  localDate,
  makeCalendar,
  startOfLocalDay,
  type DeadlineSpec,
  type IsoDate,
  seededRandom,
} from '../src/index.ts';

function daysOf(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addCalendarDays(d, 1)) out.push(d);
  return out;
}

/** 放假 weekdays and 调休 weekend days, as the server would seed them from chinese-days. */
function officialLists(from: IsoDate, to: IsoDate) {
  const holidays: IsoDate[] = [];
  const workdays: IsoDate[] = [];
  for (const d of daysOf(from, to)) {
    const weekend = [0, 6].includes(dayOfWeek(d));
    const { work } = chineseDays.getDayDetail(d);
    if (!work && !weekend) holidays.push(d);
    if (work && weekend) workdays.push(d);
  }
  return { holidays, workdays };
}

const lists = officialLists('2025-01-01', '2027-12-31');
const cal = makeCalendar(lists);
const all2026 = daysOf('2026-01-01', '2026-12-31');

test('the lists built from chinese-days hold the 2026 调休 Saturdays and the Spring Festival weekdays', () => {
  for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
    assert.ok(lists.workdays.includes(d), d);
  for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23'])
    assert.ok(lists.holidays.includes(d), d);
});

test('every day of 2026 agrees with chinese-days (isWorkday, isHoliday, getDayDetail)', () => {
  assert.equal(all2026.length, 365);
  let working = 0;
  for (const d of all2026) {
    const mine = cal.isWorkingDay(d);
    assert.equal(mine, chineseDays.isWorkday(d), d);
    assert.equal(mine, !chineseDays.isHoliday(d), d);
    assert.equal(mine, chineseDays.getDayDetail(d).work, d);
    if (mine) working++;
  }
  // 365 days − 104 weekend days − 19 weekdays off + 6 调休 weekend days
  assert.equal(working, 248);
});

test('named days of 2026, written out by hand', () => {
  const table: [IsoDate, boolean, string][] = [
    ['2026-01-01', false, '元旦 (Thursday)'],
    ['2026-01-02', false, '元旦 (Friday)'],
    ['2026-01-03', false, 'Saturday of 元旦'],
    ['2026-01-04', true, '调休 Sunday'],
    ['2026-02-13', true, 'Friday before the Spring Festival'],
    ['2026-02-14', true, '调休 Saturday'],
    ['2026-02-15', false, 'Spring Festival, Sunday'],
    ['2026-02-16', false, 'Spring Festival, Monday'],
    ['2026-02-20', false, 'Spring Festival, Friday'],
    ['2026-02-23', false, 'Spring Festival, Monday (in lieu)'],
    ['2026-02-24', true, 'first working day after the Spring Festival'],
    ['2026-02-28', true, '调休 Saturday'],
    ['2026-03-01', false, 'ordinary Sunday'],
    ['2026-03-02', true, 'ordinary Monday'],
    ['2026-03-07', false, 'ordinary Saturday'],
    ['2026-04-06', false, '清明 Monday'],
    ['2026-05-05', false, '劳动节 Tuesday'],
    ['2026-05-09', true, '调休 Saturday'],
    ['2026-06-19', false, '端午 Friday'],
    ['2026-09-20', true, '调休 Sunday'],
    ['2026-09-25', false, '中秋 Friday'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-07', false, 'National Day, Wednesday'],
    ['2026-10-08', true, 'Thursday after National Day'],
    ['2026-10-10', true, '调休 Saturday'],
    ['2026-10-11', false, 'Sunday'],
  ];
  for (const [d, working, why] of table) assert.equal(cal.isWorkingDay(d), working, `${d} ${why}`);
});

test('addWorkingDays across holidays and 调休 weekends', () => {
  const table: [IsoDate, number, IsoDate][] = [
    ['2026-02-13', 0, '2026-02-13'],
    ['2026-02-13', 1, '2026-02-14'], // the working Saturday
    ['2026-02-13', 2, '2026-02-24'], // nine days off jumped
    ['2026-02-13', 3, '2026-02-25'],
    ['2026-02-15', 1, '2026-02-24'], // from a holiday, the start day is not counted
    ['2026-02-24', -1, '2026-02-14'],
    ['2026-02-24', -2, '2026-02-13'],
    ['2026-02-26', 2, '2026-02-28'], // Thu → Fri → the working Saturday
    ['2026-02-27', 1, '2026-02-28'],
    ['2026-02-28', 1, '2026-03-02'],
    ['2025-12-31', 1, '2026-01-04'], // across the year: 元旦 then the working Sunday
    ['2026-09-24', 5, '2026-10-09'], // 中秋 and National Day
    ['2026-09-30', 1, '2026-10-08'],
    ['2026-09-30', 3, '2026-10-10'],
    ['2026-09-30', 4, '2026-10-12'],
    ['2026-03-02', 5, '2026-03-09'], // an ordinary week
  ];
  for (const [start, n, want] of table) {
    assert.equal(cal.addWorkingDays(start, n), want, `${start} + ${n}`);
    assert.equal(cal.workingDaysBetween(start, want), n, `between ${start} and ${want}`);
  }
});

test('addWorkingDays matches chinese-days findWorkday for every day of 2026', () => {
  for (const d of all2026) {
    for (const n of [-3, -1, 1, 2, 5, 10, 15]) assert.equal(cal.addWorkingDays(d, n), chineseDays.findWorkday(n, d), `${d} ${n}`);
    assert.equal(cal.nextWorkingDay(d), chineseDays.findWorkday(0, d), d);
  }
});

test('workingDaysBetween counts (a, b] forwards and [b, a) backwards', () => {
  assert.equal(cal.workingDaysBetween('2026-02-13', '2026-02-13'), 0);
  assert.equal(cal.workingDaysBetween('2026-02-13', '2026-02-24'), 2);
  assert.equal(cal.workingDaysBetween('2026-02-15', '2026-02-23'), 0);
  assert.equal(cal.workingDaysBetween('2026-02-24', '2026-02-13'), -2);
  assert.equal(cal.workingDaysBetween('2026-01-01', '2026-12-31'), 248 - 0); // 01-01 is a holiday, so (01-01, 12-31] holds every working day
  assert.equal(cal.workingDaysBetween('2026-09-30', '2026-10-10'), 3);
});

const z = (s: string) => new Date(s);
const wd = (amount: number): DeadlineSpec => ({ amount, unit: 'working_days' });

test('deadlineFor: working days end at 23:59:59.999 in the city (UTC+8)', () => {
  const table: [string, DeadlineSpec, string, string][] = [
    ['2026-02-13T10:00:00+08:00', wd(1), '2026-02-14T15:59:59.999Z', 'Friday + 1 → the working Saturday'],
    ['2026-02-13T10:00:00+08:00', wd(2), '2026-02-24T15:59:59.999Z', 'over the Spring Festival'],
    ['2026-02-14T09:00:00+08:00', wd(1), '2026-02-24T15:59:59.999Z', 'from the working Saturday'],
    ['2026-02-15T09:00:00+08:00', wd(1), '2026-02-25T15:59:59.999Z', 'a holiday report counts from 02-24, day 1 is 02-25'],
    ['2026-02-15T09:00:00+08:00', wd(0), '2026-02-24T15:59:59.999Z', '0 working days: the end of the start day'],
    ['2026-03-07T09:00:00+08:00', wd(1), '2026-03-10T15:59:59.999Z', 'a Saturday report: start Monday, due Tuesday'],
    // UTC vs +08:00: the same instant is a different calendar date in the city
    ['2026-02-13T15:59:59.999Z', wd(1), '2026-02-14T15:59:59.999Z', '23:59:59.999 on Friday 02-13 local'],
    ['2026-02-13T16:00:00.000Z', wd(1), '2026-02-24T15:59:59.999Z', '00:00 on Saturday 02-14 local (a working day)'],
    ['2026-02-27T17:00:00Z', wd(1), '2026-03-02T15:59:59.999Z', '01:00 local on the working Saturday 02-28'],
    ['2025-12-31T12:00:00+08:00', wd(1), '2026-01-04T15:59:59.999Z', 'across the year'],
    ['2026-09-30T09:00:00+08:00', wd(1), '2026-10-08T15:59:59.999Z', 'National Day'],
    ['2026-09-30T09:00:00+08:00', wd(3), '2026-10-10T15:59:59.999Z', 'National Day, then the working Saturday'],
    ['2026-10-01T09:00:00+08:00', wd(10), '2026-10-21T15:59:59.999Z', 'ten working days from National Day'],
    ['2026-10-01T10:00:00+08:00', { amount: 24, unit: 'hours' }, '2026-10-02T02:00:00.000Z', 'hours ignore holidays'],
    ['2026-02-14T23:30:00+08:00', { amount: 2, unit: 'hours' }, '2026-02-14T17:30:00.000Z', 'two clock hours, past local midnight'],
  ];
  for (const [start, spec, want, why] of table) assert.equal(cal.deadlineFor(z(start), spec).toISOString(), want, why);
});

test('deadlineFor refuses nonsense', () => {
  assert.throws(() => cal.deadlineFor(z('2026-01-05T00:00:00Z'), wd(-1)));
  assert.throws(() => cal.deadlineFor(z('2026-01-05T00:00:00Z'), wd(1.5)));
  assert.throws(() => cal.deadlineFor(z('2026-01-05T00:00:00Z'), { amount: 0, unit: 'hours' }));
  assert.throws(() => cal.deadlineFor(z('2026-01-05T00:00:00Z'), { amount: 1, unit: 'weeks' as never }));
  assert.throws(() => cal.deadlineFor(new Date(Number.NaN), wd(1)));
});

test('zones: local dates, start and end of day, with and without daylight saving', () => {
  assert.equal(localDate(z('2026-02-13T15:59:59.999Z')), '2026-02-13');
  assert.equal(localDate(z('2026-02-13T16:00:00Z')), '2026-02-14');
  assert.equal(localDate(z('2026-02-13T16:00:00Z'), 'UTC'), '2026-02-13');
  assert.equal(endOfLocalDay('2026-02-24').toISOString(), '2026-02-24T15:59:59.999Z');
  assert.equal(startOfLocalDay('2026-02-24').toISOString(), '2026-02-23T16:00:00.000Z');
  assert.equal(endOfLocalDay('2026-03-08', 'America/New_York').toISOString(), '2026-03-09T03:59:59.999Z'); // DST began that day
  assert.equal(startOfLocalDay('2026-03-08', 'America/New_York').toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(endOfLocalDay('2026-10-25', 'Europe/London').toISOString(), '2026-10-25T23:59:59.999Z'); // BST ended that day
});

test('calendar dates are checked', () => {
  assert.throws(() => dayNumber('2026-02-30'));
  assert.throws(() => dayNumber('2026-2-3'));
  assert.throws(() => cal.isWorkingDay('2026-13-01'));
  assert.equal(dayOfWeek('2026-02-14'), 6);
  assert.equal(dayOfWeek('1969-12-31'), 3);
  assert.throws(() => makeCalendar({ holidays: ['2026-02-14'], workdays: ['2026-02-14'] }), /both/);
  assert.throws(() => makeCalendar({ holidays: [], workdays: [], weekend: [7] }));
  assert.throws(() => makeCalendar({ holidays: [], workdays: [], weekend: [0, 1, 2, 3, 4, 5, 6] }));
  assert.throws(() => cal.addWorkingDays('2026-01-05', 0.5));
});

test('another weekend rule: Friday only', () => {
  const c = makeCalendar({ holidays: [], workdays: [], weekend: [5] });
  assert.equal(c.isWorkingDay('2026-02-14'), true);
  assert.equal(c.isWorkingDay('2026-02-13'), false);
  assert.equal(c.addWorkingDays('2026-02-12', 1), '2026-02-14');
});

test('isOverdue: strictly after the deadline', () => {
  const deadline = z('2026-02-24T15:59:59.999Z');
  assert.equal(isOverdue(deadline, z('2026-02-24T15:59:59.999Z')), false);
  assert.equal(isOverdue(deadline, z('2026-02-24T16:00:00.000Z')), true);
  assert.equal(isOverdue(deadline, z('2026-02-20T00:00:00Z')), false);
  assert.equal(isOverdue(null, z('2030-01-01T00:00:00Z')), false);
});

// ---------------------------------------------------------------- properties

const seed = 20260214;

test(`properties of addWorkingDays and workingDaysBetween (seed ${seed})`, () => {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const first = dayNumber('2025-01-01');
  const span = dayNumber('2027-12-31') - first;
  for (let i = 0; i < 3000; i++) {
    const d = addCalendarDays('2025-01-01', int(0, span));
    const n = int(-60, 60);
    const m = int(-60, 60);
    const r = cal.addWorkingDays(d, n);
    const ctx = `${d} ${n} ${m}`;
    if (n !== 0) assert.ok(cal.isWorkingDay(r), ctx);
    assert.equal(cal.workingDaysBetween(d, r), n, ctx);
    if (n < m) assert.ok(r < cal.addWorkingDays(d, m), ctx); // strictly monotonic in n
    if (n > 0) assert.ok(r > d, ctx);
    const later = addCalendarDays(d, int(0, 20));
    if (n > 0) assert.ok(cal.addWorkingDays(later, n) >= r, ctx); // monotonic in the start date
    const a = addCalendarDays(d, int(0, 40));
    const b = addCalendarDays(a, int(0, 40));
    assert.equal(cal.workingDaysBetween(d, a) + cal.workingDaysBetween(a, b), cal.workingDaysBetween(d, b), ctx);
  }
});

test(`properties of deadlineFor (seed ${seed})`, () => {
  const rand = seededRandom(seed + 1);
  const from = z('2025-06-01T00:00:00Z').getTime();
  const to = z('2026-12-01T00:00:00Z').getTime();
  for (let i = 0; i < 2000; i++) {
    const t1 = from + Math.floor(rand() * (to - from));
    const t2 = t1 + Math.floor(rand() * 5 * 86_400_000);
    const n = Math.floor(rand() * 30);
    const d1 = cal.deadlineFor(new Date(t1), wd(n));
    const d2 = cal.deadlineFor(new Date(t2), wd(n));
    const ctx = `${new Date(t1).toISOString()} ${n}`;
    assert.ok(d1 <= d2, ctx);
    assert.ok(d1.getTime() > t1, ctx); // never due before it starts
    assert.ok(cal.deadlineFor(new Date(t1), wd(n + 1)) > d1, ctx);
    const due = localDate(d1);
    assert.ok(cal.isWorkingDay(due), ctx);
    assert.equal(d1.toISOString().slice(11), '15:59:59.999Z', ctx); // the end of a day in UTC+8
    assert.equal(cal.workingDaysBetween(cal.nextWorkingDay(localDate(new Date(t1))), due), n, ctx);
  }
});
