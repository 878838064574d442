import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';
import { getReport, reportStatusByTicket } from '../src/modules/reports/service.ts';

async function personViews(city: TestCity): Promise<{ actor_label: string; target_id: string }[]> {
  const db = await testDb();
  return db.query(`SELECT actor_label, target_id FROM audit_events WHERE city_id = $1 AND action = 'person.view' ORDER BY seq`, [city.id]);
}

describe('problem pool (office)', () => {
  let city: TestCity;
  let office: Client;
  let citizen: Client;
  const problemOf = async (ticket: string) => (await getReport(await testDb(), city.id, ticket))!.problemId;
  const report = async (body: object) => {
    const res = await citizen.post('/api/v1/reports', body);
    assert.equal(res.status, 201, res.body);
    return res.json();
  };

  before(async () => {
    city = await newCity();
    await giveDuties(city);
    office = await as(city, 'office');
    citizen = await as(city, 'citizen');
  });

  test('the office lists the pool and filters it by status, category, district, source, box and text', async () => {
    const a = await report({ text: '文化路路面有个大坑，车辆颠簸', lng: 113.612, lat: 34.712 });
    await report({ text: '地铁口附近积水严重，下雨就淹', lng: 113.75, lat: 34.75 });
    const all = (await office.get('/api/v1/problems')).json();
    assert.equal(all.total, 2);
    assert.equal(all.items[0].statusLabel, '待研判');
    const q = (path: string) => office.get(`/api/v1/problems?${path}`).then((r) => r.json());
    assert.deepEqual((await q('subcategory=JS-03')).items.map((p: any) => p.subcategoryCode), ['JS-03']);
    assert.equal((await q('subcategory=AQ')).total, 1);
    assert.equal((await q(`district=${city.districtId}`)).total, 1);
    assert.equal((await q('bbox=113.7,34.7,113.8,34.8')).items[0].district.code, 'T-D2');
    assert.equal((await q('source=citizen')).total, 2);
    assert.equal((await q('source=hotline')).total, 0);
    assert.equal((await q('status=pending_judgment,assigned')).total, 2);
    assert.equal((await q('status=closed')).total, 0);
    assert.equal((await q(`q=${encodeURIComponent('文化路')}`)).total, 1);
    assert.equal((await q(`q=${a.ticket}`)).total, 1);
    assert.equal((await q('page=2&pageSize=1')).items.length, 1);
    const geo = (await office.get('/api/v1/problems.geojson')).json();
    assert.equal(geo.type, 'FeatureCollection');
    assert.equal(geo.features.length, 2);
    assert.equal(geo.features.find((f: any) => f.properties.subcategoryCode === 'JS-03').geometry.coordinates[0], 113.612);
  });

  test('reporters are in full for office and admin, each such view audited; masked for leader and discipline; closed to others', async () => {
    const r = await report({ text: '桥下涵洞积水，车被淹', lng: 113.622, lat: 34.722, phone: '13812345678', name: '王小明' });
    const id = await problemOf(r.ticket);
    const before = (await personViews(city)).length;
    for (const role of ['office', 'admin']) {
      const res = await (await as(city, role)).get(`/api/v1/problems/${id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json().reports[0].reporter, { name: '王小明', phone: '13812345678', email: null, masked: false });
    }
    const views = await personViews(city);
    assert.deepEqual(views.slice(before).map((v) => [v.actor_label, v.target_id]), [['office', id], ['admin', id]]);
    for (const role of ['leader', 'discipline']) {
      const res = await (await as(city, role)).get(`/api/v1/problems/${id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json().reports[0].reporter, { name: '王**', phone: '138****5678', email: null, masked: true });
      assert.ok(!res.body.includes('13812345678'));
    }
    assert.equal((await personViews(city)).length, before + 2, 'masked views are not audited');
    for (const role of ['unit', 'inspector', 'citizen']) assert.equal((await (await as(city, role)).get(`/api/v1/problems/${id}`)).status, 403);
    assert.equal((await (await anonymous(city)).get(`/api/v1/problems/${id}`)).status, 401);
  });

  test('the office corrects the category: re-routed, recorded in the history, and taught to the classifier', async () => {
    const r = await report({ text: '人行道上乱堆建筑垃圾', lng: 113.632, lat: 34.732 });
    const id = await problemOf(r.ticket);
    const res = await office.post(`/api/v1/problems/${id}/category`, { subcategoryCode: 'GH-03', reason: '研判调整' });
    assert.equal(res.status, 200, res.body);
    const p = res.json();
    assert.equal(p.subcategoryCode, 'GH-03');
    assert.equal(p.categoryCode, 'GH');
    assert.equal(p.proposedUnit.id, city.units.u2);
    assert.equal(p.events.at(-1).action, 'category_overridden');
    assert.equal(p.events.at(-1).details.before, r.subcategoryCode);
    const db = await testDb();
    const learnt = await db.query<{ subcategory_code: string }>(`SELECT subcategory_code FROM category_confirmations WHERE city_id = $1 AND text = $2`, [city.id, '人行道上乱堆建筑垃圾']);
    assert.deepEqual(learnt.map((x) => x.subcategory_code), ['GH-03']);
    const bad = await office.post(`/api/v1/problems/${id}/category`, { subcategoryCode: 'XX-01' });
    assert.equal(bad.json().code, 'report.unknown_category');
    const leader = await (await as(city, 'leader')).post(`/api/v1/problems/${id}/category`, { subcategoryCode: 'JS-03' });
    assert.equal(leader.status, 403);
  });

  test('merging folds a problem into another: reports move, both tickets follow the target, the history says so', async () => {
    const a = await report({ text: '路灯坏了好几天，晚上很黑', lng: 113.642, lat: 34.742 });
    const b = await report({ text: '这一段路灯不亮，夜里看不见', lng: 113.644, lat: 34.742 });
    const [pa, pb] = [await problemOf(a.ticket), await problemOf(b.ticket)];
    assert.notEqual(pa, pb, 'more than 50 m apart: two problems at first');
    const res = await office.post(`/api/v1/problems/${pb}/merge`, { intoProblemId: pa });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().reportCount, 2);
    assert.deepEqual(res.json().reports.map((x: any) => x.ticket).sort(), [a.ticket, b.ticket].sort());
    const gone = (await office.get(`/api/v1/problems/${pb}`)).json();
    assert.equal(gone.status, 'merged');
    assert.equal(gone.mergedIntoId, pa);
    assert.equal(gone.reportCount, 0);
    const db = await testDb();
    await db.query(`UPDATE problems SET status = 'in_progress', responsible_unit_id = $3, deadline = now() + interval '10 days' WHERE city_id = $1 AND id = $2`, [city.id, pa, city.units.u1]);
    const track = await reportStatusByTicket(db, city.id, b.ticket);
    assert.equal(track.status, 'in_progress');
    assert.match(track.history.map((h) => h.note).join(' / '), /合并/);
    // Merging into itself, or merging a merged problem again, is refused.
    assert.equal((await office.post(`/api/v1/problems/${pa}/merge`, { intoProblemId: pa })).json().code, 'problem.bad_merge');
    assert.equal((await office.post(`/api/v1/problems/${pb}/merge`, { intoProblemId: pa })).json().code, 'problem.not_open');
    const c = await report({ text: '公园里的树倒了', lng: 113.652, lat: 34.752 });
    assert.equal((await office.post(`/api/v1/problems/${await problemOf(c.ticket)}/merge`, { intoProblemId: pb })).json().code, 'problem.bad_merge');
    assert.equal((await office.post(`/api/v1/problems/${pa}/merge`, { intoProblemId: crypto.randomUUID() })).status, 404);
  });

  test('splitting takes chosen reports into a new problem of their own; a split of all or of foreign reports is refused', async () => {
    const here = { lng: 113.662, lat: 34.762 };
    const a = await report({ text: '路面有个大坑，很危险', ...here });
    const b = await report({ text: '路面有个大坑很危险，请修补', lng: here.lng + 0.0001, lat: here.lat });
    const id = await problemOf(a.ticket);
    assert.equal(await problemOf(b.ticket), id);
    const bId = (await getReport(await testDb(), city.id, b.ticket))!.reportId;
    const aId = (await getReport(await testDb(), city.id, a.ticket))!.reportId;
    assert.equal((await office.post(`/api/v1/problems/${id}/split`, { reportIds: [aId, bId] })).json().code, 'problem.bad_split');
    assert.equal((await office.post(`/api/v1/problems/${id}/split`, { reportIds: [crypto.randomUUID()] })).json().code, 'problem.bad_split');
    const res = await office.post(`/api/v1/problems/${id}/split`, { reportIds: [bId] });
    assert.equal(res.status, 201, res.body);
    const created = res.json();
    assert.notEqual(created.id, id);
    assert.deepEqual(created.reports.map((x: any) => x.ticket), [b.ticket]);
    assert.equal(created.proposedUnit.id, city.units.u1);
    assert.equal(created.events[0].action, 'split_from');
    assert.equal((await office.get(`/api/v1/problems/${id}`)).json().reportCount, 1);
    assert.equal(await problemOf(b.ticket), created.id);
  });

  test('the history of a problem cannot be rewritten, and the audit chain stays intact', async () => {
    const db = await testDb();
    await assert.rejects(db.query(`UPDATE problem_events SET note = 'x' WHERE city_id = $1`, [city.id]));
    await assert.rejects(db.query(`DELETE FROM problem_events WHERE city_id = $1`, [city.id]));
    const verify = await (await as(city, 'discipline')).get('/api/v1/audit-events/verify');
    assert.equal(verify.json().ok, true);
  });
});
