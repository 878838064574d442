import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties, photo, snapshot, upload } from './fixtures/intake.ts';
import { getReport, listReports, reportStatusByTicket, submitReport } from '../src/modules/reports/service.ts';
import { systemActor } from '../src/http/actor.ts';

// Places in the test city (fixtures/areas.geojson): 片区 T-D1 is 113.6–113.7 × 34.7–34.8, T-D2 east of it.
const east = (lng: number, lat: number, metres: number) => ({ lng: lng + metres / (111_320 * Math.cos((lat * Math.PI) / 180)), lat });

describe('intake', () => {
  let city: TestCity;
  let citizen: Client;
  let office: Client;
  before(async () => {
    city = await newCity();
    await giveDuties(city);
    citizen = await as(city, 'citizen');
    office = await as(city, 'office');
  });

  test('a citizen’s photo with EXIF GPS is located, classified, routed, ticketed and trackable', async () => {
    const up = await upload(city, photo('photo-gps.jpg'), 'IMG_0001.JPG');
    assert.equal(up.status, 201, up.body);
    const res = await (await anonymous(city)).post('/api/v1/reports', {
      text: '路面有个大坑，坑坑洼洼，车辆经过很颠簸',
      mediaIds: [up.json().id],
      phone: '138 1234 5678',
      name: '张三丰',
    });
    assert.equal(res.status, 201, res.body);
    const r = res.json();
    assert.match(r.ticket, /^[A-Z]{2}\d{8}-\d{6}$/);
    assert.equal(r.serviceRequestId, r.ticket);
    assert.deepEqual(r.area, { districtCode: 'T-D1', gridCode: 'T-G1' });
    assert.equal(r.subcategoryCode, 'JS-03');
    assert.ok(r.classificationConfidence > 0 && r.classificationConfidence <= 1);
    assert.equal(r.status, 'pending_judgment');
    assert.equal(r.statusLabel, '待研判');
    assert.equal(r.merged, false);
    assert.deepEqual(Object.keys(r).sort(), ['area', 'classificationConfidence', 'duplicate', 'merged', 'serviceRequestId', 'status', 'statusLabel', 'subcategoryCode', 'submittedAt', 'ticket']);
    assert.ok(!res.body.includes('13812345678') && !res.body.includes('张三丰'));

    const track = await (await anonymous(city)).get(`/api/v1/reports/track/${r.ticket.toLowerCase()}`);
    assert.equal(track.status, 200, track.body);
    const t = track.json();
    assert.equal(t.ticket, r.ticket);
    assert.equal(t.status, 'pending_judgment');
    assert.deepEqual(t.category, { code: 'JS-03', name: '道路破损', nameEn: 'Damaged roads and pavements' });
    assert.equal(t.history.length, 1);
    assert.match(t.history[0].note, /已受理/);
    assert.ok(!track.body.includes('1381234') && !track.body.includes('张'));

    // The office sees where it went: the roads unit U1 (municipal_works), the photo and the reporter.
    const view = (await getReport(await testDb(), city.id, r.ticket))!;
    const detail = (await office.get(`/api/v1/problems/${view.problemId}`)).json();
    assert.equal(detail.proposedUnit.id, city.units.u1);
    assert.equal(detail.gridCode, 'T-G1');
    assert.equal(detail.reports[0].media[0].id, up.json().id);
    assert.equal(detail.reports[0].reporter.phone, '13812345678');
  });

  test('two nearby reports of the same pothole become one problem with two reporters and two tickets', async () => {
    const here = { lng: 113.6305, lat: 34.7305 };
    const there = east(here.lng, here.lat, 20);
    const a = await citizen.post('/api/v1/reports', { text: '建设路人行道地砖松动，路面有个大坑', ...here, phone: '13900000001' });
    const b = await (await anonymous(city)).post('/api/v1/reports', { text: '这条人行道地砖松动了，还有大坑，容易绊倒', ...there, phone: '13900000002' });
    assert.equal(a.status, 201, a.body);
    assert.equal(b.status, 201, b.body);
    assert.equal(a.json().merged, false);
    assert.equal(b.json().merged, true);
    assert.notEqual(a.json().ticket, b.json().ticket);
    const db = await testDb();
    const ra = (await getReport(db, city.id, a.json().ticket))!;
    const rb = (await getReport(db, city.id, b.json().serviceRequestId))!;
    assert.equal(ra.problemId, rb.problemId);
    const p = (await office.get(`/api/v1/problems/${ra.problemId}`)).json();
    assert.equal(p.reportCount, 2);
    assert.deepEqual(p.reports.map((x: any) => x.reporter.phone), ['13900000001', '13900000002']);
    assert.deepEqual(p.events.map((e: any) => e.action), ['created', 'report_added']);
    // Both tickets follow the one problem.
    for (const t of [a.json().ticket, b.json().ticket]) assert.equal((await reportStatusByTicket(db, city.id, t)).status, 'pending_judgment');
  });

  test('the same pothole 200 m away, or something else at the same spot, is a problem of its own', async () => {
    const here = { lng: 113.6405, lat: 34.7405 };
    const first = (await citizen.post('/api/v1/reports', { text: '路面有个大坑，很危险', ...here })).json();
    const far = (await citizen.post('/api/v1/reports', { text: '路面有个大坑，很危险', ...east(here.lng, here.lat, 200) })).json();
    const other = (await citizen.post('/api/v1/reports', { text: '小区门口积水严重，下雨就淹，排水不畅', ...east(here.lng, here.lat, 5) })).json();
    assert.equal(far.merged, false);
    assert.equal(other.merged, false);
    assert.equal(other.subcategoryCode, 'AQ-01');
    const db = await testDb();
    const ids = new Set(await Promise.all([first, far, other].map(async (r) => (await getReport(db, city.id, r.ticket))!.problemId)));
    assert.equal(ids.size, 3);
  });

  test('a report of a closed problem’s spot opens a new problem rather than joining it', async () => {
    const here = { lng: 113.6505, lat: 34.7505 };
    const first = (await citizen.post('/api/v1/reports', { text: '井盖破损塌陷，路面有个大坑', ...here })).json();
    const db = await testDb();
    const pid = (await getReport(db, city.id, first.ticket))!.problemId;
    await db.query(`UPDATE problems SET status = 'closed', responsible_unit_id = $3, deadline = now() WHERE city_id = $1 AND id = $2`, [city.id, pid, city.units.u1]);
    const again = (await citizen.post('/api/v1/reports', { text: '井盖破损塌陷，路面有个大坑', ...here })).json();
    assert.equal(again.merged, false);
    assert.notEqual((await getReport(db, city.id, again.ticket))!.problemId, pid);
  });

  test('the same external id from the same source is taken once; a retried citizen submit too', async () => {
    const db = await testDb();
    const system = systemActor(city.id);
    const input = { source: 'hotline' as const, text: '12345来电：桐柏路路面塌陷有大坑', lng: 113.6605, lat: 34.7605, externalId: 'HL-2026-000001', reporter: { name: '李四', phone: '13700000001' } };
    const first = await submitReport(db, system, input);
    const before = await snapshot(city);
    const second = await submitReport(db, system, input);
    assert.equal(second.duplicate, true);
    assert.equal(second.ticket, first.ticket);
    assert.equal(second.reportId, first.reportId);
    assert.deepEqual(await snapshot(city), before);
    // Another source may use the same id for something else.
    const sensor = await submitReport(db, system, { ...input, source: 'sensor', text: '沉降监测点超阈值' });
    assert.equal(sensor.duplicate, false);
    assert.notEqual(sensor.ticket, first.ticket);

    const body = { text: '路灯不亮，晚上很黑', lng: 113.6705, lat: 34.7705, clientId: 'device-42-report-1' };
    const a = await citizen.post('/api/v1/reports', body);
    const b = await citizen.post('/api/v1/reports', body);
    assert.equal(a.json().ticket, b.json().ticket);
    assert.equal(b.json().duplicate, true);
  });

  test('a report without a place, or with a photo that has no GPS, asks for the location and writes nothing', async () => {
    const nogps = (await upload(city, photo('photo-nogps.jpg'))).json();
    const before = await snapshot(city);
    for (const body of [{ text: '路面有个大坑' }, { text: '路面有个大坑', mediaIds: [nogps.id] }, { text: '路面有个大坑', lng: 113.61 }]) {
      const res = await citizen.post('/api/v1/reports', body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.json().code, 'report.location_required');
    }
    assert.deepEqual(await snapshot(city), before);
  });

  test('a place outside the city, given or from the photo, is refused and nothing is written, not even a ticket number', async () => {
    const outside = (await upload(city, photo('photo-outside.jpg'))).json();
    const before = await snapshot(city);
    for (const body of [
      { text: '路面有个大坑', lng: 120.1, lat: 30.2, phone: '13600000001' },
      { text: '路面有个大坑', mediaIds: [outside.id], phone: '13600000002' },
    ]) {
      const res = await citizen.post('/api/v1/reports', body);
      assert.equal(res.status, 422, res.body);
      assert.equal(res.json().code, 'report.outside_city');
    }
    assert.deepEqual(await snapshot(city), before);
  });

  test('unknown photos, unknown categories and bad phone numbers are refused before anything is written', async () => {
    const before = await snapshot(city);
    const cases: [object, number, string][] = [
      [{ text: '路面有个大坑', lng: 113.61, lat: 34.71, mediaIds: [crypto.randomUUID()] }, 422, 'report.unknown_media'],
      [{ text: '路面有个大坑', lng: 113.61, lat: 34.71, subcategoryCode: 'XX-99' }, 422, 'report.unknown_category'],
      [{ text: '路面有个大坑', lng: 113.61, lat: 34.71, phone: 'call me' }, 400, 'request.invalid'],
      [{ text: '', lng: 113.61, lat: 34.71 }, 400, 'request.invalid'],
      [{ text: '路面有个大坑', lng: 113.61, lat: 34.71, extra: 'field' }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await citizen.post('/api/v1/reports', body);
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(res.json().code, code);
    }
    assert.deepEqual(await snapshot(city), before);
  });

  test('a territorial category goes to the district government of the place, and nowhere where there is none', async () => {
    const d1 = await citizen.post('/api/v1/reports', { text: '小区附近没有幼儿园，上学难', lng: 113.615, lat: 34.785, subcategoryCode: 'GH-03' });
    assert.equal(d1.status, 201, d1.body);
    const db = await testDb();
    assert.equal((await getReport(db, city.id, d1.json().ticket))!.proposedUnitId, city.units.u2);
    const d2 = (await citizen.post('/api/v1/reports', { text: '小区附近没有幼儿园，上学难', lng: 113.75, lat: 34.75, subcategoryCode: 'GH-03' })).json();
    assert.equal(d2.area.districtCode, 'T-D2');
    assert.equal((await getReport(db, city.id, d2.ticket))!.proposedUnitId, null);
  });

  test('reports arriving at once get distinct tickets and still meet in one problem; one external id sent at once is taken once', async () => {
    const db = await testDb();
    const system = systemActor(city.id);
    const here = { lng: 113.6805, lat: 34.7805 };
    const receipts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submitReport(db, system, { source: 'hotline', text: `路面塌陷出现大坑，车辆绕行（来电${i + 1}）`, ...east(here.lng, here.lat, i * 3) })),
    );
    assert.equal(new Set(receipts.map((r) => r.ticket)).size, 8);
    assert.equal(new Set(receipts.map((r) => r.problemId)).size, 1);
    assert.equal(receipts.filter((r) => !r.merged).length, 1);
    const same = await Promise.all(
      Array.from({ length: 4 }, () => submitReport(db, system, { source: 'open311', text: '路灯不亮', lng: 113.69, lat: 34.79, externalId: 'tok-concurrent-1' })),
    );
    assert.equal(new Set(same.map((r) => r.reportId)).size, 1);
    assert.equal(same.filter((r) => !r.duplicate).length, 1);
  });

  test('tickets count up per city and day without gaps', async () => {
    const db = await testDb();
    const tickets = (await listReports(db, city.id, { limit: 1000 })).map((r) => r.ticket).sort();
    const seqs = tickets.map((t) => Number(t.split('-')[1]));
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
    assert.ok(new Set(tickets.map((t) => t.slice(0, -7))).size === 1);
  });

  test('an unknown or malformed ticket is a 404 that says nothing else', async () => {
    const nobody = await anonymous(city);
    for (const t of ['ZZ20260101-999999', 'not-a-ticket', '%27%20OR%201%3D1']) {
      const res = await nobody.get(`/api/v1/reports/track/${t}`);
      assert.equal(res.status, 404, t);
      assert.equal(res.json().code, 'report.not_found');
    }
  });
});
