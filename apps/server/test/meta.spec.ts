import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testApp, testDb, type TestCity } from './harness.ts';
import { errorCatalogue } from '../src/http/errors.ts';
import { verifyAuditChain } from '../src/modules/audit/service.ts';
import { caseStates, problemEventActions } from '@cityloop/domain';

describe('fixed points and the HTTP contract', () => {
  let city: TestCity;
  before(async () => {
    city = await newCity();
  });

  test('health answers ok once the database is ready', async () => {
    const res = await (await anonymous(city)).get('/api/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('the city is public with its name, centre and bbox', async () => {
    const res = await (await anonymous(city)).get('/api/v1/city');
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.name, '测试市');
    assert.deepEqual(body.center, [113.66, 34.75]);
    assert.deepEqual(body.bbox, [113.6, 34.7, 113.8, 34.8]);
  });

  test('the OpenAPI document and the browsable docs are served', async () => {
    const app = await testApp();
    const doc = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.json().openapi, '3.0.3');
    assert.ok(doc.json().paths['/api/v1/areas/import'].post['x-roles'].includes('admin'));
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /<html/i);
  });

  test('an unknown API path is a problem+json 404, not a page', async () => {
    const res = await (await anonymous(city)).get('/api/v1/no-such-thing');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, 'request.not_found');
  });

  test('every problem carries a stable code and a message in Chinese and English from the catalogue', async () => {
    const res = await (await anonymous(city)).get('/api/problems');
    assert.deepEqual(res.json(), JSON.parse(JSON.stringify(errorCatalogue)));
    for (const [code, e] of Object.entries(errorCatalogue)) {
      assert.match(code, /^[a-z_]+(\.[a-z_]+)?$/, code);
      assert.ok(e.zh && e.en && e.status >= 400, code);
      assert.match(e.zh, /[\u4e00-\u9fff]/, `${code} has Chinese`);
    }
  });

  test('malformed JSON is a 400 problem and never a stack trace', async () => {
    const admin = await as(city, 'admin');
    const res = await admin.patch(`/api/v1/areas/${city.districtId}`, '{"name": ');
    assert.equal(res.status, 400);
    assert.equal(res.json().code, 'request.invalid');
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
  });

  test('an unknown city in x-city is a 404 problem', async () => {
    const app = await testApp();
    const res = await app.inject({ method: 'GET', url: '/api/v1/city', headers: { 'x-city': 'atlantis' } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'city.not_found');
  });

  test('logging in and out is audited, and the audit chain detects an altered row', async () => {
    const admin = await as(city, 'admin');
    const out = await admin.post('/api/v1/auth/logout');
    assert.equal(out.status, 204);
    const me = await admin.get('/api/v1/auth/me');
    assert.equal(me.status, 401, 'the session is gone after logout');
    const db = await testDb();
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 ORDER BY seq`, [city.id])).map((r) => r.action);
    assert.ok(actions.includes('auth.login') && actions.includes('auth.logout'));
    assert.deepEqual(await verifyAuditChain(db, city.id), { ok: true, events: actions.length, brokenAt: null });
    // The table refuses edits; someone with the power to drop the guard could still alter a row: the chain tells.
    await assert.rejects(db.query(`UPDATE audit_events SET actor_label = 'x' WHERE city_id = $1`, [city.id]), /append-only/);
    await db.tx(async (q) => {
      await q.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
      await q.query(`UPDATE audit_events SET details = '{"username":"forged"}' WHERE city_id = $1 AND seq = 2`, [city.id]);
      await q.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    });
    assert.deepEqual(await verifyAuditChain(db, city.id), { ok: false, events: actions.length, brokenAt: 2 });
  });

  test('the database allows exactly the case states of the domain state machine', async () => {
    const db = await testDb();
    const def = (await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'problems_status_check'`))[0]!.def;
    const allowed = [...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(allowed, [...caseStates].sort());
  });

  test('the database allows exactly the history actions of the domain (pool events, loop transitions, loop events)', async () => {
    const db = await testDb();
    const def = (await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'problem_events_action_check'`))[0]!.def;
    const allowed = [...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(allowed, [...problemEventActions].sort());
  });

  test('passwords are stored as argon2id hashes', async () => {
    const db = await testDb();
    const row = (await db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE city_id = $1 AND username = 'admin'`, [city.id]))[0]!;
    assert.match(row.password_hash, /^\$argon2id\$/);
  });
});

describe('login ceiling per address', () => {
  test('past the per-address ceiling logins get 429 request.rate_limited, whatever the account', async () => {
    const { buildApp } = await import('../src/http/app.ts');
    const { loadConfig } = await import('../src/config.ts');
    const city = await newCity();
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', LOGIN_RATE_PER_IP: '3' }), db: await testDb(), logger: false });
    try {
      const attempt = (username: string) =>
        app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password', city: city.code } });
      for (const u of ['office', 'leader', 'unit']) assert.equal((await attempt(u)).statusCode, 401);
      const fourth = await attempt('expert');
      assert.equal(fourth.statusCode, 429);
      assert.equal(fourth.json().code, 'request.rate_limited');
    } finally {
      await app.close();
    }
  });
});
