import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { as, newCity, testApp, testDb, withApiKey, type Client, type TestCity } from './harness.ts';

async function counts(city: TestCity) {
  const db = await testDb();
  const n = async (sql: string) => (await db.query<{ n: number }>(sql, [city.id]))[0]!.n;
  return {
    readings: await n(`SELECT count(*)::int AS n FROM sensor_readings WHERE city_id = $1`),
    detections: await n(`SELECT count(*)::int AS n FROM detections WHERE city_id = $1`),
    sensorReports: await n(`SELECT count(*)::int AS n FROM reports WHERE city_id = $1 AND source = 'sensor'`),
    detectionReports: await n(`SELECT count(*)::int AS n FROM reports WHERE city_id = $1 AND source = 'detection'`),
  };
}

const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 8, minute)).toISOString();
const here = { lng: 113.6005, lat: 34.7005 };

describe('sensor readings and detections', () => {
  let city: TestCity;
  let gateway: Client;
  let camera: Client;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
    gateway = await withApiKey(city, (await admin.post('/api/v1/api-keys', { name: 'gateway', scopes: ['sensor.post'] })).json().key);
    camera = await withApiKey(city, (await admin.post('/api/v1/api-keys', { name: 'camera', scopes: ['detection.post'] })).json().key);
  });

  test('thresholds have sensible defaults per sensor type and the detection floor', async () => {
    const res = await (await as(city, 'office')).get('/api/v1/sensor-thresholds');
    assert.equal(res.status, 200, res.body);
    const byKind = Object.fromEntries(res.json().map((t: any) => [t.kind, t]));
    assert.deepEqual(Object.keys(byKind).sort(), ['crack', 'detection', 'gas', 'leakage', 'settlement', 'tilt', 'water_level']);
    assert.equal(byKind.settlement.limit, 30);
    assert.equal(byKind.settlement.unit, 'mm');
    assert.equal(byKind.settlement.configured, false);
    assert.ok(byKind.detection.limit > 0 && byKind.detection.limit < 1);
  });

  test('a reading over its threshold becomes a clue, one under it is stored as a reading only', async () => {
    const before = await counts(city);
    const res = await gateway.post('/api/v1/sensor-readings', [
      { sensorId: 'S-001', type: 'settlement', value: 42.5, unit: 'mm', ...here, at: at(0) },
      { sensorId: 'S-002', type: 'settlement', value: 12, unit: 'mm', ...here, at: at(0) },
      // signed readings count by magnitude; 3.5 cm is 35 mm
      { sensorId: 'S-003', type: 'settlement', value: -3.5, unit: 'cm', lng: 113.6015, lat: 34.7005, at: at(0) },
      { sensorId: 'W-001', type: 'water_level', value: 0.1, unit: 'm', ...here, at: at(0) },
    ]);
    assert.equal(res.status, 200, res.body);
    const body = res.json();
    assert.deepEqual(
      { received: body.received, clues: body.clues, readings: body.readings, duplicates: body.duplicates, rejected: body.rejected },
      { received: 4, clues: 2, readings: 2, duplicates: 0, rejected: 0 },
    );
    assert.deepEqual(body.results.map((r: any) => r.status), ['clue', 'reading', 'clue', 'reading']);
    assert.equal(body.results[2].value, -35);
    assert.equal(body.results[3].value, 10);
    assert.match(body.results[0].ticket, /^[A-Z]+\d{8}-\d{6}$/);
    const after = await counts(city);
    assert.equal(after.readings - before.readings, 4);
    assert.equal(after.sensorReports - before.sensorReports, 2);

    const db = await testDb();
    const report = (await db.query<any>(`SELECT source, external_id, text, subcategory_code FROM reports WHERE city_id = $1 AND service_request_id = $2`, [city.id, body.results[0].serviceRequestId]))[0];
    assert.equal(report.source, 'sensor');
    assert.equal(report.external_id, `S-001@${at(0)}#settlement`);
    assert.match(report.text, /沉降/);
    assert.equal(report.subcategory_code, 'AQ-04');
  });

  test('a gateway resending the same readings adds nothing', async () => {
    const before = await counts(city);
    const res = await gateway.post('/api/v1/sensor-readings', [
      { sensorId: 'S-001', type: 'settlement', value: 42.5, unit: 'mm', ...here, at: at(0) },
      { sensorId: 'S-002', type: 'settlement', value: 12, unit: 'mm', ...here, at: at(0) },
    ]);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().duplicates, 2);
    assert.deepEqual(await counts(city), before);
  });

  test('an admin raises a threshold; the same value is then only a reading', async () => {
    const office = await as(city, 'office');
    assert.equal((await office.put('/api/v1/sensor-thresholds', [{ kind: 'settlement', limit: 50 }])).status, 403);
    const put = await admin.put('/api/v1/sensor-thresholds', [{ kind: 'settlement', limit: 50 }, { kind: 'detection', limit: 0.8 }]);
    assert.equal(put.status, 200, put.body);
    const settlement = put.json().find((t: any) => t.kind === 'settlement');
    assert.equal(settlement.limit, 50);
    assert.equal(settlement.configured, true);
    const res = await gateway.post('/api/v1/sensor-readings', [{ sensorId: 'S-001', type: 'settlement', value: 42.5, unit: 'mm', ...here, at: at(5) }]);
    assert.equal(res.json().results[0].status, 'reading');
    assert.equal(res.json().results[0].threshold, 50);
    const bad = await admin.put('/api/v1/sensor-thresholds', [{ kind: 'detection', limit: 1.5 }]);
    assert.equal(bad.status, 422);
    assert.equal(bad.json().code, 'threshold.invalid');
    const events = (await admin.get('/api/v1/audit-events?limit=50')).json();
    assert.ok(events.some((e: any) => e.action === 'threshold.manage'));
  });

  test('bad batches are refused whole: an unconvertible unit, a wrong type, a missing field', async () => {
    const before = await counts(city);
    const unit = await gateway.post('/api/v1/sensor-readings', [
      { sensorId: 'G-1', type: 'gas', value: 30, unit: '%LEL', ...here, at: at(10) },
      { sensorId: 'G-2', type: 'gas', value: 30, unit: 'furlongs', ...here, at: at(10) },
    ]);
    assert.equal(unit.status, 422, unit.body);
    assert.equal(unit.json().code, 'sensor.unit_mismatch');
    assert.equal(unit.json().index, 1);
    const type = await gateway.post('/api/v1/sensor-readings', [{ sensorId: 'X', type: 'radiation', value: 1, unit: 'Sv', ...here, at: at(10) }]);
    assert.equal(type.status, 400);
    const missing = await gateway.post('/api/v1/sensor-readings', [{ sensorId: 'X', type: 'gas', value: 1, unit: '%LEL', at: at(10) }]);
    assert.equal(missing.status, 400);
    assert.deepEqual(await counts(city), before);
  });

  test('a reading outside the city is rejected with the intake’s reason, the rest of the batch goes in', async () => {
    const res = await gateway.post('/api/v1/sensor-readings', [
      { sensorId: 'G-9', type: 'gas', value: 45, unit: '%LEL', lng: 120.1, lat: 30.2, at: at(20) },
      { sensorId: 'G-10', type: 'gas', value: 45, unit: '%LEL', ...here, at: at(20) },
    ]);
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json().results.map((r: any) => r.status), ['rejected', 'clue']);
    assert.equal(res.json().results[0].error.code, 'report.outside_city');
  });

  test('keys need the right scope; people cannot post readings at all', async () => {
    const r1 = await camera.post('/api/v1/sensor-readings', [{ sensorId: 'S', type: 'gas', value: 1, unit: '%LEL', ...here, at: at(30) }]);
    assert.equal(r1.status, 403);
    assert.equal(r1.json().code, 'apikey.missing_scope');
    const r2 = await gateway.post('/api/v1/detections', { detectorId: 'cam', type: 'pothole', confidence: 0.9, ...here, at: at(30) });
    assert.equal(r2.status, 403);
    const r3 = await admin.post('/api/v1/sensor-readings', [{ sensorId: 'S', type: 'gas', value: 1, unit: '%LEL', ...here, at: at(30) }]);
    assert.equal(r3.status, 403);
  });

  test('a detection at or above the floor becomes a clue; below it is stored only; a resend is a duplicate', async () => {
    const before = await counts(city);
    const hit = await camera.post('/api/v1/detections', { detectorId: 'drone-7', type: 'pothole', confidence: 0.93, ...here, at: at(40), imageUrl: 'https://img.example.com/p.jpg' });
    assert.equal(hit.status, 201, hit.body);
    assert.equal(hit.json().status, 'clue');
    assert.equal(hit.json().floor, 0.8);
    assert.ok(hit.json().ticket);
    const low = await camera.post('/api/v1/detections', { detectorId: 'drone-7', type: 'garbage', confidence: 0.55, ...here, at: at(41) });
    assert.equal(low.status, 201, low.body);
    assert.equal(low.json().status, 'stored');
    assert.equal(low.json().ticket, undefined);
    const again = await camera.post('/api/v1/detections', { detectorId: 'drone-7', type: 'pothole', confidence: 0.93, ...here, at: at(40), imageUrl: 'https://img.example.com/p.jpg' });
    assert.equal(again.status, 200);
    assert.equal(again.json().status, 'duplicate');
    const after = await counts(city);
    assert.equal(after.detections - before.detections, 2);
    assert.equal(after.detectionReports - before.detectionReports, 1);
    const bad = await camera.post('/api/v1/detections', { detectorId: 'drone-7', type: 'pothole', confidence: 1.7, ...here, at: at(42) });
    assert.equal(bad.status, 400);
  });

  test('a detection with a multipart image keeps the picture with the clue', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#345' } }).jpeg().toBuffer();
    const boundary = '----det';
    const fields = { detectorId: 'cam-3', type: 'illegal_construction', confidence: '0.97', lng: String(here.lng), lat: String(here.lat), at: at(50) };
    const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    const payload = Buffer.concat([
      Buffer.from(parts.join('')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="d.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      jpeg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const key = (await admin.post('/api/v1/api-keys', { name: 'cam-mp', scopes: ['detection.post'] })).json().key;
    const res = await (await testApp()).inject({
      method: 'POST',
      url: '/api/v1/detections',
      headers: { 'x-api-key': key, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().status, 'clue');
    const db = await testDb();
    const media = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM report_media m JOIN reports r ON r.city_id = m.city_id AND r.id = m.report_id WHERE r.city_id = $1 AND r.service_request_id = $2`,
      [city.id, res.json().serviceRequestId],
    );
    assert.equal(media[0]!.n, 1);
    const sub = await db.query<{ subcategory_code: string }>(`SELECT subcategory_code FROM reports WHERE city_id = $1 AND service_request_id = $2`, [city.id, res.json().serviceRequestId]);
    assert.equal(sub[0]!.subcategory_code, 'GH-01');
  });
});
