import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { consolidationItemsForUnit as itemsFor } from '@cityloop/domain';
import { as, newCity, testApp, testDb, TEST_PASSWORD, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';
import { judgment, reportedProblem } from './fixtures/loop.ts';
import { compileConsolidation, pushConsolidation } from '../src/modules/consolidation/service.ts';
import type { ConsolidationItemT } from '../src/modules/consolidation/schemas.ts';

const consolidationItemsForUnit = (items: ConsolidationItemT[], unitId: string) => itemsFor(items, unitId);

/** An instant given as Shanghai wall-clock time. */
const sh = (local: string) => new Date(`${local}+08:00`);

async function notices(city: TestCity, username: string, kind: string): Promise<{ title: string; body: string }[]> {
  const db = await testDb();
  return db.query(
    `SELECT n.title, n.body FROM notifications n JOIN users u ON u.city_id = n.city_id AND u.id = n.user_id
      WHERE n.city_id = $1 AND u.username = $2 AND n.kind = $3 ORDER BY n.created_at`,
    [city.id, username, kind],
  );
}

async function sheets(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

describe('每日会商 (daily consolidation)', () => {
  let city: TestCity;
  let office: Client;
  let unit: Client;
  let unit2: Client;
  /** the problems of the simulated days, by name */
  const p: Record<string, string> = {};

  // The problems enter the pool now, through the real intake; a simulated day is made by
  // moving their times, which is all the list reads.
  const enteredAt = async (id: string, at: Date) => {
    const db = await testDb();
    await db.query(`UPDATE problems SET created_at = $3, first_reported_at = $3, last_reported_at = $3 WHERE city_id = $1 AND id = $2`, [city.id, id, at]);
  };
  const judgedAt = async (id: string, at: Date) => {
    const db = await testDb();
    await db.query(`UPDATE problems SET judged_at = $3 WHERE city_id = $1 AND id = $2`, [city.id, id, at]);
  };
  const listOf = async (c: Client, day: string) => {
    const res = await c.get(`/api/v1/consolidations/${day}`);
    assert.equal(res.status, 200, res.body);
    return res.json();
  };
  const idsOf = (list: { items: { problemId: string }[] }) => new Set(list.items.map((i) => i.problemId));
  const nameOf = (id: string) => Object.entries(p).find(([, v]) => v === id)?.[0] ?? id;
  const namesOf = (list: { items: { problemId: string }[] }) => list.items.map((i) => nameOf(i.problemId)).sort();

  before(async () => {
    city = await newCity();
    await giveDuties(city);
    office = await as(city, 'office');
    unit = await as(city, 'unit');
    unit2 = await as(city, 'unit2');

    // 5 March 2026 in Shanghai is [4 March 16:00Z, 5 March 16:00Z).
    p.earlyMorning = await reportedProblem(city, '桥下涵洞积水，车辆无法通行');
    await enteredAt(p.earlyMorning, sh('2026-03-05T00:30:00')); // still the 4th in UTC
    p.beforeEight = await reportedProblem(city, '小区路灯不亮，晚上很黑');
    await enteredAt(p.beforeEight, sh('2026-03-05T19:59:00'));
    p.dayBefore = await reportedProblem(city, '人行道地砖破损翘起');
    await enteredAt(p.dayBefore, sh('2026-03-04T23:59:59'));
    p.nextMidnight = await reportedProblem(city, '公园围栏倒塌');
    await enteredAt(p.nextMidnight, sh('2026-03-06T00:00:00')); // the 5th in UTC, the 6th in the city
    // Judged that day (yellow, responsible U1 with U2 cooperating), though reported a week before.
    p.judged = await reportedProblem(city, '文化路人行道路面塌陷');
    assert.equal((await office.post(`/api/v1/cases/${p.judged}/judgment`, judgment(city))).status, 200);
    await enteredAt(p.judged, sh('2026-02-26T09:00:00'));
    await judgedAt(p.judged, sh('2026-03-05T10:00:00'));
    // Judged red on the 1st and still not assigned: on every day's list until it is.
    p.pendingRed = await reportedProblem(city, '燃气管道泄漏，有刺鼻气味');
    const red = await office.post(`/api/v1/cases/${p.pendingRed}/judgment`, judgment(city, { cooperatingUnitIds: [], riskScores: { socialImpact: 5, technicalDifficulty: 2, fundingPressure: 2 } }));
    assert.equal(red.json().riskLevel, 'red');
    await enteredAt(p.pendingRed, sh('2026-03-01T08:00:00'));
    await judgedAt(p.pendingRed, sh('2026-03-01T09:00:00'));
    // A duplicate merged away that day: nothing to act on.
    p.merged = await reportedProblem(city, '井盖缺失，存在安全隐患');
    assert.equal((await office.post(`/api/v1/problems/${p.merged}/merge`, { intoProblemId: p.beforeEight })).status, 200);
    await enteredAt(p.merged, sh('2026-03-05T11:00:00'));
  });

  test('the 20:00 compile lists the city’s day: new problems, those judged that day, red ones still unassigned — not the day before, not the next, not the merged', async () => {
    const db = await testDb();
    const res = await compileConsolidation(db, city.id, sh('2026-03-05T20:00:00'));
    assert.equal(res.day, '2026-03-05');
    assert.equal(res.compiled, true);
    const list = await listOf(office, '2026-03-05');
    assert.deepEqual(namesOf(list), ['beforeEight', 'earlyMorning', 'judged', 'pendingRed']);
    assert.deepEqual(list.window, { from: '2026-03-04T16:00:00.000Z', to: '2026-03-05T16:00:00.000Z' });
    assert.equal(list.timeZone, 'Asia/Shanghai');
    // red first, then yellow, then the unrated (未研判) in the order they came in
    assert.deepEqual(list.items.map((i: any) => i.riskLevel), ['red', 'yellow', null, null]);
    assert.deepEqual(list.items.slice(2).map((i: any) => nameOf(i.problemId)), ['earlyMorning', 'beforeEight']);
    assert.deepEqual(list.counts, { total: 4, red: 1, yellow: 1, green: 0, unrated: 2 });
    const byName = (n: string) => list.items.find((i: any) => i.problemId === p[n]);
    assert.deepEqual(byName('judged').reasons, ['judged']);
    assert.deepEqual(byName('pendingRed').reasons, ['pending_red']);
    assert.deepEqual(byName('earlyMorning').reasons, ['new']);
    assert.equal(byName('judged').unitId, city.units.u1);
    assert.equal(byName('judged').unitConfirmed, true);
    assert.deepEqual(byName('judged').cooperatingUnitIds, [city.units.u2]);
    assert.deepEqual(byName('judged').cooperatingUnitNames, ['单位U2']);
    assert.equal(byName('judged').subcategoryName, '道路破损');
    assert.equal(byName('judged').statusLabel.zh, '待研判');
    assert.equal(byName('beforeEight').reportCount, 2, 'the merged duplicate’s report counts on the survivor');
    assert.equal(list.open, true);
    assert.equal(list.reviewedAt, null);
    assert.equal(list.pushedAt, null);
  });

  test('recompiling an unreviewed day replaces its items (one row per day); nothing else changes when nothing did', async () => {
    const db = await testDb();
    const first = await listOf(office, '2026-03-05');
    await compileConsolidation(db, city.id, sh('2026-03-05T20:00:00'));
    const again = await listOf(office, '2026-03-05');
    assert.deepEqual(again.items, first.items);
    assert.ok(again.compiledAt >= first.compiledAt);
    // a problem the intake backfills into the afternoon shows up on the next compile before review
    p.backfilled = await reportedProblem(city, '道路两侧排水沟堵塞');
    await enteredAt(p.backfilled, sh('2026-03-05T15:00:00'));
    await compileConsolidation(db, city.id, sh('2026-03-05T20:00:00'));
    assert.ok(idsOf(await listOf(office, '2026-03-05')).has(p.backfilled));
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM consolidations WHERE city_id = $1 AND day = '2026-03-05'`, [city.id]);
    assert.equal(rows[0]!.n, 1);
    const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1 AND action = 'consolidation.compile'`, [city.id]);
    assert.equal(audit[0]!.n, 3);
  });

  test('the office reviews with a note; the list is then frozen: no second review, no recompile', async () => {
    const leader = await as(city, 'leader');
    assert.equal((await leader.post('/api/v1/consolidations/2026-03-05/review', { note: 'x' })).status, 403);
    assert.equal((await unit.post('/api/v1/consolidations/2026-03-05/review', {})).status, 403);
    const res = await office.post('/api/v1/consolidations/2026-03-05/review', { note: '燃气泄漏一项今晚即交办，其余明日研判' });
    assert.equal(res.status, 200, res.body);
    const r = res.json();
    assert.ok(r.reviewedAt);
    assert.deepEqual(r.reviewedBy, { id: city.users.office, name: '测试office' });
    assert.equal(r.reviewNote, '燃气泄漏一项今晚即交办，其余明日研判');
    assert.equal(r.open, false);
    const twice = await office.post('/api/v1/consolidations/2026-03-05/review', {});
    assert.equal(twice.status, 409);
    assert.equal(twice.json().code, 'consolidation.already_reviewed');

    // 20:30: a report after the compile and the review. The reviewed list stays as it was …
    p.afterEight = await reportedProblem(city, '施工工地夜间噪音扰民');
    await enteredAt(p.afterEight, sh('2026-03-05T20:30:00'));
    const db = await testDb();
    const kept = await compileConsolidation(db, city.id, sh('2026-03-05T20:00:00'));
    assert.equal(kept.compiled, false);
    assert.equal(kept.counts.total, 5);
    assert.ok(!idsOf(await listOf(office, '2026-03-05')).has(p.afterEight));
    const now = await office.post('/api/v1/consolidations/compile', { day: '2026-03-05' });
    assert.equal(now.status, 409);
    assert.equal(now.json().code, 'consolidation.frozen');
  });

  test('… and what came after the compile is on the next day’s list (late), with that day’s own; the red one stays until assigned', async () => {
    const db = await testDb();
    await compileConsolidation(db, city.id, sh('2026-03-06T20:00:00'));
    const next = await listOf(office, '2026-03-06');
    assert.deepEqual(namesOf(next), ['afterEight', 'nextMidnight', 'pendingRed']);
    assert.deepEqual(next.items.find((i: any) => i.problemId === p.afterEight).reasons, ['late']);
    assert.deepEqual(next.items.find((i: any) => i.problemId === p.nextMidnight).reasons, ['new']);
    // a day whose previous day was never compiled has no late arrivals to carry (nothing to compare with);
    // the red one judged on the 1st is on it too
    await compileConsolidation(db, city.id, sh('2026-03-04T20:00:00'));
    assert.deepEqual(namesOf(await listOf(office, '2026-03-04')), ['dayBefore', 'pendingRed']);
  });

  test('the morning push sends each unit one message with its items, once; the list is pushed a day later in city time', async () => {
    const db = await testDb();
    const list = await listOf(office, '2026-03-05');
    // 08:30 on the 6th in Shanghai is still the 6th at 00:30Z; the list pushed is the 5th's.
    const res = await pushConsolidation(db, city.id, sh('2026-03-06T08:30:00'));
    assert.equal(res.day, '2026-03-05');
    assert.equal(res.pushed, true);
    assert.equal(res.reviewed, true);
    for (const [username, unitId] of [['unit', city.units.u1], ['unit2', city.units.u2]] as const) {
      const got = await notices(city, username, 'consolidation.pushed');
      const mine = consolidationItemsForUnit(list.items, unitId);
      assert.equal(got.length, mine.length > 0 ? 1 : 0, username);
      if (mine.length === 0) continue;
      assert.equal(got[0]!.title, `每日会商问题清单 2026-03-05：${mine.length} 项`);
      for (const i of mine) assert.ok(got[0]!.body.includes(i.title), `${username} is told of ${i.title}`);
      for (const i of list.items.filter((x: any) => !mine.includes(x))) assert.ok(!got[0]!.body.includes(i.title), `${username} is not told of ${i.title}`);
    }
    assert.ok((await notices(city, 'unit', 'consolidation.pushed'))[0]!.body.includes('【黄】'));
    // once: a second run (a retry) sends nothing
    const again = await pushConsolidation(db, city.id, sh('2026-03-06T08:30:00'));
    assert.equal(again.pushed, false);
    assert.equal((await notices(city, 'unit', 'consolidation.pushed')).length, 1);
    assert.ok((await listOf(office, '2026-03-05')).pushedAt);
  });

  test('an unreviewed list still goes out on time, marked 未经审核, and the office is told', async () => {
    const db = await testDb();
    const res = await pushConsolidation(db, city.id, sh('2026-03-07T08:30:00'));
    assert.deepEqual([res.day, res.pushed, res.reviewed], ['2026-03-06', true, false]);
    const office6 = (await notices(city, 'office', 'consolidation.office')).filter((n) => n.title.includes('2026-03-06'));
    assert.equal(office6.length, 1);
    assert.match(office6[0]!.title, /未经审核/);
    const units6 = [...(await notices(city, 'unit', 'consolidation.pushed')), ...(await notices(city, 'unit2', 'consolidation.pushed'))].filter((n) =>
      n.title.includes('2026-03-06'),
    );
    assert.ok(units6.length > 0);
    for (const n of units6) assert.match(n.title, /（未经审核）$/);
    // pushed, it can no longer be recompiled; a review afterwards is recorded and sends nothing
    assert.equal((await compileConsolidation(db, city.id, sh('2026-03-06T20:00:00'))).compiled, false);
    const before = (await notices(city, 'unit', 'consolidation.pushed')).length;
    assert.equal((await office.post('/api/v1/consolidations/2026-03-06/review', { note: '补审' })).status, 200);
    assert.equal((await notices(city, 'unit', 'consolidation.pushed')).length, before);
  });

  test('a push finds a list never compiled (the 20:00 run failed for good) and compiles it first', async () => {
    const db = await testDb();
    const res = await pushConsolidation(db, city.id, sh('2026-03-11T08:00:00'));
    assert.equal(res.day, '2026-03-10');
    assert.equal(res.pushed, true);
    assert.equal((await listOf(office, '2026-03-10')).counts.total, 1, 'the red one still waiting');
  });

  test('a unit sees a list once pushed, and only its items (responsible or cooperating), counted over them', async () => {
    const db = await testDb();
    await compileConsolidation(db, city.id, sh('2026-03-08T20:00:00'));
    const notYet = await unit.get('/api/v1/consolidations/2026-03-08');
    assert.equal(notYet.status, 404);
    assert.equal(notYet.json().code, 'consolidation.not_found');

    const full = await listOf(office, '2026-03-05');
    for (const [c, unitId] of [[unit, city.units.u1], [unit2, city.units.u2]] as const) {
      const mine = await listOf(c, '2026-03-05');
      const expected = consolidationItemsForUnit(full.items, unitId);
      assert.deepEqual(mine.items, expected);
      assert.equal(mine.counts.total, expected.length);
      assert.ok(mine.items.every((i: any) => i.unitId === unitId || i.cooperatingUnitIds.includes(unitId)));
    }
    assert.ok(idsOf(await listOf(unit2, '2026-03-05')).has(p.judged!), 'U2 cooperates on it');
    assert.ok(!idsOf(await listOf(unit2, '2026-03-05')).has(p.pendingRed!));

    const days = (await unit.get('/api/v1/consolidations')).json().items.map((d: any) => d.day);
    assert.ok(days.includes('2026-03-05') && !days.includes('2026-03-08'), `a unit lists pushed days only: ${days}`);
    const officeDays = (await office.get('/api/v1/consolidations')).json().items.map((d: any) => d.day);
    assert.deepEqual(officeDays.slice(0, 5), ['2026-03-10', '2026-03-08', '2026-03-06', '2026-03-05', '2026-03-04']);
    const unitRow = (await unit.get('/api/v1/consolidations')).json().items.find((d: any) => d.day === '2026-03-05');
    assert.equal(unitRow.counts.total, consolidationItemsForUnit(full.items, city.units.u1).length);
    // a bad day is a clear error
    assert.equal((await office.get('/api/v1/consolidations/2026-02-30')).json().code, 'calendar.invalid_day');
    assert.equal((await office.get('/api/v1/consolidations/yesterday')).status, 400);
  });

  test('the XLSX export: title, headers, one row per item filled red / yellow / green, a sheet per unit; a unit’s copy holds its items only', async () => {
    const list = await listOf(office, '2026-03-05');
    const raw = async (username: string) => {
      const app = await testApp();
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, city: city.code } });
      const cookie = `cl_session=${login.cookies.find((c) => c.name === 'cl_session')!.value}`;
      return app.inject({ method: 'GET', url: '/api/v1/consolidations/2026-03-05.xlsx', headers: { 'x-city': city.code, cookie } });
    };
    const res = await raw('office');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.equal(decodeURIComponent(String(res.headers['content-disposition']).split("''")[1]!), '每日会商问题清单-2026-03-05.xlsx');
    const wb = await sheets(res.rawPayload);
    const ws = wb.getWorksheet('问题清单')!;
    const row = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    assert.equal(row(1)[0], '每日会商问题清单（2026年3月5日）');
    assert.match(String(row(2)[0]), /共 5 项：红 1 · 黄 1 · 绿 0 · 未研判 3/);
    assert.match(String(row(2)[0]), /已审核 2026-\d\d-\d\d \d\d:\d\d（测试office）：燃气泄漏一项今晚即交办/);
    assert.deepEqual(row(3), ['序号', '风险等级', '问题', '问题小类', '地址', '片区', '责任单位', '状态', '线索数', '入池时间', '研判时间', '整改时限', '列入原因']);
    assert.equal(ws.rowCount, 3 + list.items.length);
    const fill = (n: number) => (ws.getRow(n).getCell(3).fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb ?? null;
    list.items.forEach((item: any, k: number) => {
      const r = row(4 + k);
      assert.equal(r[0], k + 1);
      assert.equal(r[1], { red: '红', yellow: '黄', green: '绿' }[item.riskLevel as string] ?? '未研判');
      assert.equal(r[2], item.title);
      assert.equal(fill(4 + k), { red: 'FFFFC7CE', yellow: 'FFFFEB9C', green: 'FFC6EFCE' }[item.riskLevel as string] ?? null, `row ${k + 1} fill`);
    });
    const judgedRow = row(4 + list.items.findIndex((i: any) => i.problemId === p.judged));
    assert.equal(judgedRow[3], 'JS-03 道路破损');
    assert.equal(judgedRow[6], '单位U1');
    assert.equal(judgedRow[10], '2026-03-05 10:00', 'times in city time');
    assert.equal(judgedRow[12], '当日研判');
    const early = row(4 + list.items.findIndex((i: any) => i.problemId === p.earlyMorning));
    assert.equal(early[9], '2026-03-05 00:30');
    assert.match(String(early[6]), /（建议）$|^$/, 'a unit only proposed by routing is marked as a suggestion');
    const perUnit = wb.getWorksheet('按责任单位')!;
    assert.deepEqual((perUnit.getRow(2).values as unknown[]).slice(1), ['责任单位', '红', '黄', '绿', '未研判', '合计']);
    const units = list.units as { unitName: string | null; counts: { total: number } }[];
    assert.equal(perUnit.rowCount, 2 + units.length);

    const mine = await sheets((await raw('unit2')).rawPayload);
    const mineWs = mine.getWorksheet('问题清单')!;
    const expected = consolidationItemsForUnit(list.items, city.units.u2);
    assert.equal(mineWs.rowCount, 3 + expected.length);
    assert.deepEqual(
      Array.from({ length: expected.length }, (_, k) => (mineWs.getRow(4 + k).values as unknown[])[3]),
      expected.map((i: any) => i.title),
    );
    assert.equal((await (await as(city, 'inspector')).get('/api/v1/consolidations/2026-03-05.xlsx')).status, 403);
  });

  test('compile now: today by default, any past day while open, never a future day; the office only', async () => {
    const res = await office.post('/api/v1/consolidations/compile', {});
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().open, true);
    const future = await office.post('/api/v1/consolidations/compile', { day: '2099-01-01' });
    assert.equal(future.status, 422);
    assert.equal(future.json().code, 'consolidation.future_day');
    const past = await office.post('/api/v1/consolidations/compile', { day: '2026-03-09' });
    assert.equal(past.status, 200, past.body);
    assert.deepEqual(namesOf(past.json()), ['pendingRed']);
    for (const role of ['unit', 'leader', 'discipline', 'admin']) {
      assert.equal((await (await as(city, role)).post('/api/v1/consolidations/compile', {})).status, 403, role);
    }
  });
});
