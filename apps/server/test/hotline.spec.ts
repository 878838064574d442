import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { as, here, newCity, testApp, testDb, type TestCity } from './harness.ts';

const fixtureBytes = (name: string) => fs.readFileSync(path.join(here, 'fixtures', 'hotline', name));

interface Sent {
  status: number;
  json: () => any;
  body: string;
}

/** Posts a multipart form as the signed-in `username` (session cookie + CSRF token). */
async function postForm(city: TestCity, username: string, url: string, file: { name: string; data: Buffer }, fields: Record<string, string> = {}): Promise<Sent> {
  const app = await testApp();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'test-password-1', city: city.code } });
  const cookie = `cl_session=${login.cookies.find((c) => c.name === 'cl_session')!.value}`;
  const boundary = '----hotline';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'x-csrf-token': login.json().csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(parts),
  });
  return { status: res.statusCode, json: () => res.json(), body: res.body };
}

async function reportCount(city: TestCity, source: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE city_id = $1 AND source = $2`, [city.id, source]))[0]!.n;
}

const hotlineMapping = {
  externalId: '工单编号',
  occurredAt: '受理时间',
  text: '诉求内容',
  address: '事发地址',
  lng: '经度',
  lat: '纬度',
  name: '来电人',
  phone: '联系电话',
  category: '问题类别',
};

describe('hotline (12345) and audit-report imports', () => {
  let city: TestCity;
  before(async () => {
    city = await newCity();
  });

  test('a preview shows the columns, the first rows and a suggested mapping', async () => {
    const res = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'hotline-2026-03.csv', data: fixtureBytes('hotline-2026-03.csv') });
    assert.equal(res.status, 200, res.body);
    const p = res.json();
    assert.equal(p.format, 'csv');
    assert.equal(p.encoding, 'utf-8');
    assert.equal(p.rowCount, 6);
    assert.equal(p.columns[0], '工单编号');
    assert.equal(p.rows[1][2], '楼顶违章搭建彩钢棚, 邻居多次投诉');
    assert.deepEqual(p.suggestedMapping, hotlineMapping);
  });

  test('a CSV import makes a clue of every readable row and lists the others with row number and reason', async () => {
    const before = await reportCount(city, 'hotline');
    const res = await postForm(city, 'office', '/api/v1/imports', { name: 'hotline-2026-03.csv', data: fixtureBytes('hotline-2026-03.csv') }, { source: 'hotline', mapping: JSON.stringify(hotlineMapping) });
    assert.equal(res.status, 201, res.body);
    const b = res.json();
    assert.equal(b.total, 6);
    assert.equal(b.created, 2);
    assert.equal(b.duplicates, 0);
    assert.equal(b.failed, 4);
    assert.deepEqual(
      b.failures.map((f: any) => [f.row, f.code]),
      [
        [4, 'unlocatable'],
        [5, 'empty_text'],
        [6, 'invalid_date'],
        [7, 'report.outside_city'],
      ],
    );
    assert.match(b.failures[0].reason, /geocoder/);
    assert.match(b.failures[0].reason, /金水路88号/);
    assert.equal(await reportCount(city, 'hotline'), before + 2);

    const db = await testDb();
    const row = (await db.query<any>(`SELECT external_id, occurred_at, subcategory_code, extra, reporter_id FROM reports WHERE city_id = $1 AND source = 'hotline' AND external_id = '12345-0001'`, [city.id]))[0];
    assert.equal(new Date(row.occurred_at).toISOString(), '2026-03-01T01:15:00.000Z', 'a time without zone is Beijing time');
    assert.equal(row.subcategory_code, 'JS-03', 'the category column names a subcategory');
    assert.equal(row.extra.import.row, 2);
    assert.ok(row.reporter_id, 'the caller is kept as the reporter');
  });

  test('importing the same file again adds nothing', async () => {
    const before = await reportCount(city, 'hotline');
    const res = await postForm(city, 'office', '/api/v1/imports', { name: 'hotline-2026-03.csv', data: fixtureBytes('hotline-2026-03.csv') }, { source: 'hotline', mapping: JSON.stringify(hotlineMapping) });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().created, 0);
    assert.equal(res.json().duplicates, 2);
    assert.equal(res.json().failed, 4);
    assert.equal(await reportCount(city, 'hotline'), before);
  });

  test('an XLSX export imports the same way, dates and numbers in real cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('12345工单');
    ws.addRow(['工单编号', '受理时间', '诉求内容', '经度', '纬度', '联系电话']);
    ws.addRow(['X-100', new Date('2026-03-10T02:00:00Z'), '小区停车位严重不足，车辆乱停', 113.6005, 34.7005, '13900009999']);
    ws.addRow(['X-101', new Date('2026-03-11T02:00:00Z'), { richText: [{ text: '下水道' }, { text: '井盖缺失' }] }, 113.6015, 34.7005, '']);
    ws.addRow(['X-102', '2026-03-12', '人行道砖破损', 'abc', 34.7005, '']);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const preview = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'export.xlsx', data });
    assert.equal(preview.status, 200, preview.body);
    assert.equal(preview.json().format, 'xlsx');
    const mapping = preview.json().suggestedMapping;
    assert.deepEqual(mapping, { externalId: '工单编号', occurredAt: '受理时间', text: '诉求内容', lng: '经度', lat: '纬度', phone: '联系电话' });
    const res = await postForm(city, 'admin', '/api/v1/imports', { name: 'export.xlsx', data }, { source: 'hotline', mapping: JSON.stringify(mapping) });
    assert.equal(res.status, 201, res.body);
    assert.equal(res.json().format, 'xlsx');
    assert.equal(res.json().created, 2);
    assert.deepEqual(res.json().failures.map((f: any) => [f.row, f.code]), [[4, 'invalid_number']]);
    const db = await testDb();
    const text = (await db.query<any>(`SELECT text FROM reports WHERE city_id = $1 AND source = 'hotline' AND external_id = 'X-101'`, [city.id]))[0].text;
    assert.equal(text, '下水道井盖缺失');
    const again = await postForm(city, 'admin', '/api/v1/imports', { name: 'export.xlsx', data }, { source: 'hotline', mapping: JSON.stringify(mapping) });
    assert.equal(again.json().created, 0);
    assert.equal(again.json().duplicates, 2);
  });

  test('a GBK-encoded CSV (Excel on Chinese Windows) is recognised and decoded', async () => {
    const res = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'gbk.csv', data: fixtureBytes('hotline-gbk.csv') });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().encoding, 'gbk');
    assert.deepEqual(res.json().columns, ['工单号', '内容', '地址', '经度', '纬度']);
    const imp = await postForm(city, 'office', '/api/v1/imports', { name: 'gbk.csv', data: fixtureBytes('hotline-gbk.csv') }, { source: 'hotline', mapping: JSON.stringify(res.json().suggestedMapping) });
    assert.equal(imp.status, 201, imp.body);
    assert.equal(imp.json().created, 2);
  });

  test('audit findings without ids import once: the row itself is the key', async () => {
    const data = fixtureBytes('audit-findings.csv');
    const p = (await postForm(city, 'office', '/api/v1/imports/preview', { name: 'audit.csv', data })).json();
    assert.deepEqual(p.suggestedMapping, { lng: '经度', lat: '纬度', address: '位置', text: '审计发现' });
    const first = await postForm(city, 'office', '/api/v1/imports', { name: 'audit.csv', data }, { source: 'audit', mapping: JSON.stringify(p.suggestedMapping) });
    assert.equal(first.status, 201, first.body);
    assert.equal(first.json().source, 'audit');
    assert.equal(first.json().created, 2);
    const again = await postForm(city, 'office', '/api/v1/imports', { name: 'audit.csv', data }, { source: 'audit', mapping: JSON.stringify(p.suggestedMapping) });
    assert.equal(again.json().duplicates, 2);
    assert.equal(await reportCount(city, 'audit'), 2);
  });

  test('malformed files get a clear error and change nothing', async () => {
    const before = await reportCount(city, 'hotline');
    const quote = await postForm(city, 'office', '/api/v1/imports', { name: 'bad.csv', data: fixtureBytes('malformed.csv') }, { source: 'hotline', mapping: JSON.stringify({ text: '内容', lng: '经度', lat: '纬度' }) });
    assert.equal(quote.status, 422, quote.body);
    assert.equal(quote.json().code, 'import.malformed_csv');
    assert.match(quote.json().detail, /quote/i);
    const binary = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'x.csv', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]) });
    assert.equal(binary.json().code, 'import.unreadable');
    const notText = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'x.csv', data: Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xff, 0xff, 0x2c, 0x80, 0x0a]) });
    assert.equal(notText.status, 422);
    assert.equal(notText.json().code, 'import.bad_encoding');
    const zip = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'x.xlsx', data: Buffer.from('PK\u0003\u0004 this is no workbook') });
    assert.equal(zip.json().code, 'import.unreadable');
    const headerOnly = await postForm(city, 'office', '/api/v1/imports/preview', { name: 'x.csv', data: Buffer.from('内容,经度,纬度\n') });
    assert.equal(headerOnly.json().code, 'import.empty');
    const badMapping = await postForm(city, 'office', '/api/v1/imports', { name: 'h.csv', data: fixtureBytes('hotline-2026-03.csv') }, { source: 'hotline', mapping: JSON.stringify({ text: '不存在的列' }) });
    assert.equal(badMapping.status, 422);
    assert.equal(badMapping.json().code, 'import.bad_mapping');
    const noText = await postForm(city, 'office', '/api/v1/imports', { name: 'h.csv', data: fixtureBytes('hotline-2026-03.csv') }, { source: 'hotline', mapping: JSON.stringify({ lng: '经度' }) });
    assert.equal(noText.json().code, 'import.bad_mapping');
    assert.equal(await reportCount(city, 'hotline'), before);
  });

  test('import batches are listed with their counts; units may not import', async () => {
    const list = await (await as(city, 'discipline')).get('/api/v1/imports');
    assert.equal(list.status, 200, list.body);
    assert.ok(list.json().length >= 6);
    const latest = list.json().find((b: any) => b.fileName === 'hotline-2026-03.csv' && b.duplicates === 2);
    assert.ok(latest);
    assert.equal(latest.total, latest.created + latest.duplicates + latest.failed);
    const unit = await postForm(city, 'unit', '/api/v1/imports/preview', { name: 'h.csv', data: fixtureBytes('hotline-2026-03.csv') });
    assert.equal(unit.status, 403);
  });
});
