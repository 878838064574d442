/**
 * Open311 GeoReport v2 conformance, written from the spec
 * (https://wiki.open311.org/GeoReport_v2): every endpoint in JSON and XML, JSON
 * answers validated against the spec's own JSON Schemas (fixtures/open311/
 * georeport-v2, CC BY 3.0), XML answers parsed back and compared with the JSON,
 * and the spec's error cases in its error format.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { as, here, newCity, testApp, testDb, type TestCity } from './harness.ts';
import { submitReport } from '../src/modules/reports/service.ts';
import { systemActor } from '../src/http/actor.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const schemaDir = path.join(here, 'fixtures', 'open311', 'georeport-v2');
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['service.json', 'services.json', 'service-definition.json', 'request.json', 'requests.json']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, f), 'utf8')), f);
}
const schema = (name: string) => ajv.getSchema(name) as ValidateFunction;

function assertValid(name: string, body: unknown) {
  const validate = schema(name);
  assert.ok(validate(body), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

const xml = new XMLParser({
  parseTagValue: false,
  isArray: (name) => ['service', 'request', 'error', 'attribute', 'value'].includes(name),
});

/** JSON as XML carries it: every leaf a string, null as an empty element. */
function asXmlText(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(asXmlText);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asXmlText(x)]));
  return String(v);
}
/** XML's empty elements parse as '' and nested lists as {attribute: [...]}: unwrap to compare with JSON. */
function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'attributes') out[k] = unwrap((x as { attribute?: unknown[] } | '') ? (x as { attribute: unknown[] }).attribute : []);
      else if (k === 'values') out[k] = unwrap((x as { value?: unknown[] } | '') ? (x as { value: unknown[] }).value : []);
      else out[k] = unwrap(x);
    }
    return out;
  }
  return v;
}

interface R {
  status: number;
  type: string;
  body: string;
  json: () => any;
}

async function call(method: 'GET' | 'POST', url: string, opts: { form?: Record<string, string>; json?: unknown; payload?: Buffer; headers?: Record<string, string> } = {}): Promise<R> {
  const app = await testApp();
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let payload: string | Buffer | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    payload = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(opts.json);
  } else if (opts.payload) payload = opts.payload;
  const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.body, json: () => res.json() };
}

function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = `----cl${Date.now().toString(16)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function assertErrors(res: R, status: number, format: 'json' | 'xml', code?: string) {
  assert.equal(res.status, status, res.body);
  if (format === 'json') {
    assert.match(res.type, /^application\/json/);
    const body = res.json();
    assert.ok(Array.isArray(body) && body.length >= 1, res.body);
    for (const e of body) {
      assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
      assert.equal(e.code, status);
      assert.equal(typeof e.description, 'string');
      if (code) assert.ok(e.description.startsWith(`${code}:`), e.description);
    }
  } else {
    assert.match(res.type, /xml/);
    const doc = xml.parse(res.body);
    assert.ok(doc.errors?.error?.length >= 1, res.body);
    assert.equal(doc.errors.error[0].code, String(status));
    if (code) assert.ok(doc.errors.error[0].description.startsWith(`${code}:`), res.body);
  }
}

async function reportCount(city: TestCity) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE city_id = $1`, [city.id]))[0]!.n;
}

const P = { lat: '34.7005', long: '113.6005' };

