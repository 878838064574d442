/**
 * Places (issue 11 §5, §6, §10): the gazetteer over the city's own area names, the public
 * search of the /report picker, and clues that arrive with only an address (需定位):
 * accepted, ticketed, listed for the office, located by the office, then placed like any.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { adminNameCore } from '@cityloop/domain';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';
import { judgment } from './fixtures/loop.ts';
import { locateByName } from '../src/modules/areas/service.ts';
import { getReport, intakeClue, reportStatusByTicket } from '../src/modules/reports/service.ts';
import { systemActor } from '../src/http/actor.ts';

const square = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
});

/**
 * On top of the fixture city (测试片区 > 测试区 > 一号街道 | 二号街道 > 一号社区 > 网格0001/2):
 * a 康丰社区 in each street (namesakes), and a second 片区's 区 with a street named like a road.
 */
const extraAreas = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { level: 'community', code: 'T-KF1', name: '康丰社区', parentCode: 'T-S1' }, geometry: square(113.62, 34.7, 113.64, 34.72) },
    { type: 'Feature', properties: { level: 'community', code: 'T-KF2', name: '康丰社区', parentCode: 'T-S2' }, geometry: square(113.66, 34.72, 113.68, 34.74) },
    { type: 'Feature', properties: { level: 'county', code: 'T-C2', name: '东湖区', parentCode: 'T-D2' }, geometry: square(113.7, 34.7, 113.8, 34.8) },
    { type: 'Feature', properties: { level: 'street', code: 'T-S3', name: '淮河路街道', parentCode: 'T-C2' }, geometry: square(113.7, 34.7, 113.75, 34.75) },
    { type: 'Feature', properties: { level: 'community', code: 'T-HX', name: '和祥社区', parentCode: 'T-S3' }, geometry: square(113.7, 34.7, 113.72, 34.72) },
  ],
};

const inside = (p: { lng: number; lat: number }, [x0, y0, x1, y1]: number[]) => p.lng > x0! && p.lng < x1! && p.lat > y0! && p.lat < y1!;

