import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { recheckPeriod, sampleForRecheck, seedFromText } from '@cityloop/domain';
import crypto from 'node:crypto';
import { as, newCity, testApp, testDb, TEST_PASSWORD, type Client, type TestCity } from './harness.ts';
import { giveDuties, photo } from './fixtures/intake.ts';
import { judgment, reportedProblem } from './fixtures/loop.ts';
import { sampleRechecks } from '../src/modules/recheck/service.ts';

const DAY = 86_400_000;

/**
 * Photos uploaded by a signed-in person: anonymous uploads share one per-address limit
 * with every other spec of the process, and a dozen close-outs would exhaust it.
 */
async function uploader(city: TestCity, username: string): Promise<(n: number) => Promise<string[]>> {
  const app = await testApp();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, city: city.code } });
  const headers = { 'x-city': city.code, cookie: `cl_session=${login.cookies.find((c) => c.name === 'cl_session')!.value}`, 'x-csrf-token': login.json().csrfToken as string };
  return async (n) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const boundary = `----cityloop${crypto.randomBytes(8).toString('hex')}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="site.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        photo('photo-nogps.jpg'),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().id);
    }
    return ids;
  };
}

async function notices(city: TestCity, username: string, kind: string): Promise<{ title: string; body: string; problem_id: string | null }[]> {
  const db = await testDb();
  return db.query(
    `SELECT n.title, n.body, n.problem_id FROM notifications n JOIN users u ON u.city_id = n.city_id AND u.id = n.user_id
      WHERE n.city_id = $1 AND u.username = $2 AND n.kind = $3 ORDER BY n.created_at`,
    [city.id, username, kind],
  );
}

async function tasksOf(city: TestCity): Promise<{ id: string; problem_id: string; period_key: string; assignee_role: string; status: string; due_at: Date }[]> {
  const db = await testDb();
  return db.query(`SELECT id, problem_id, period_key, assignee_role, status, due_at FROM case_tasks WHERE city_id = $1 AND kind = 'recheck' ORDER BY created_at, id`, [city.id]);
}

async function caseRow(city: TestCity, id: string) {
  const db = await testDb();
  return (await db.query<Record<string, any>>(`SELECT * FROM problems WHERE city_id = $1 AND id = $2`, [city.id, id]))[0]!;
}

describe('回头看 (re-check)', () => {
  let city: TestCity;
  let office: Client;
  let thirdparty: Client;
  let inspector: Client;
  let unit: Client;
  /** closed long enough ago to be drawn */
  const old: string[] = [];
  /** closed yesterday: not yet */
  const recent: string[] = [];
  let working = '';
  const now = new Date();
  const period = recheckPeriod(now, 'Asia/Shanghai');
  /** the quarter's scheduled draw */
  let drawn: string[] = [];
  let photoIds: (n: number) => Promise<string[]>;

  /** A case taken through the real loop's API (研判 → 交办 → 签收 → 申请销号 → 销号), or up to 整改中. */
  const caseAt = async (stage: 'in_progress' | 'closed') => {
    const id = await reportedProblem(city);
    const ok = async (p: Promise<{ status: number; body: string }>) => {
      const res = await p;
      assert.equal(res.status, 200, res.body);
    };
    await ok(office.post(`/api/v1/cases/${id}/judgment`, judgment(city)));
    await ok(office.post(`/api/v1/cases/${id}/assign`, {}));
    await ok(unit.post(`/api/v1/cases/${id}/accept`));
    if (stage === 'in_progress') return id;
    const [b, a, report, receipt] = await photoIds(4);
    await ok(unit.post(`/api/v1/cases/${id}/closeout`, { beforePhotoIds: [b], afterPhotoIds: [a], thirdPartyReportId: report, satisfactionReceiptId: receipt, satisfactionScore: 92 }));
    await ok(office.post(`/api/v1/cases/${id}/close`, {}));
    return id;
  };

  before(async () => {
    city = await newCity();
    await giveDuties(city);
    office = await as(city, 'office');
    thirdparty = await as(city, 'thirdparty');
    inspector = await as(city, 'inspector');
    unit = await as(city, 'unit');
    photoIds = await uploader(city, 'thirdparty');
    // Closed through the real loop; the close-out time is then moved back, as the draw only
    // takes cases closed at least 30 days before it.
    for (let i = 0; i < 8; i++) old.push(await caseAt('closed'));
    for (let i = 0; i < 2; i++) recent.push(await caseAt('closed'));
    working = await caseAt('in_progress');
    const db = await testDb();
    await db.query(`UPDATE problems SET closed_at = $3 WHERE city_id = $1 AND id = ANY($2::uuid[])`, [city.id, old, new Date(now.getTime() - 40 * DAY)]);
    await db.query(`UPDATE problems SET closed_at = $3 WHERE city_id = $1 AND id = ANY($2::uuid[])`, [city.id, recent, new Date(now.getTime() - DAY)]);
  });

  test('the quarter’s draw takes the rate of the cases closed 30+ days ago, from a seed anyone can recompute; the third party gets the tasks', async () => {
    const db = await testDb();
    const r = await sampleRechecks(db, city.id, { scheduledFor: now, rate: 0.25 });
    assert.equal(r.periodKey, period);
    assert.equal(r.eligible, 8);
    assert.equal(r.created, 2);
    assert.equal(r.alreadyDrawn, false);
    assert.equal(r.assigneeRole, 'thirdparty');
    assert.equal(r.seed, seedFromText(`${city.id}|${period}`));
    const tasks = await tasksOf(city);
    drawn = tasks.map((t) => t.problem_id);
    assert.deepEqual([...drawn].sort(), sampleForRecheck(old, 0.25, r.seed).sort(), 'the domain draw, recomputed from the seed');
    assert.ok(drawn.every((id) => old.includes(id)));
    for (const t of tasks) {
      assert.equal(t.period_key, period);
      assert.equal(t.assignee_role, 'thirdparty');
      assert.equal(t.status, 'open');
      assert.ok(new Date(t.due_at).getTime() > now.getTime() + 29 * DAY);
    }
    // on each drawn case's timeline, still closed
    for (const id of drawn) {
      const c = (await office.get(`/api/v1/cases/${id}`)).json();
      assert.equal(c.status, 'closed');
      assert.equal(c.timeline.at(-1).action, 'task_created');
      assert.equal(c.timeline.at(-1).details.periodKey, period);
      assert.equal(c.timeline.at(-1).chained, true);
    }
    const told = await notices(city, 'thirdparty', 'recheck.tasks');
    assert.equal(told.length, 1);
    assert.match(told[0]!.title, /2 件/);
    const audit = await db.query<{ details: any }>(`SELECT details FROM audit_events WHERE city_id = $1 AND action = 'recheck.sample'`, [city.id]);
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0]!.details.drawn, r.taskIds.map((id) => tasks.find((t) => t.id === id)!.problem_id));
    assert.equal(audit[0]!.details.eligible, 8);
  });

  test('a retried run, or the month’s next run in the same quarter, creates nothing new', async () => {
    const db = await testDb();
    const before = await tasksOf(city);
    const retry = await sampleRechecks(db, city.id, { scheduledFor: now, rate: 0.25 });
    assert.equal(retry.alreadyDrawn, true);
    assert.equal(retry.created, 0);
    assert.deepEqual([...retry.taskIds].sort(), before.map((t) => t.id).sort());
    const laterInQuarter = new Date(now.getTime() + 60_000);
    assert.equal(recheckPeriod(laterInQuarter, 'Asia/Shanghai'), period);
    assert.equal((await sampleRechecks(db, city.id, { scheduledFor: laterInQuarter, rate: 1 })).created, 0);
    assert.deepEqual(await tasksOf(city), before);
    assert.equal((await notices(city, 'thirdparty', 'recheck.tasks')).length, 1);
  });

  test('“sample now” is the office’s: an extra draw from the cases not yet re-checked this quarter', async () => {
    for (const c of [thirdparty, inspector, unit]) assert.equal((await c.post('/api/v1/rechecks/sample', { rate: 1 })).status, 403);
    const res = await office.post('/api/v1/rechecks/sample', { rate: 0.5 });
    assert.equal(res.status, 200, res.body);
    const r = res.json();
    assert.equal(r.eligible, 6, 'the two drawn already are out');
    assert.equal(r.created, 3);
    assert.ok(r.periodKey.startsWith(`${period}/`));
    const tasks = await tasksOf(city);
    assert.equal(new Set(tasks.map((t) => t.problem_id)).size, 5, 'never two re-checks of one case');
    const rest = (await office.post('/api/v1/rechecks/sample', { rate: 0.01 })).json();
    assert.deepEqual([rest.eligible, rest.created], [3, 1]);
    assert.ok(!tasks.some((t) => recent.includes(t.problem_id) || t.problem_id === working));
    const bad = await office.post('/api/v1/rechecks/sample', { rate: 1.5 });
    assert.equal(bad.status, 400);
  });

  test('each sees the re-checks handed to them: the third party its role’s, the office all, an inspector none here, a unit not at all', async () => {
    const mine = (await thirdparty.get('/api/v1/rechecks?view=mine')).json();
    assert.equal(mine.total, 6);
    assert.ok(mine.items.every((t: any) => t.status === 'open' && t.assigneeRole === 'thirdparty' && t.caseStatus === 'closed'));
    assert.equal(mine.items[0].responsibleUnit.id, city.units.u1);
    assert.ok(mine.items[0].closedAt);
    assert.equal((await office.get('/api/v1/rechecks?view=open')).json().total, 6);
    assert.equal((await office.get('/api/v1/rechecks?view=mine')).json().total, 0, 'none handed to the office itself');
    assert.equal((await inspector.get('/api/v1/rechecks')).json().total, 0);
    assert.equal((await unit.get('/api/v1/rechecks')).status, 403, 'a re-check is not announced to the unit checked');
    assert.equal((await (await as(city, 'leader')).get('/api/v1/rechecks')).status, 403);
  });

  test('passed: recorded on the task and the timeline; the case stays closed; the task cannot be done twice', async () => {
    const task = (await thirdparty.get('/api/v1/rechecks?view=mine')).json().items[0];
    const res = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'passed', note: '现场路面平整，无反弹' });
    assert.equal(res.status, 200, res.body);
    const done = res.json();
    assert.deepEqual([done.status, done.outcome, done.outcomeNote, done.doneBy.id], ['done', 'passed', '现场路面平整，无反弹', city.users.thirdparty]);
    const c = (await office.get(`/api/v1/cases/${task.problemId}`)).json();
    assert.equal(c.status, 'closed');
    assert.equal(c.reopenCount, 0);
    assert.equal(c.timeline.at(-1).action, 'recheck_passed');
    assert.equal(c.timeline.at(-1).details.taskId, task.id);
    const twice = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'relapsed', note: 'x', photoIds: await photoIds(1) });
    assert.equal(twice.status, 409);
    assert.equal(twice.json().code, 'case.no_open_task');
    assert.equal((await caseRow(city, task.problemId)).status, 'closed');
    const list = (await thirdparty.get('/api/v1/rechecks?view=done')).json();
    assert.deepEqual(list.items.map((t: any) => t.id), [task.id]);
  });

  test('a unit cannot complete a re-check, an inspector not one handed to the third party; a relapse needs photos and a reason', async () => {
    const task = (await thirdparty.get('/api/v1/rechecks?view=mine')).json().items[0];
    const [site] = await photoIds(1);
    assert.equal((await unit.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'passed' })).status, 403);
    const notTheirs = await inspector.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'passed' });
    assert.equal(notTheirs.status, 409);
    assert.equal(notTheirs.json().code, 'case.no_open_task');
    const noPhoto = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'relapsed', note: '路面再次开裂' });
    assert.equal(noPhoto.status, 422);
    assert.equal(noPhoto.json().code, 'case.missing_evidence');
    assert.deepEqual(noPhoto.json().missing, ['relapsePhotos']);
    const noReason = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'relapsed', photoIds: [site] });
    assert.equal(noReason.json().code, 'case.reason_required');
    const ghost = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'relapsed', note: '路面再次开裂', photoIds: ['00000000-0000-4000-8000-000000000009'] });
    assert.equal(ghost.json().code, 'case.unknown_file');
    assert.equal((await thirdparty.post(`/api/v1/rechecks/${crypto.randomUUID()}/complete`, { outcome: 'passed' })).status, 404);
    const still = (await thirdparty.get('/api/v1/rechecks?view=mine')).json().items.find((t: any) => t.id === task.id);
    assert.equal(still.status, 'open', 'nothing half-done');
    assert.equal((await caseRow(city, task.problemId)).status, 'closed');
  });

  test('relapsed: the case reopens (反弹重开) with its history, one more reopening, a fresh deadline; the unit is told and can take it up again', async () => {
    const task = (await thirdparty.get('/api/v1/rechecks?view=mine')).json().items[0];
    const before = await caseRow(city, task.problemId);
    const photos = await photoIds(2);
    const res = await thirdparty.post(`/api/v1/rechecks/${task.id}/complete`, { outcome: 'relapsed', note: '路面再次开裂下沉，积水', photoIds: photos });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual([res.json().outcome, res.json().photoIds], ['relapsed', photos]);
    const after = await caseRow(city, task.problemId);
    assert.equal(after.status, 'reopened');
    assert.equal(after.reopen_count, before.reopen_count + 1);
    assert.ok(new Date(after.deadline) > new Date(), 'a fresh deadline, not overdue at once');
    assert.equal(new Date(after.closed_at).toISOString(), new Date(before.closed_at).toISOString(), 'the close-out stays in the record');
    const c = (await office.get(`/api/v1/cases/${task.problemId}`)).json();
    const actions = c.timeline.map((e: any) => e.action);
    for (const a of ['judge', 'assign', 'accept', 'submit_closeout', 'close', 'task_created', 'recheck_relapse']) assert.ok(actions.includes(a), a);
    assert.ok(actions.indexOf('close') < actions.indexOf('recheck_relapse'));
    const relapse = c.timeline.at(-1);
    assert.deepEqual([relapse.action, relapse.from, relapse.to, relapse.note], ['recheck_relapse', 'closed', 'reopened', '路面再次开裂下沉，积水']);
    assert.deepEqual(relapse.details.relapsePhotos, photos);
    assert.equal(relapse.details.reopenCount, 1);
    const told = (await notices(city, 'unit', 'case.relapsed')).filter((n) => n.problem_id === task.problemId);
    assert.equal(told.length, 1);
    assert.match(told[0]!.body, /路面再次开裂下沉，积水/);
    assert.equal((await notices(city, 'office', 'case.relapsed')).length, 1);
    // the loop carries on: the responsible unit takes the case up again
    const accepted = await unit.post(`/api/v1/cases/${task.problemId}/accept`);
    assert.equal(accepted.status, 200, accepted.body);
    assert.equal(accepted.json().status, 'in_progress');
  });

  test('a satisfaction survey: 80% or more is recorded and the case stays closed; under 80% it goes back, its open re-check cancelled', async () => {
    const open = (await thirdparty.get('/api/v1/rechecks?view=mine')).json().items;
    const target = open[0];
    // 85%: recorded
    const good = await office.post('/api/v1/rechecks/surveys', { problemId: target.problemId, score: 85, note: '神秘顾客回访' });
    assert.equal(good.status, 200, good.body);
    assert.deepEqual([good.json().reopened, good.json().caseStatus], [false, 'closed']);
    assert.equal((await caseRow(city, target.problemId)).satisfaction, 85);
    // 62%: back for rectification (the third party sees it: it holds a re-check of it)
    const low = await thirdparty.post('/api/v1/rechecks/surveys', { problemId: target.problemId, score: 62 });
    assert.equal(low.status, 200, low.body);
    assert.deepEqual([low.json().reopened, low.json().caseStatus], [true, 'reopened']);
    assert.ok(low.json().deadline);
    const row = await caseRow(city, target.problemId);
    assert.deepEqual([row.status, row.satisfaction, row.reopen_count], ['reopened', 62, 1]);
    const last = (await office.get(`/api/v1/cases/${target.problemId}`)).json().timeline.at(-1);
    assert.deepEqual([last.action, last.from, last.to, last.details.satisfactionScore], ['reopen_low_satisfaction', 'closed', 'reopened', 62]);
    const cancelled = (await tasksOf(city)).find((t) => t.id === target.id)!;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await thirdparty.post(`/api/v1/rechecks/${target.id}/complete`, { outcome: 'passed' })).json().code, 'case.no_open_task');
    assert.equal((await notices(city, 'unit', 'case.reopened_low_satisfaction')).length, 1);

    // not closed any more: no survey; an inspector records none; a case the third party cannot see is not found
    const again = await office.post('/api/v1/rechecks/surveys', { problemId: target.problemId, score: 50 });
    assert.equal(again.status, 409);
    assert.equal(again.json().code, 'recheck.not_closed');
    assert.equal((await office.post('/api/v1/rechecks/surveys', { problemId: working, score: 50 })).json().code, 'recheck.not_closed');
    const byInspector = await inspector.post('/api/v1/rechecks/surveys', { problemId: recent[0], score: 50 });
    assert.equal(byInspector.status, 403);
    assert.equal(byInspector.json().code, 'case.forbidden');
    assert.equal((await thirdparty.post('/api/v1/rechecks/surveys', { problemId: recent[0], score: 50 })).status, 404);
    assert.equal((await caseRow(city, recent[0]!)).status, 'closed');
    assert.equal((await office.post('/api/v1/rechecks/surveys', { problemId: recent[0], score: 101 })).status, 400);
  });

  test('relapses count against the unit: closed, re-checked, relapsed, low satisfaction, rate against the 5% target; a unit sees its own row', async () => {
    const res = await office.get('/api/v1/rechecks/units');
    assert.equal(res.status, 200, res.body);
    const r = res.json();
    assert.equal(r.target, 0.05);
    const u1 = r.units.find((u: any) => u.unitId === city.units.u1);
    assert.deepEqual(
      { closed: u1.closed, rechecked: u1.rechecked, passed: u1.passed, relapsed: u1.relapsed, lowSatisfaction: u1.lowSatisfaction, reopenCount: u1.reopenCount },
      { closed: 10, rechecked: 2, passed: 1, relapsed: 1, lowSatisfaction: 1, reopenCount: 2 },
    );
    assert.equal(u1.relapseRate, 0.5);
    assert.equal(u1.overTarget, true);
    assert.equal(u1.unitName, '单位U1');
    assert.deepEqual(r.totals, { closed: 10, rechecked: 2, passed: 1, relapsed: 1, lowSatisfaction: 1, relapseRate: 0.5 });
    assert.ok(!r.units.some((u: any) => u.unitId === city.units.u2), 'U2 only cooperates: nothing counted against it');
    // a window: re-checks done today are inside, a window in the past holds none
    const past = (await office.get('/api/v1/rechecks/units?from=2026-01-01&to=2026-01-31')).json();
    assert.equal(past.totals.rechecked, 0);
    const mine = (await unit.get('/api/v1/rechecks/units')).json();
    assert.deepEqual(mine.units.map((u: any) => u.unitId), [city.units.u1]);
    assert.deepEqual((await (await as(city, 'unit2')).get('/api/v1/rechecks/units')).json().units, []);
    assert.equal((await inspector.get('/api/v1/rechecks/units')).status, 403);
    assert.equal((await office.get('/api/v1/rechecks/units?from=2026-02-30')).json().code, 'calendar.invalid_day');
  });

  test('a city without a third-party account hands its re-checks to the inspectors', async () => {
    const db = await testDb();
    await db.query(`UPDATE users SET active = false WHERE city_id = $1 AND 'thirdparty' = ANY(roles)`, [city.id]);
    try {
      // closes a fresh case long ago, then draws it by hand
      const id = await caseAt('closed');
      await db.query(`UPDATE problems SET closed_at = $3 WHERE city_id = $1 AND id = $2`, [city.id, id, new Date(now.getTime() - 40 * DAY)]);
      const r = (await office.post('/api/v1/rechecks/sample', { rate: 1 })).json();
      assert.equal(r.assigneeRole, 'inspector');
      assert.ok(r.created >= 1);
      const mine = (await inspector.get('/api/v1/rechecks?view=mine')).json();
      assert.ok(mine.items.some((t: any) => t.problemId === id));
      assert.equal((await notices(city, 'inspector', 'recheck.tasks')).length, 1);
    } finally {
      await db.query(`UPDATE users SET active = true WHERE city_id = $1 AND 'thirdparty' = ANY(roles)`, [city.id]);
    }
  });
});
