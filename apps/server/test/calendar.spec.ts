import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { as, newCity, testDb, type Client, type TestCity } from './harness.ts';

async function count(city: TestCity, table: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE city_id = $1`, [city.id]))[0]!.n;
}

async function auditActions(city: TestCity, targetId: string) {
  const db = await testDb();
  return (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 ORDER BY seq`, [city.id, targetId])).map(
    (r) => r.action,
  );
}

const deadline = (c: Client, start: string, amount: number, unit = 'working_days') =>
  c.get(`/api/v1/calendar/deadline?start=${encodeURIComponent(start)}&amount=${amount}&unit=${unit}`);

describe('calendar', () => {
  let city: TestCity;
  let admin: Client;
  let office: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
    office = await as(city, 'office');
  });

  test('2026 is seeded from chinese-days on first use: 调休 Saturdays, the National Day holidays, 248 working days', async () => {
    const res = await office.get('/api/v1/calendar?year=2026');
    assert.equal(res.status, 200, res.body);
    const cal = res.json();
    assert.equal(cal.year, 2026);
    assert.equal(cal.source, 'official');
    assert.ok(cal.years.includes(2026));
    assert.equal(cal.workingDays, 248);
    const byDay = new Map<string, any>(cal.days.map((d: any) => [d.day, d]));
    assert.deepEqual(byDay.get('2026-02-14'), { day: '2026-02-14', kind: 'workday', name: '春节', source: 'official', weekday: 6, changesWorkingDay: true });
    assert.equal(byDay.get('2026-10-01').kind, 'holiday');
    assert.equal(byDay.get('2026-10-01').name, '国庆节');
    assert.equal(byDay.get('2026-10-01').changesWorkingDay, true);
    // a 放假 day on a Sunday is listed to name the block, but changes nothing
    assert.equal(byDay.get('2026-02-22').changesWorkingDay, false);
    assert.equal(cal.days.filter((d: any) => d.kind === 'workday').length, 6);
  });

  test('seeding is idempotent: concurrent first uses write each day once', async () => {
    const other = await newCity();
    const c = await as(other, 'office');
    const results = await Promise.all([1, 2, 3].map(() => c.get('/api/v1/calendar?year=2026')));
    for (const r of results) assert.equal(r.status, 200, r.body);
    assert.deepEqual(
      results.map((r) => r.json().workingDays),
      [248, 248, 248],
    );
    const db = await testDb();
    const years = await db.query<{ year: number; source: string }>(`SELECT year, source FROM calendar_years WHERE city_id = $1 AND year = 2026`, [other.id]);
    assert.deepEqual(years, [{ year: 2026, source: 'official' }]);
    const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM calendar_days WHERE city_id = $1 AND day BETWEEN '2026-01-01' AND '2026-12-31'`, [other.id]))[0]!.n;
    assert.equal(n, results[0]!.json().days.length);
  });

  test('a deadline across the Spring Festival skips the nine days off and counts the 调休 Saturdays', async () => {
    // Friday 2026-02-13 10:00 in Shanghai; Sat 14th is worked, 15th–23rd off, Sat 28th worked
    const res = await deadline(office, '2026-02-13T02:00:00Z', 5);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json(), {
      start: '2026-02-13T02:00:00.000Z',
      amount: 5,
      unit: 'working_days',
      deadline: '2026-02-27T15:59:59.999Z',
      deadlineDay: '2026-02-27',
      timeZone: 'Asia/Shanghai',
    });
    // a report on the first day of the holiday counts from the first working day after it
    assert.equal((await deadline(office, '2026-02-16T01:00:00Z', 0)).json().deadline, '2026-02-24T15:59:59.999Z');
    // hours ignore the holiday
    assert.equal((await deadline(office, '2026-02-16T01:00:00Z', 24, 'hours')).json().deadline, '2026-02-17T01:00:00.000Z');
  });

  test('an admin edit of a day changes deadlines at once, is audited, and can be undone', async () => {
    const put = await admin.put('/api/v1/calendar/days/2026-02-26', { kind: 'holiday', name: '本地假日' });
    assert.equal(put.status, 200, put.body);
    assert.deepEqual(put.json(), { day: '2026-02-26', kind: 'holiday', name: '本地假日', source: 'admin', weekday: 4, changesWorkingDay: true });
    assert.equal((await deadline(office, '2026-02-13T02:00:00Z', 5)).json().deadline, '2026-02-28T15:59:59.999Z');
    const cal = (await office.get('/api/v1/calendar?year=2026')).json();
    assert.equal(cal.workingDays, 247);
    assert.equal(cal.days.find((d: any) => d.day === '2026-02-26').source, 'admin');

    // a weekend day made a working day
    assert.equal((await admin.put('/api/v1/calendar/days/2026-03-07', { kind: 'workday', name: '补班' })).status, 200);
    assert.equal((await office.get('/api/v1/calendar?year=2026')).json().workingDays, 248);

    const del = await admin.delete('/api/v1/calendar/days/2026-02-26');
    assert.equal(del.status, 204, del.body);
    assert.equal((await deadline(office, '2026-02-13T02:00:00Z', 5)).json().deadline, '2026-02-27T15:59:59.999Z');
    assert.deepEqual(await auditActions(city, '2026-02-26'), ['calendar.day_set', 'calendar.day_delete']);
    assert.equal((await admin.delete('/api/v1/calendar/days/2026-02-26')).json().code, 'resource.not_found');
  });

  test('a bad day is refused with a problem code and nothing is written', async () => {
    const days = await count(city, 'calendar_days');
    const audits = await count(city, 'audit_events');
    for (const bad of ['2026-02-30', 'tomorrow', '26-1-1', '1899-01-01']) {
      const res = await admin.put(`/api/v1/calendar/days/${encodeURIComponent(bad)}`, { kind: 'holiday', name: 'x' });
      assert.equal(res.status, 422, `${bad}: ${res.body}`);
      assert.equal(res.json().code, 'calendar.invalid_day');
      assert.ok(String(res.headers['content-type']).startsWith('application/problem+json'));
    }
    const kind = await admin.put('/api/v1/calendar/days/2026-03-02', { kind: 'vacation' });
    assert.equal(kind.status, 400);
    assert.equal(kind.json().code, 'request.invalid');
    const delBad = await admin.delete('/api/v1/calendar/days/not-a-day');
    assert.equal(delBad.json().code, 'calendar.invalid_day');
    const deadlineBad = await deadline(office, 'yesterday', 3);
    assert.equal(deadlineBad.json().code, 'request.invalid');
    const fraction = await deadline(office, '2026-02-13T02:00:00Z', 1.5);
    assert.equal(fraction.status, 422);
    assert.equal(fraction.json().code, 'calendar.invalid_deadline');
    assert.equal(await count(city, 'calendar_days'), days);
    assert.equal(await count(city, 'audit_events'), audits);
  });

  test('an admin adds a year the package does not know, all or nothing', async () => {
    const db = await testDb();
    const days = await count(city, 'calendar_days');
    const audits = await count(city, 'audit_events');
    const before = (await office.get('/api/v1/calendar?year=2031')).json();
    assert.equal(before.source, null);
    assert.deepEqual(before.days, []);
    assert.equal(before.workingDays, 261); // the plain weekend rule

    const good = [
      { day: '2031-01-01', kind: 'holiday', name: '元旦' },
      { day: '2031-01-26', kind: 'workday', name: '春节' }, // a Sunday
    ];
    const outside = await admin.post('/api/v1/calendar/years', { year: 2031, days: [...good, { day: '2032-01-01', kind: 'holiday', name: '元旦' }] });
    assert.equal(outside.status, 422, outside.body);
    assert.equal(outside.json().code, 'calendar.day_outside_year');
    assert.equal(outside.json().day, '2032-01-01');
    const notADate = await admin.post('/api/v1/calendar/years', { year: 2031, days: [...good, { day: '2031-02-29', kind: 'holiday' }] });
    assert.equal(notADate.json().code, 'calendar.invalid_day');
    const twice = await admin.post('/api/v1/calendar/years', { year: 2031, days: [...good, good[0]] });
    assert.equal(twice.json().code, 'calendar.duplicate_day');
    assert.equal(await count(city, 'calendar_days'), days);
    assert.equal(await count(city, 'audit_events'), audits);
    assert.deepEqual(await db.query(`SELECT year FROM calendar_years WHERE city_id = $1 AND year = 2031`, [city.id]), []);

    const res = await admin.post('/api/v1/calendar/years', { year: 2031, days: good });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().source, 'admin');
    assert.equal(res.json().workingDays, 261);
    assert.deepEqual(
      res.json().days.map((d: any) => [d.day, d.kind, d.changesWorkingDay]),
      [
        ['2031-01-01', 'holiday', true],
        ['2031-01-26', 'workday', true],
      ],
    );
    assert.ok(res.json().years.includes(2031));
    assert.deepEqual(await auditActions(city, '2031'), ['calendar.year_add']);
    // Tuesday 2030-12-31; Wednesday 1 January is off: 2 working days → Friday the 3rd
    assert.equal((await deadline(office, '2030-12-31T02:00:00Z', 2)).json().deadlineDay, '2031-01-03');

    const again = await admin.post('/api/v1/calendar/years', { year: 2031, days: good });
    assert.equal(again.status, 409);
    assert.equal(again.json().code, 'calendar.year_exists');
    const known = await admin.post('/api/v1/calendar/years', { year: 2026, days: [] });
    assert.equal(known.json().code, 'calendar.year_exists');
  });

  test('staff read the calendar, only an admin edits it, a citizen sees nothing', async () => {
    const unit = await as(city, 'unit');
    assert.equal((await unit.get('/api/v1/calendar?year=2026')).status, 200);
    assert.equal((await deadline(unit, '2026-02-13T02:00:00Z', 5)).status, 200);
    const put = await office.put('/api/v1/calendar/days/2026-03-03', { kind: 'holiday' });
    assert.equal(put.status, 403);
    assert.equal(put.json().code, 'auth.forbidden');
    assert.equal((await (await as(city, 'citizen')).get('/api/v1/calendar')).status, 403);
  });
});