describe('Open311 GeoReport v2', () => {
  let city: TestCity;
  let key: string;
  let sensorOnlyKey: string;
  let j: string;
  const base = '/open311/v2';
  before(async () => {
    city = await newCity();
    j = `jurisdiction_id=${city.code}`;
    const admin = await as(city, 'admin');
    key = (await admin.post('/api/v1/api-keys', { name: 'open311-client', scopes: ['open311.post'] })).json().key;
    sensorOnlyKey = (await admin.post('/api/v1/api-keys', { name: 'sensor-gateway', scopes: ['sensor.post'] })).json().key;
  });

  test('GET services lists every subcategory of the taxonomy, valid against the spec, in JSON and the same in XML', async () => {
    const res = await call('GET', `${base}/services.json?${j}`);
    assert.equal(res.status, 200, res.body);
    assert.match(res.type, /^application\/json/);
    const services = res.json();
    assertValid('services.json', services);
    assert.equal(services.length, 28);
    const gh01 = services.find((s: any) => s.service_code === 'GH-01');
    assert.equal(gh01.service_name, '违法建设');
    assert.equal(gh01.group, '规划类');
    assert.equal(gh01.type, 'realtime');
    assert.equal(gh01.metadata, true);
    assert.match(gh01.keywords, /违建/);
    const x = await call('GET', `${base}/services.xml?${j}`);
    assert.equal(x.status, 200);
    assert.match(x.type, /xml/);
    assert.match(x.body, /^<\?xml version="1.0" encoding="utf-8"\?><services><service>/);
    assert.deepEqual(unwrap(xml.parse(x.body).services.service), asXmlText(services));
  });

  test('GET a service definition gives its attributes, valid against the spec, in JSON and XML', async () => {
    const res = await call('GET', `${base}/services/AQ-01.json?${j}`);
    assert.equal(res.status, 200, res.body);
    const def = res.json();
    assertValid('service-definition.json', def);
    assert.equal(def.service_code, 'AQ-01');
    const severity = def.attributes.find((a: any) => a.code === 'severity');
    assert.equal(severity.datatype, 'singlevaluelist');
    assert.deepEqual(severity.values.map((v: any) => v.key), ['low', 'medium', 'high']);
    const orders = def.attributes.map((a: any) => a.order);
    assert.equal(new Set(orders).size, orders.length, 'orders are unique');
    assert.ok(def.attributes.some((a: any) => a.variable === false), 'an informational attribute shows the standard');
    const x = await call('GET', `${base}/services/AQ-01.xml?${j}`);
    assert.equal(x.status, 200);
    assert.deepEqual(unwrap(xml.parse(x.body).service_definition), asXmlText(def));
  });

  test('an unknown service code is 404 in the spec’s error format, JSON and XML', async () => {
    assertErrors(await call('GET', `${base}/services/NOPE-99.json?${j}`), 404, 'json', 'georeport.unknown_service');
    assertErrors(await call('GET', `${base}/services/NOPE-99.xml?${j}`), 404, 'xml', 'georeport.unknown_service');
  });

  test('an unknown jurisdiction_id is 404 on every endpoint, an unknown format or path 404 too', async () => {
    for (const p of ['services.json', 'services/GH-01.json', 'requests.json', 'requests/X1.json', 'tokens/abcdefgh.json']) {
      assertErrors(await call('GET', `${base}/${p}?jurisdiction_id=no-such-city`), 404, 'json', 'georeport.unknown_jurisdiction');
    }
    assertErrors(await call('GET', `${base}/services.xml?jurisdiction_id=no-such-city`), 404, 'xml', 'georeport.unknown_jurisdiction');
    const post = await call('POST', `${base}/requests.json?jurisdiction_id=no-such-city`, { form: { api_key: key, service_code: 'GH-01', ...P } });
    assertErrors(post, 404, 'json', 'georeport.unknown_jurisdiction');
    assertErrors(await call('GET', `${base}/services.html?${j}`), 404, 'json', 'request.not_found');
    assertErrors(await call('GET', `${base}/nothing-here.xml`), 404, 'xml', 'request.not_found');
  });

  test('POST without api_key is 403, with a bad key or one without the open311.post scope 403, and nothing is written', async () => {
    const before = await reportCount(city);
    const form = { service_code: 'GH-01', description: '楼顶违章搭建彩钢棚', ...P };
    assertErrors(await call('POST', `${base}/requests.json?${j}`, { form }), 403, 'json', 'georeport.api_key_required');
    assertErrors(await call('POST', `${base}/requests.xml?${j}`, { form }), 403, 'xml', 'georeport.api_key_required');
    assertErrors(await call('POST', `${base}/requests.json?${j}`, { form: { ...form, api_key: 'clk_not-a-key' } }), 403, 'json', 'georeport.invalid_api_key');
    assertErrors(await call('POST', `${base}/requests.json?${j}`, { form: { ...form, api_key: sensorOnlyKey } }), 403, 'json', 'georeport.invalid_api_key');
    // A bad key in the header is judged by the auth hook, and still answered in the spec's format.
    assertErrors(await call('POST', `${base}/requests.json?${j}`, { form, headers: { 'x-api-key': 'clk_wrong' } }), 403, 'json', 'georeport.invalid_api_key');
    assert.equal(await reportCount(city), before);
  });

  test('POST without a location, or with only an address (no geocoder here), or without service_code is 400; an unknown service 404', async () => {
    const before = await reportCount(city);
    const url = `${base}/requests.json?${j}`;
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', description: 'x' } }), 400, 'json', 'georeport.missing_field');
    assertErrors(await call('POST', `${base}/requests.xml?${j}`, { form: { api_key: key, service_code: 'GH-01' } }), 400, 'xml', 'georeport.missing_field');
    const addressOnly = await call('POST', url, { form: { api_key: key, service_code: 'GH-01', address_string: '金水路1号' } });
    assertErrors(addressOnly, 400, 'json', 'georeport.no_geocoder');
    assert.match(addressOnly.json()[0].description, /geocoder/);
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', lat: '34.7' } }), 400, 'json', 'georeport.missing_field');
    assertErrors(await call('POST', url, { form: { api_key: key, ...P } }), 400, 'json', 'georeport.missing_field');
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'NOPE-99', ...P } }), 404, 'json', 'georeport.unknown_service');
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', lat: 'north', long: '113.6' } }), 400, 'json', 'georeport.invalid_field');
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', ...P, 'attribute[severity]': 'apocalyptic' } }), 400, 'json', 'georeport.invalid_field');
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', ...P, 'attribute[colour]': 'red' } }), 400, 'json', 'georeport.invalid_field');
    // Outside every area of the city: the intake's 422 is the spec's 400.
    assertErrors(await call('POST', url, { form: { api_key: key, service_code: 'GH-01', lat: '30.2', long: '120.1' } }), 400, 'json', 'report.outside_city');
    assert.equal(await reportCount(city), before);
  });

  let postedId: string;
  test('POST form-encoded answers the id and a notice; GET requests/{id} shows it as the spec describes, without personal data', async () => {
    const res = await call('POST', `${base}/requests.json`, {
      form: {
        api_key: key,
        jurisdiction_id: city.code,
        service_code: 'GH-01',
        description: '小区楼顶违章搭建彩钢棚，联系电话13912345678',
        ...P,
        address_string: '测试路1号',
        first_name: '三',
        last_name: '张',
        phone: '13912345678',
        email: 'zhang@example.com',
        device_id: 'dev-1',
        account_id: 'acct-42',
        'attribute[severity]': 'high',
        'attribute[first_noticed]': '2026-01-05T08:00:00+08:00',
      },
    });
    assert.equal(res.status, 200, res.body);
    const body = res.json();
    assert.equal(body.length, 1);
    assert.deepEqual(Object.keys(body[0]).sort(), ['account_id', 'service_notice', 'service_request_id']);
    assert.equal(body[0].account_id, 'acct-42');
    assert.match(body[0].service_notice, /受理编号/);
    postedId = body[0].service_request_id;

    const one = await call('GET', `${base}/requests/${postedId}.json?${j}`);
    assert.equal(one.status, 200, one.body);
    const list = one.json();
    assertValid('requests.json', list);
    assert.equal(list.length, 1);
    const r = list[0];
    assert.equal(r.service_request_id, postedId);
    assert.equal(r.status, 'open');
    assert.equal(r.service_code, 'GH-01');
    assert.equal(r.service_name, '违法建设');
    assert.equal(r.address, '测试路1号');
    assert.equal(r.lat, 34.7005);
    assert.equal(r.long, 113.6005);
    assert.match(r.status_notes, /待研判/);
    for (const secret of ['13912345678', 'zhang@example.com', '张三', 'dev-1', 'acct-42']) assert.ok(!one.body.includes(secret), `${secret} leaked`);
    assert.match(r.description, /139\*\*\*\*5678/);

    const x = await call('GET', `${base}/requests/${postedId}.xml?${j}`);
    assert.equal(x.status, 200);
    assert.deepEqual(xml.parse(x.body).service_requests.request, asXmlText(list));
  });

  test('POST in XML, and with JSON and attribute objects, answer in the asked format', async () => {
    const x = await call('POST', `${base}/requests.xml?${j}`, { form: { api_key: key, service_code: 'JS-01', description: '老旧小区外墙脱落', ...P, 'attribute[severity]': 'medium' } });
    assert.equal(x.status, 200, x.body);
    const req = xml.parse(x.body).service_requests.request[0];
    assert.ok(req.service_request_id);
    assert.equal(req.account_id, '');
    const json = await call('POST', `${base}/requests.json?${j}`, {
      json: { api_key: key, service_code: 'JS-01', description: '楼道线缆乱拉', lat: 34.7005, long: 113.6005, attribute: { severity: 'low' } },
    });
    assert.equal(json.status, 200, json.body);
    assert.ok(json.json()[0].service_request_id);
  });

  test('POST with a multipart media photo: media_url points at the public copy, which is served', async () => {
    const jpeg = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#7a6' } }).jpeg().toBuffer();
    const m = multipart({ api_key: key, jurisdiction_id: city.code, service_code: 'GL-01', description: '道路破损有坑', ...P }, { name: 'media', filename: 'pothole.jpg', type: 'image/jpeg', data: jpeg });
    const res = await call('POST', `${base}/requests.json`, m);
    assert.equal(res.status, 200, res.body);
    const id = res.json()[0].service_request_id;
    const got = (await call('GET', `${base}/requests/${id}.json?${j}`)).json();
    assertValid('requests.json', got);
    const url = new URL(got[0].media_url);
    assert.match(url.pathname, /^\/api\/v1\/files\/[0-9a-f-]{36}\/public$/);
    const photo = await (await testApp()).inject({ method: 'GET', url: `${url.pathname}`, headers: { 'x-city': city.code } });
    assert.equal(photo.statusCode, 200);
    assert.equal(photo.headers['content-type'], 'image/jpeg');
    // media_url given by the client instead of a file is kept as given
    const given = await call('POST', `${base}/requests.json?${j}`, { form: { api_key: key, service_code: 'GL-01', ...P, media_url: 'https://img.example.com/a.jpg' } });
    const g = (await call('GET', `${base}/requests/${given.json()[0].service_request_id}.json?${j}`)).json()[0];
    assert.equal(g.media_url, 'https://img.example.com/a.jpg');
    assertErrors(await call('POST', `${base}/requests.json?${j}`, { form: { api_key: key, service_code: 'GL-01', ...P, media_url: 'javascript:alert(1)' } }), 400, 'json', 'georeport.invalid_field');
  });

  test('a jurisdiction that answers with tokens: POST gives a token only, tokens/{token} gives the id, in JSON and XML', async () => {
    const db = await testDb();
    await db.query(`UPDATE cities SET settings = jsonb_set(settings, '{open311}', '{"async": true}') WHERE id = $1`, [city.id]);
    try {
      const res = await call('POST', `${base}/requests.json?${j}`, { form: { api_key: key, service_code: 'ST-01', description: '河道黑臭', ...P } });
      assert.equal(res.status, 200, res.body);
      const body = res.json()[0];
      assert.deepEqual(Object.keys(body).sort(), ['account_id', 'service_notice', 'token']);
      const t = await call('GET', `${base}/tokens/${body.token}.json?${j}`);
      assert.equal(t.status, 200, t.body);
      const [row] = t.json();
      assert.equal(row.token, body.token);
      const x = await call('GET', `${base}/tokens/${body.token}.xml?${j}`);
      assert.deepEqual(xml.parse(x.body).service_requests.request, [row]);
      const r = await call('GET', `${base}/requests/${row.service_request_id}.json?${j}`);
      assert.equal(r.status, 200);
      assertValid('requests.json', r.json());
      assert.equal(r.json()[0].service_code, 'ST-01');
    } finally {
      await db.query(`UPDATE cities SET settings = settings - 'open311' WHERE id = $1`, [city.id]);
    }
    assertErrors(await call('GET', `${base}/tokens/not-a-token-0.json?${j}`), 404, 'json', 'georeport.unknown_token');
    assertErrors(await call('GET', `${base}/tokens/not-a-token-0.xml?${j}`), 404, 'xml', 'georeport.unknown_token');
  });

  test('a jurisdiction may allow posts without a key', async () => {
    const db = await testDb();
    await db.query(`UPDATE cities SET settings = jsonb_set(settings, '{open311}', '{"requireApiKey": false}') WHERE id = $1`, [city.id]);
    try {
      const res = await call('POST', `${base}/requests.json?${j}`, { form: { service_code: 'GH-01', ...P } });
      assert.equal(res.status, 200, res.body);
    } finally {
      await db.query(`UPDATE cities SET settings = settings - 'open311' WHERE id = $1`, [city.id]);
    }
  });

  test('GET requests lists the last 90 days, filters by id list, service_code, status and dates, JSON and XML alike', async () => {
    const all = await call('GET', `${base}/requests.json?${j}`);
    assert.equal(all.status, 200, all.body);
    const list = all.json();
    assertValid('requests.json', list);
    assert.ok(list.length >= 5, `${list.length} requests`);
    assert.ok(list.some((r: any) => r.service_request_id === postedId));
    const times = list.map((r: any) => r.requested_datetime);
    assert.deepEqual([...times].sort().reverse(), times, 'newest first');

    const x = await call('GET', `${base}/requests.xml?${j}`);
    assert.deepEqual(xml.parse(x.body).service_requests.request, asXmlText(list));

    const byCode = (await call('GET', `${base}/requests.json?${j}&service_code=JS-01,ST-01`)).json();
    assert.ok(byCode.length >= 2 && byCode.every((r: any) => ['JS-01', 'ST-01'].includes(r.service_code)));
    const two = list.slice(0, 2).map((r: any) => r.service_request_id);
    // service_request_id overrides every other argument
    const byId = (await call('GET', `${base}/requests.json?${j}&service_request_id=${two.join(',')}&status=closed&service_code=XX`)).json();
    assert.deepEqual(byId.map((r: any) => r.service_request_id).sort(), [...two].sort());
    assert.equal((await call('GET', `${base}/requests.json?${j}&status=closed`)).json().length, 0);
    assert.equal((await call('GET', `${base}/requests.json?${j}&status=open,closed`)).json().length, list.length);
    const past = (await call('GET', `${base}/requests.json?${j}&start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z`)).json();
    assert.deepEqual(past, []);
    const today = new Date();
    const since = new Date(today.getTime() - 86_400_000).toISOString();
    assert.equal((await call('GET', `${base}/requests.json?${j}&start_date=${since}`)).json().length, list.length);

    assertErrors(await call('GET', `${base}/requests.json?${j}&start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z`), 400, 'json', 'georeport.invalid_field');
    assertErrors(await call('GET', `${base}/requests.xml?${j}&start_date=yesterday`), 400, 'xml', 'georeport.invalid_field');
    assertErrors(await call('GET', `${base}/requests.json?${j}&status=pending`), 400, 'json', 'georeport.invalid_field');
  });

  test('an unknown request is 404; an audit finding is 403 to the public but shown to the office (the visibility ladder)', async () => {
    assertErrors(await call('GET', `${base}/requests/NO-SUCH-1.json?${j}`), 404, 'json', 'georeport.unknown_request');
    assertErrors(await call('GET', `${base}/requests/NO-SUCH-1.xml?${j}`), 404, 'xml', 'georeport.unknown_request');
    const db = await testDb();
    const audit = await submitReport(db, systemActor(city.id), { source: 'audit', text: '审计发现：某项目擅自变更规划', lng: 113.6005, lat: 34.7005, externalId: 'AUD-1' });
    assertErrors(await call('GET', `${base}/requests/${audit.serviceRequestId}.json?${j}`), 403, 'json', 'georeport.private_request');
    const publicList = (await call('GET', `${base}/requests.json?${j}`)).json();
    assert.ok(!publicList.some((r: any) => r.service_request_id === audit.serviceRequestId));
    const office = await as(city, 'office');
    const seen = await office.get(`${base}/requests/${audit.serviceRequestId}.json`);
    assert.equal(seen.status, 200, seen.body);
    assert.ok((await office.get(`${base}/requests.json`)).json().some((r: any) => r.service_request_id === audit.serviceRequestId));
  });

  test('every Open311 operation is in the OpenAPI document with x-roles, public to read and to post (the api_key is the spec’s own check)', async () => {
    const doc = (await (await testApp()).inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const ops = Object.entries<Record<string, any>>(doc.paths)
      .filter(([p]) => p.startsWith('/open311/v2/'))
      .flatMap(([p, item]) => Object.entries<any>(item).map(([m, op]) => ({ p, m, roles: op['x-roles'] })));
    assert.deepEqual(ops.map((o) => `${o.m} ${o.p}`).sort(), [
      'get /open311/v2/requests.{format}',
      'get /open311/v2/requests/{service_request_id}.{format}',
      'get /open311/v2/services.{format}',
      'get /open311/v2/services/{service_code}.{format}',
      'get /open311/v2/tokens/{token}.{format}',
      'post /open311/v2/requests.{format}',
    ]);
    for (const o of ops) assert.deepEqual(o.roles, ['public'], `${o.m} ${o.p}`);
    // signed-in users of any role and API keys read the same public services
    for (const who of ['citizen', 'unit', 'admin']) {
      const res = await (await as(city, who)).get(`${base}/services.json`);
      assert.equal(res.status, 200, `${who}: ${res.body}`);
    }
  });
});
