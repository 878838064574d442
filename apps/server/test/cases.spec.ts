import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';
import { caseAt, closeoutBody, judgment, photoIds, reportedProblem } from './fixtures/loop.ts';
import { deadlineForCity } from '../src/modules/calendar/service.ts';
import { sweepEscalations } from '../src/modules/escalation/service.ts';

async function notificationsOf(city: TestCity, username: string): Promise<{ kind: string; title: string }[]> {
  const db = await testDb();
  return db.query(
    `SELECT n.kind, n.title FROM notifications n JOIN users u ON u.city_id = n.city_id AND u.id = n.user_id
      WHERE n.city_id = $1 AND u.username = $2 ORDER BY n.created_at`,
    [city.id, username],
  );
}

async function rowOf(city: TestCity, id: string) {
  const db = await testDb();
  return (await db.query<Record<string, any>>(`SELECT * FROM problems WHERE city_id = $1 AND id = $2`, [city.id, id]))[0]!;
}

describe('the rectification loop through HTTP, with the real roles', () => {
  let city: TestCity;
  let office: Client;
  let unit: Client;
  let unit2: Client;
  let leader: Client;

  before(async () => {
    city = await newCity();
    await giveDuties(city);
    office = await as(city, 'office');
    unit = await as(city, 'unit');
    unit2 = await as(city, 'unit2');
    leader = await as(city, 'leader');
  });

  test('judgment → assignment → acceptance → progress → extension → close-out → 销号, every step on the timeline', async () => {
    const id = await reportedProblem(city, '文化路人行道路面大面积塌陷');
    const fresh = (await office.get(`/api/v1/cases/${id}`)).json();
    assert.equal(fresh.status, 'pending_judgment');
    assert.deepEqual(
      fresh.allowedActions.map((a: any) => a.action).sort(),
      ['assign', 'dismiss', 'give_opinion', 'judge'],
    );

    // 研判: the risk matrix decides the level; the deadline proposal comes from the taxonomy in working days.
    const judged = await office.post(`/api/v1/cases/${id}/judgment`, judgment(city));
    assert.equal(judged.status, 200, judged.body);
    const j = judged.json();
    assert.equal(j.status, 'pending_judgment');
    assert.equal(j.riskLevel, 'yellow'); // (2·3 + 2 + 2) / 4 = 2.5
    assert.equal(j.riskScore, 2.5);
    assert.equal(j.responsibleUnit.id, city.units.u1);
    assert.deepEqual(j.cooperatingUnits.map((u: any) => u.id), [city.units.u2]);
    assert.equal(j.leadLeader.id, city.users.leader);
    assert.deepEqual(j.deadlineSpec, { amount: 10, unit: 'working_days' });
    assert.ok(j.proposedDeadline);

    // 交办: notice number, deadline from the working calendar, everyone concerned told.
    const before = new Date();
    const assigned = (await office.post(`/api/v1/cases/${id}/assign`, {})).json();
    assert.equal(assigned.status, 'assigned');
    assert.match(assigned.noticeNo, /^[A-Z]{2}整改〔\d{4}〕0001号$/);
    const expected = await deadlineForCity(await testDb(), city.id, before, { amount: 10, unit: 'working_days' });
    assert.equal(assigned.deadline, expected.toISOString());
    assert.ok((await notificationsOf(city, 'unit')).some((n) => n.kind === 'case.assigned'));
    assert.ok((await notificationsOf(city, 'unit2')).some((n) => n.kind === 'case.cooperating'));
    assert.ok((await notificationsOf(city, 'leader')).some((n) => n.kind === 'case.leading'));

    // The unit at work: only the responsible unit acts; the cooperating unit reads.
    assert.equal((await unit2.get(`/api/v1/cases/${id}`)).status, 200);
    const notTheirs = await unit2.post(`/api/v1/cases/${id}/accept`);
    assert.equal(notTheirs.status, 403);
    assert.equal(notTheirs.json().code, 'case.not_responsible_unit');
    assert.deepEqual((await unit.get(`/api/v1/cases/${id}`)).json().allowedActions.map((a: any) => a.action), ['accept']);
    assert.equal((await unit.post(`/api/v1/cases/${id}/accept`)).json().status, 'in_progress');
    const [p1, p2] = await photoIds(city, 2);
    const progress = (await unit.post(`/api/v1/cases/${id}/progress`, { note: '已设置围挡，开始破除旧路面', photoIds: [p1, p2] })).json();
    assert.equal(progress.status, 'in_progress');
    assert.ok(progress.lastProgressAt);

    // 延期: the unit asks, the lead leader approves; the deadline moves.
    const later = new Date(new Date(assigned.deadline).getTime() + 20 * 86400_000).toISOString().slice(0, 10);
    const asked = await unit.post(`/api/v1/cases/${id}/extension`, { proposedDay: later, reason: '地下管线迁改需协调燃气公司' });
    assert.equal(asked.json().status, 'extension_requested', asked.body);
    const approved = (await leader.post(`/api/v1/cases/${id}/extension/decision`, { decision: 'approve' })).json();
    assert.equal(approved.status, 'in_progress');
    assert.ok(new Date(approved.deadline) > new Date(assigned.deadline));
    assert.equal(approved.extensionProposedDeadline, null);

    // 销号: three pieces of evidence; the office closes.
    const submitted = await unit.post(`/api/v1/cases/${id}/closeout`, await closeoutBody(city, 95));
    assert.equal(submitted.json().status, 'pending_verification', submitted.body);
    const closed = (await office.post(`/api/v1/cases/${id}/close`, { note: '现场核实已修复' })).json();
    assert.equal(closed.status, 'closed');
    assert.ok(closed.closedAt);

    assert.deepEqual(
      closed.timeline.map((e: any) => e.action),
      ['created', 'judge', 'assign', 'accept', 'report_progress', 'request_extension', 'approve_extension', 'submit_closeout', 'close'],
    );
    const byAction = Object.fromEntries(closed.timeline.map((e: any) => [e.action, e]));
    assert.equal(byAction.accept.actor, 'unit');
    assert.equal(byAction.accept.actorName, '测试unit');
    assert.deepEqual(closed.closeout.files.map((f: any) => f.mime), ['image/jpeg', 'image/jpeg', 'image/jpeg', 'image/jpeg']);
    const unitView = (await unit.get(`/api/v1/cases/${id}`)).json();
    assert.match(unitView.reports[0].text, /^文化路人行道路面大面积塌陷/);
    assert.equal(unitView.reports[0].photoIds.length, 0);
    assert.equal(byAction.approve_extension.actor, 'leader');
    assert.equal(byAction.request_extension.note, '地下管线迁改需协调燃气公司');
    assert.deepEqual(byAction.report_progress.details.photoIds, [p1, p2]);
    assert.equal(byAction.close.from, 'pending_verification');
    assert.equal(byAction.close.to, 'closed');
    assert.ok(closed.timeline.filter((e: any) => e.action !== 'created').every((e: any) => e.chained));
    assert.ok((await notificationsOf(city, 'unit')).some((n) => n.kind === 'case.closed'));
    assert.ok((await notificationsOf(city, 'citizen')).some((n) => n.kind === 'problem.closed'));

    // The discipline role checks the record; nobody else may.
    const check = (await (await as(city, 'discipline')).get(`/api/v1/cases/${id}/timeline/verify`)).json();
    assert.equal(check.ok, true);
    assert.equal(check.checked, 8);
    assert.equal((await unit.get(`/api/v1/cases/${id}/timeline/verify`)).status, 403);
  });

  test('bad input is refused with a clear code and changes nothing', async () => {
    const id = await reportedProblem(city);
    const cases: [object, number, string][] = [
      [judgment(city, { subcategoryCode: 'XX-99' }), 422, 'taxonomy.unknown_subcategory'],
      [judgment(city, { responsibleUnitId: '00000000-0000-4000-8000-000000000000' }), 422, 'case.unknown_unit'],
      [judgment(city, { leadLeaderId: city.users.office }), 422, 'case.unknown_leader'],
      [judgment(city, { deadlineDay: '2020-01-01' }), 422, 'case.bad_deadline'],
      [judgment(city, { riskScores: { socialImpact: 9, technicalDifficulty: 1, fundingPressure: 1 } }), 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await office.post(`/api/v1/cases/${id}/judgment`, body);
      assert.equal(res.status, status, res.body);
      assert.equal(res.json().code, code);
    }
    const notJudged = await office.post(`/api/v1/cases/${id}/assign`, {});
    assert.equal(notJudged.json().code, 'case.not_judged');
    const row = await rowOf(city, id);
    assert.equal(row.status, 'pending_judgment');
    assert.equal(row.judged_at, null);
    const events = (await office.get(`/api/v1/cases/${id}`)).json().timeline;
    assert.deepEqual(events.map((e: any) => e.action), ['created']);
  });

  test('each role may only do its part, and a unit sees only its own cases', async () => {
    const id = await caseAt(city, 'assigned', { office, unit });
    assert.equal((await office.post(`/api/v1/cases/${id}/accept`)).status, 403);
    assert.equal((await unit.post(`/api/v1/cases/${id}/close`, {})).status, 403);
    assert.equal((await (await as(city, 'citizen')).get('/api/v1/cases')).status, 403);
    // not theirs at all: the inspector has no task on it, the third party nothing to verify
    assert.equal((await (await as(city, 'inspector')).get(`/api/v1/cases/${id}`)).status, 404);
    assert.equal((await (await as(city, 'thirdparty')).get(`/api/v1/cases/${id}`)).status, 404);
    const mine = (await unit.get('/api/v1/cases?view=todo')).json();
    assert.ok(mine.items.some((c: any) => c.id === id));
    const db = await testDb();
    await db.query(`UPDATE problems SET cooperating_unit_ids = '{}' WHERE city_id = $1 AND id = $2`, [city.id, id]);
    assert.equal((await unit2.get(`/api/v1/cases/${id}`)).status, 404);
    assert.ok(!(await unit2.get('/api/v1/cases')).json().items.some((c: any) => c.id === id));
  });

  test('a transition that the state does not allow is refused with the state named', async () => {
    const id = await caseAt(city, 'closed', { office, unit });
    const res = await unit.post(`/api/v1/cases/${id}/accept`);
    assert.equal(res.status, 409);
    assert.equal(res.json().code, 'case.invalid_transition');
    assert.equal(res.json().status, 409);
    assert.equal(res.json().caseStatusLabel, '已销号');
  });

  test('two concurrent close-outs of one case: exactly one wins', async () => {
    const id = await caseAt(city, 'pending_verification', { office, unit });
    const office2 = await as(city, 'office');
    const results = await Promise.all([office.post(`/api/v1/cases/${id}/close`, {}), office2.post(`/api/v1/cases/${id}/close`, {}), office.post(`/api/v1/cases/${id}/return`, { reason: '照片不清晰' })]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409, 409], results.map((r) => r.body).join('\n'));
    const timeline = (await office.get(`/api/v1/cases/${id}`)).json().timeline;
    assert.equal(timeline.filter((e: any) => e.action === 'close' || e.action === 'return').length, 1);
  });

  test('two concurrent submissions by the unit: one close-out, the other refused', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const [a, b] = await Promise.all([closeoutBody(city), closeoutBody(city)]);
    const results = await Promise.all([unit.post(`/api/v1/cases/${id}/closeout`, a), unit.post(`/api/v1/cases/${id}/closeout`, b)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
  });

  test('a close-out without all three pieces of evidence is refused', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const full = await closeoutBody(city);
    const { thirdPartyReportId: _drop, ...noReport } = full;
    assert.equal((await unit.post(`/api/v1/cases/${id}/closeout`, noReport)).status, 400);
    const noAfter = await unit.post(`/api/v1/cases/${id}/closeout`, { ...full, afterPhotoIds: [] });
    assert.equal(noAfter.status, 400);
    const unknown = await unit.post(`/api/v1/cases/${id}/closeout`, { ...full, satisfactionReceiptId: '00000000-0000-4000-8000-000000000001' });
    assert.equal(unknown.json().code, 'case.unknown_file');
    assert.equal((await rowOf(city, id)).status, 'in_progress');
    // and the office cannot close what was never submitted
    assert.equal((await office.post(`/api/v1/cases/${id}/close`, {})).json().code, 'case.invalid_transition');
  });

  test('satisfaction under 80% sends the case straight back for rectification', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const res = (await unit.post(`/api/v1/cases/${id}/closeout`, await closeoutBody(city, 72))).json();
    assert.equal(res.status, 'returned');
    assert.equal(res.returnCount, 1);
    assert.equal(res.satisfaction, 72);
    const last = res.timeline.at(-1);
    assert.equal(last.action, 'reopen_low_satisfaction');
    assert.equal(last.actor, 'system');
    assert.ok((await notificationsOf(city, 'unit')).some((n) => n.title.startsWith('满意度不足')));
    assert.equal((await unit.post(`/api/v1/cases/${id}/accept`)).json().status, 'in_progress');
  });

  test('the office returns a close-out with reasons; the unit resubmits', async () => {
    const id = await caseAt(city, 'pending_verification', { office, unit });
    const noReason = await office.post(`/api/v1/cases/${id}/return`, { reason: '' });
    assert.equal(noReason.status, 400);
    const returned = (await office.post(`/api/v1/cases/${id}/return`, { reason: '整改后照片与整改前不是同一位置' })).json();
    assert.equal(returned.status, 'returned');
    assert.equal(returned.returnCount, 1);
    assert.equal((await unit.post(`/api/v1/cases/${id}/closeout`, await closeoutBody(city))).json().status, 'pending_verification');
  });

  test('extensions: refused with a reason; 一事一议 only for legacy problems', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const row = await rowOf(city, id);
    const later = new Date(new Date(row.deadline).getTime() + 30 * 86400_000).toISOString().slice(0, 10);
    const tooEarly = await unit.post(`/api/v1/cases/${id}/extension`, { proposedDay: '2021-03-01', reason: '来不及' });
    assert.equal(tooEarly.json().code, 'case.bad_deadline');
    const notLater = await unit.post(`/api/v1/cases/${id}/extension`, { proposedDay: new Date(new Date(row.deadline).getTime() - 86400_000).toISOString().slice(0, 10), reason: '来不及' });
    assert.equal(notLater.json().code, 'case.extension_not_later');
    await unit.post(`/api/v1/cases/${id}/extension`, { proposedDay: later, reason: '雨季施工受限' });
    assert.equal((await office.post(`/api/v1/cases/${id}/extension/decision`, { decision: 'rule_case_by_case', note: '容错' })).json().code, 'case.not_legacy');
    assert.equal((await office.post(`/api/v1/cases/${id}/extension/decision`, { decision: 'refuse' })).json().code, 'case.reason_required');
    const refused = (await office.post(`/api/v1/cases/${id}/extension/decision`, { decision: 'refuse', note: '工期可以压缩' })).json();
    assert.equal(refused.status, 'in_progress');
    assert.equal(refused.deadline, new Date(row.deadline).toISOString());

    const legacyId = await reportedProblem(city, '棚户区改造十年未完成，居民反映强烈');
    await office.post(`/api/v1/cases/${legacyId}/judgment`, judgment(city, { legacy: true, deadline: { amount: 60, unit: 'working_days' } }));
    await office.post(`/api/v1/cases/${legacyId}/assign`, {});
    await unit.post(`/api/v1/cases/${legacyId}/accept`);
    const legacyRow = await rowOf(city, legacyId);
    const muchLater = new Date(new Date(legacyRow.deadline).getTime() + 200 * 86400_000).toISOString().slice(0, 10);
    await unit.post(`/api/v1/cases/${legacyId}/extension`, { proposedDay: muchLater, reason: '征收安置房建设周期长' });
    const ruled = (await leader.post(`/api/v1/cases/${legacyId}/extension/decision`, { decision: 'rule_case_by_case', note: '一事一议：征收安置+货币补偿组合推进' })).json();
    assert.equal(ruled.status, 'in_progress');
    assert.equal(ruled.timeline.at(-1).action, 'rule_case_by_case');
  });

  test('a disputed problem goes to an expert first; the expert sees it and answers once', async () => {
    const id = await reportedProblem(city, '新建桥梁伸缩缝疑似设计缺陷');
    const expert = await as(city, 'expert');
    assert.equal((await expert.get(`/api/v1/cases/${id}`)).status, 404);
    const asked = await office.post(`/api/v1/cases/${id}/opinion-requests`, { expertUserId: city.users.expert, note: '请判断是否属于结构安全隐患' });
    assert.equal(asked.status, 200, asked.body);
    assert.ok((await notificationsOf(city, 'expert')).some((n) => n.kind === 'case.opinion_requested'));
    const seen = (await expert.get(`/api/v1/cases/${id}`)).json();
    assert.equal(seen.tasks[0].kind, 'expert_opinion');
    assert.deepEqual(seen.allowedActions.map((a: any) => a.action), ['give_opinion']);
    const answered = (await expert.post(`/api/v1/cases/${id}/opinions`, { opinion: '属于结构安全隐患，建议红色等级，限期 5 个工作日' })).json();
    assert.equal(answered.tasks[0].status, 'done');
    assert.equal(answered.timeline.at(-1).action, 'give_opinion');
    assert.equal((await expert.post(`/api/v1/cases/${id}/opinions`, { opinion: '补充' })).json().code, 'case.no_open_task');
    assert.equal((await office.post(`/api/v1/cases/${id}/opinion-requests`, { expertUserId: city.users.unit, note: 'x' })).json().code, 'case.unknown_expert');
  });

  test('a red problem alerts the responsible unit and the lead leader at once', async () => {
    const id = await reportedProblem(city, '学校围墙开裂倾斜，随时可能倒塌');
    const before = (await notificationsOf(city, 'unit')).filter((n) => n.kind === 'case.red_alert').length;
    const res = (await office.post(`/api/v1/cases/${id}/judgment`, judgment(city, { riskScores: { socialImpact: 5, technicalDifficulty: 2, fundingPressure: 1 } }))).json();
    assert.equal(res.riskLevel, 'red');
    assert.equal((await notificationsOf(city, 'unit')).filter((n) => n.kind === 'case.red_alert').length, before + 1);
    assert.ok((await notificationsOf(city, 'leader')).some((n) => n.kind === 'case.red_alert'));
  });

  test('the reporter tracks each loop step in public words, never the internal notes; Open311 gives the deadline and the unit', async () => {
    const id = await caseAt(city, 'pending_verification', { office, unit });
    await office.post(`/api/v1/cases/${id}/return`, { reason: '内部意见：施工单位资质存疑' });
    const db = await testDb();
    const r = (await db.query<{ ticket: string; service_request_id: string }>(`SELECT ticket, service_request_id FROM reports WHERE city_id = $1 AND problem_id = $2`, [city.id, id]))[0]!;
    const track = (await (await anonymous(city)).get(`/api/v1/reports/track/${r.ticket}`)).json();
    assert.equal(track.status, 'returned');
    const notes = track.history.map((h: any) => h.note);
    assert.ok(notes.some((n: string) => n.startsWith('已交办责任单位整改，整改时限 20')), notes.join(' | '));
    assert.ok(notes.includes('责任单位已签收，正在整改'));
    assert.ok(notes.includes('整改完成，待核验'));
    assert.ok(notes.includes('核验未通过，继续整改'));
    assert.ok(!JSON.stringify(track).includes('资质存疑'));
    const sr = (await (await anonymous(city)).get(`/open311/v2/requests/${r.service_request_id}.json?jurisdiction_id=${city.code}`)).json()[0];
    const row = await rowOf(city, id);
    assert.equal(sr.expected_datetime, new Date(row.deadline).toISOString());
    assert.equal(sr.agency_responsible, '单位U1');
  });

  test('a case past its deadline shows as 滞后 in the case list, the case and the problem pool', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const db = await testDb();
    // the deadline passes (time moves on; the row is set as the calendar would have it 11 working days later)
    await db.query(`UPDATE problems SET deadline = now() - interval '1 hour' WHERE city_id = $1 AND id = $2`, [city.id, id]);
    assert.equal((await unit.get(`/api/v1/cases/${id}`)).json().overdue, true);
    const lagging = (await office.get('/api/v1/cases?overdue=true')).json();
    assert.ok(lagging.items.some((c: any) => c.id === id && c.overdue));
    assert.ok(!(await office.get('/api/v1/cases?overdue=false')).json().items.some((c: any) => c.id === id));
    const pool = (await office.get('/api/v1/problems?pageSize=200')).json();
    const row = pool.items.find((p: any) => p.id === id);
    assert.equal(row.overdue, true);
    assert.equal(row.riskLevel, 'yellow');
    assert.ok(pool.items.filter((p: any) => p.id !== id && p.status === 'closed').every((p: any) => !p.overdue));

    // 一级督办: the daily sweep escalates it; the unit's progress report ends the missed-report
    // part at once, and an extension ends the overdue part without waiting for the next sweep.
    assert.equal((await unit.get(`/api/v1/cases/${id}`)).json().escalationLevel, 0);
    await sweepEscalations(db, city.id);
    assert.equal((await unit.get(`/api/v1/cases/${id}`)).json().escalationLevel, 1);
    assert.equal((await office.get('/api/v1/cases?overdue=true')).json().items.find((c: any) => c.id === id).escalationLevel, 1);
    const later = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await unit.post(`/api/v1/cases/${id}/progress`, { note: '已完成基层处理' });
    await unit.post(`/api/v1/cases/${id}/extension`, { proposedDay: later, reason: '材料供应延误' });
    const extended = (await office.post(`/api/v1/cases/${id}/extension/decision`, { decision: 'approve' })).json();
    assert.equal(extended.overdue, false);
    assert.equal(extended.escalationLevel, 0);
  });

  test('回头看 is unannounced: the unit does not see a re-check coming, the office does', async () => {
    const id = await caseAt(city, 'closed', { office, unit });
    const db = await testDb();
    await db.query(`UPDATE problems SET closed_at = now() - interval '60 days' WHERE city_id = $1 AND id = $2`, [city.id, id]);
    const sampled = await office.post('/api/v1/rechecks/sample', { rate: 1 });
    assert.equal(sampled.status, 200, sampled.body);
    const officeView = (await office.get(`/api/v1/cases/${id}`)).json();
    assert.ok(officeView.tasks.some((t: any) => t.kind === 'recheck' && t.status === 'open'));
    assert.ok(officeView.timeline.some((e: any) => e.action === 'task_created'));
    const unitView = (await unit.get(`/api/v1/cases/${id}`)).json();
    assert.ok(!unitView.tasks.some((t: any) => t.kind === 'recheck'));
    assert.ok(!unitView.timeline.some((e: any) => e.action === 'task_created'));
  });

  test('an altered or removed history event is found by the check', async () => {
    const id = await caseAt(city, 'in_progress', { office, unit });
    const discipline = await as(city, 'discipline');
    assert.equal((await discipline.get(`/api/v1/cases/${id}/timeline/verify`)).json().ok, true);
    const db = await testDb();
    const ev = (await db.query<{ id: string; action: string }>(`SELECT id, action FROM problem_events WHERE city_id = $1 AND problem_id = $2 AND audit_seq IS NOT NULL ORDER BY at`, [city.id, id]));
    await db.tx(async (q) => {
      await q.query(`ALTER TABLE problem_events DISABLE TRIGGER problem_events_no_update`);
      await q.query(`UPDATE problem_events SET actor_label = 'someone-else' WHERE city_id = $1 AND id = $2`, [city.id, ev[0]!.id]);
      await q.query(`DELETE FROM problem_events WHERE city_id = $1 AND id = $2`, [city.id, ev[1]!.id]);
      await q.query(`ALTER TABLE problem_events ENABLE TRIGGER problem_events_no_update`);
    });
    const check = (await discipline.get(`/api/v1/cases/${id}/timeline/verify`)).json();
    assert.equal(check.ok, false);
    assert.equal(check.chain.ok, true);
    assert.deepEqual(check.altered, [ev[0]!.id]);
    assert.deepEqual(check.missing, [ev[1]!.id]);
  });
});