describe('places', () => {
  let city: TestCity;
  let office: Client;
  before(async () => {
    city = await newCity();
    await giveDuties(city);
    const admin = await as(city, 'admin');
    const res = await admin.post('/api/v1/areas/import', JSON.stringify(extraAreas), { 'content-type': 'application/geo+json' });
    assert.equal(res.status, 200, res.body);
    office = await as(city, 'office');
  });

  test('the database strips admin suffixes exactly as the domain does (area_name_core = adminNameCore)', async () => {
    const db = await testDb();
    const names = ['淮河路街道', '淮河路街道办事处', '康丰社区', '康丰社区居委会', '管城回族区', '二七片区', '二七区', '巩义市', '中牟县', '十八里河镇', '城关乡', '小李村', '大王村委会', '网格0001', '东区', '花园路'];
    const rows = await db.query<{ n: string; core: string }>(`SELECT n, area_name_core(n) AS core FROM unnest($1::text[]) AS n`, [names]);
    for (const r of rows) {
      const domain = adminNameCore(r.n);
      // the domain refuses cores shorter than two characters; the index keeps them, and they are never looked up
      if (domain === null) assert.ok(r.core === r.n || [...r.core].length < 2, `${r.n}: ${r.core}`);
      else assert.equal(r.core, domain, r.n);
    }
  });

  test('locateByName finds the deepest area an address names, with its path and a point inside it', async () => {
    const db = await testDb();
    const [hit, ...rest] = await locateByName(db, city.id, '某市测试区一号街道康丰社区12号楼');
    assert.equal(rest.length, 0);
    assert.equal(hit!.code, 'T-KF1');
    assert.equal(hit!.level, 'community');
    assert.equal(hit!.pathText, '测试片区·测试区·一号街道·康丰社区');
    assert.deepEqual(hit!.path.map((a) => a.level), ['district', 'county', 'street', 'community']);
    assert.ok(inside(hit!.point, [113.62, 34.7, 113.64, 34.72]), JSON.stringify(hit!.point));
    // namesakes without a parent in the text: both, for the caller to decide
    assert.deepEqual((await locateByName(db, city.id, '康丰社区门口')).map((p) => p.code).sort(), ['T-KF1', 'T-KF2']);
    // another suffix (办事处), and a parent deciding between namesakes
    assert.deepEqual((await locateByName(db, city.id, '二号街道办事处康丰社区')).map((p) => p.code), ['T-KF2']);
    assert.deepEqual((await locateByName(db, city.id, '人行道地砖松动')).length, 0);
    // a 区 named only by its core plus 区 again (东湖 + 区), a road named like the street office
    assert.deepEqual((await locateByName(db, city.id, '东湖区淮河路与大学路交叉口')).map((p) => p.code), ['T-S3']);
  });

  test('the public search finds areas by name, part of a name or an address, with paths and points, bounded', async () => {
    const pub = await anonymous(city);
    const byName = await pub.get(`/api/v1/areas/search?q=${encodeURIComponent('和祥社区')}`);
    assert.equal(byName.status, 200, byName.body);
    const p = byName.json().places[0];
    assert.equal(p.code, 'T-HX');
    assert.equal(p.pathText, '第二片区·东湖区·淮河路街道·和祥社区');
    assert.equal(p.kind, 'full');
    assert.ok(inside(p.point, [113.7, 34.7, 113.72, 34.72]));

    const typed = (await pub.get(`/api/v1/areas/search?q=${encodeURIComponent('康丰')}`)).json().places;
    assert.deepEqual(typed.map((x: any) => x.code).sort(), ['T-KF1', 'T-KF2']);
    assert.ok(typed.every((x: any) => x.path.length === 4));

    const part = (await pub.get(`/api/v1/areas/search?q=${encodeURIComponent('号街')}`)).json().places;
    assert.deepEqual(part.map((x: any) => x.code).sort(), ['T-S1', 'T-S2']);
    assert.equal(part[0].kind, 'contains');

    assert.deepEqual((await pub.get(`/api/v1/areas/search?q=${encodeURIComponent('没有这个地方')}`)).json().places, []);
    for (const q of ['', 'x'.repeat(101)]) {
      const bad = await pub.get(`/api/v1/areas/search?q=${encodeURIComponent(q)}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.json().code, 'request.invalid');
    }
    assert.equal((await pub.get('/api/v1/areas/search')).status, 400);
  });

  test('the search is public and documented as such', async () => {
    const doc = (await (await anonymous(city)).get('/api/openapi.json')).json();
    assert.deepEqual(doc.paths['/api/v1/areas/search'].get['x-roles'], ['public']);
    assert.deepEqual(doc.paths['/api/v1/problems/{id}/location'].post['x-roles'], ['admin', 'office']);
  });

  test('a clue whose address names one 社区 is placed inside it, approximately, and never auto-merged', async () => {
    const db = await testDb();
    const actor = systemActor(city.id);
    const clue = { source: 'hotline' as const, text: '小区门口路面塌陷，有个大坑', point: null, address: '测试区一号街道康丰社区3号楼', subcategoryCode: 'JS-03' };
    const a = await intakeClue(db, actor, { ...clue, externalId: 'kf-1' });
    const b = await intakeClue(db, actor, { ...clue, externalId: 'kf-2' });
    assert.equal(a.locationFrom, 'address');
    assert.equal(a.needsLocation, false);
    assert.equal(a.areaPathText.split('·').slice(0, 4).join('·'), '测试片区·测试区·一号街道·康丰社区');
    assert.ok(inside({ lng: a.lng!, lat: a.lat! }, [113.62, 34.7, 113.64, 34.72]));
    // the same point (the 社区's), the same text: still two problems, the office merges by hand
    assert.equal(b.merged, false);
    assert.notEqual(a.problemId, b.problemId);
    const detail = (await office.get(`/api/v1/problems/${a.problemId}`)).json();
    assert.equal(detail.locationFrom, 'address');
    assert.equal(detail.reports[0].locationFrom, 'address');
    assert.equal(detail.proposedUnit.id, city.units.u1);
  });

  test('a clue with a coarse, ambiguous or no address is accepted as needing a location, ticketed and trackable', async () => {
    const db = await testDb();
    const actor = systemActor(city.id);
    const street = await intakeClue(db, actor, { source: 'hotline', text: '路灯不亮好几天了', point: null, address: '东湖区淮河路街道', externalId: 'nl-1', subcategoryCode: 'JS-03' });
    assert.equal(street.needsLocation, true);
    assert.equal(street.locationFrom, 'none');
    assert.equal(street.lng, null);
    assert.equal(street.areaPathText, '第二片区·东湖区·淮河路街道');
    assert.equal(street.area.districtCode, 'T-D2');
    assert.match(street.ticket, /^[A-Z]{2}\d{8}-\d{6}$/);

    const twins = await intakeClue(db, actor, { source: 'open311', text: '井盖缺失', point: null, address: '康丰社区', externalId: 'nl-2' });
    assert.equal(twins.needsLocation, true);
    // the two 康丰社区 share 测试片区 and 测试区: that much is certain
    assert.equal(twins.areaPathText, '测试片区·测试区');

    const nothing = await intakeClue(db, actor, { source: 'hotline', text: '噪音扰民', point: null, externalId: 'nl-3' });
    assert.equal(nothing.needsLocation, true);
    assert.equal(nothing.area.districtCode, null);
    assert.equal(nothing.areaPathText, '');

    // the reporter can follow it like any ticket; Open311 readers see no invented point
    assert.equal((await reportStatusByTicket(db, city.id, nothing.ticket)).status, 'pending_judgment');
    const view = (await getReport(db, city.id, twins.serviceRequestId))!;
    assert.equal(view.lat, null);
    const o311 = await (await anonymous(city)).get(`/open311/v2/requests/${twins.serviceRequestId}.json`);
    assert.equal(o311.status, 200, o311.body);
    assert.equal(o311.json()[0].lat, null);

    // the office's list: a filter, and not on the map (no point to draw)
    const list = (await office.get('/api/v1/problems?needsLocation=true')).json();
    const ids = list.items.map((p: any) => p.id);
    for (const r of [street, twins, nothing]) assert.ok(ids.includes(r.problemId));
    assert.ok(list.items.every((p: any) => p.needsLocation && p.lng === null && p.locationFrom === 'none'));
    const located = (await office.get('/api/v1/problems?needsLocation=false')).json();
    assert.ok(located.items.every((p: any) => !p.needsLocation));
    const map = (await office.get('/api/v1/problems.geojson')).json();
    assert.ok(!map.features.some((f: any) => ids.includes(f.id)));
    // a street's clue is routed already: the 片区 is known
    const s = list.items.find((p: any) => p.id === street.problemId);
    assert.equal(s.district.code, 'T-D2');
    assert.equal(s.areaPathText, '第二片区·东湖区·淮河路街道');
  });

  test('a clue without a point cannot be assigned; the office sets the point, then it is placed, routed and assignable', async () => {
    const db = await testDb();
    const r = await intakeClue(db, systemActor(city.id), { source: 'hotline', text: '人行道地砖松动塌陷', point: null, address: '不知道哪里', externalId: 'loc-1', subcategoryCode: 'JS-03' });
    const id = r.problemId;
    assert.equal((await office.post(`/api/v1/cases/${id}/judgment`, judgment(city))).status, 200);
    const refused = await office.post(`/api/v1/cases/${id}/assign`, {});
    assert.equal(refused.status, 409, refused.body);
    assert.equal(refused.json().code, 'problem.needs_location');

    // only the office, only inside the city
    assert.equal((await (await as(city, 'leader')).post(`/api/v1/problems/${id}/location`, { lng: 113.6005, lat: 34.7005 })).status, 403);
    const outside = await office.post(`/api/v1/problems/${id}/location`, { lng: 100, lat: 30 });
    assert.equal(outside.status, 422);
    assert.equal(outside.json().code, 'report.outside_city');
    assert.equal((await office.post(`/api/v1/problems/${id}/location`, { lng: 113.6005 })).status, 400);

    const res = await office.post(`/api/v1/problems/${id}/location`, { lng: 113.6005, lat: 34.7005 });
    assert.equal(res.status, 200, res.body);
    const d = res.json();
    assert.equal(d.needsLocation, false);
    assert.equal(d.locationFrom, 'office');
    assert.equal(d.gridCode, 'T-G1');
    assert.equal(d.areaPathText, '测试片区·测试区·一号街道·一号社区·网格0001');
    assert.equal(d.reports[0].locationFrom, 'office');
    assert.equal(d.reports[0].lng, 113.6005);
    const ev = d.events.at(-1);
    assert.equal(ev.action, 'located');
    assert.deepEqual(ev.details.after, { lng: 113.6005, lat: 34.7005 });
    const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1 AND action = 'problem.locate' AND target_id = $2`, [city.id, id]);
    assert.equal(audit[0]!.n, 1);

    const assigned = await office.post(`/api/v1/cases/${id}/assign`, {});
    assert.equal(assigned.status, 200, assigned.body);
    const c = assigned.json();
    assert.equal(c.areaPathText, '测试片区·测试区·一号街道·一号社区·网格0001');
    // once in the loop, the point is the case's: the pool no longer moves it
    const late = await office.post(`/api/v1/problems/${id}/location`, { lng: 113.6015, lat: 34.7005 });
    assert.equal(late.status, 409);
    assert.equal(late.json().code, 'problem.not_locatable');
    // the case list shows the path too
    const list = (await office.get(`/api/v1/cases?q=${encodeURIComponent(c.noticeNo)}`)).json();
    assert.equal(list.items[0].areaPathText, '测试片区·测试区·一号街道·一号社区·网格0001');
  });

  test('located where the same problem is already open, it is merged into it like a duplicate at intake', async () => {
    const db = await testDb();
    const spot = { lng: 113.6451, lat: 34.7452 };
    const first = await (await anonymous(city)).post('/api/v1/reports', { text: '井盖缺失，路中间一个黑洞很危险', ...spot });
    assert.equal(first.status, 201, first.body);
    const firstProblem = (await getReport(db, city.id, first.json().ticket))!.problemId;
    const clue = await intakeClue(db, systemActor(city.id), { source: 'hotline', text: '路中间井盖缺失了，很危险', point: null, externalId: 'dup-1' });
    const res = await office.post(`/api/v1/problems/${clue.problemId}/location`, { lng: spot.lng + 0.0001, lat: spot.lat });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().status, 'merged');
    assert.equal(res.json().mergedIntoId, firstProblem);
    const into = (await office.get(`/api/v1/problems/${firstProblem}`)).json();
    assert.equal(into.reportCount, 2);
    assert.ok(into.reports.some((x: any) => x.ticket === clue.ticket && x.locationFrom === 'office'));
  });

  test('the citizen’s /report still needs a point (it has its own picker)', async () => {
    const res = await (await anonymous(city)).post('/api/v1/reports', { text: '路面塌陷', address: '测试区一号街道康丰社区' });
    assert.equal(res.status, 422);
    assert.equal(res.json().code, 'report.location_required');
  });
});
