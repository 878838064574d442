/**
 * THE permission matrix, read from the live OpenAPI document: every operation
 * against every kind of caller, so a new route is covered the day it is added.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { allUserRoles, anonymous, as, newCity, testApp, testDb, TEST_PASSWORD, withApiKey, type Client, type Res, type TestCity } from './harness.ts';

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

async function operations(): Promise<Operation[]> {
  const app = await testApp();
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({ method: method.toUpperCase(), path, roles: op['x-roles'] });
    }
  }
  // Signing out ends the caller's session: keep it for last.
  return ops.sort((a, b) => Number(a.path.endsWith('/auth/logout')) - Number(b.path.endsWith('/auth/logout')));
}

function send(c: Client, op: Operation): Promise<Res> {
  const url = op.path.replace(/\{[^}]+\}/g, () => crypto.randomUUID());
  if (op.method === 'GET') return c.get(url);
  if (op.method === 'DELETE') return c.delete(url);
  return op.method === 'POST' ? c.post(url, {}) : op.method === 'PATCH' ? c.patch(url, {}) : c.put(url, {});
}

async function unitCount(city: TestCity) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM units WHERE city_id = $1`, [city.id]))[0]!.n;
}

describe('permissions', () => {
  let city: TestCity;
  let ops: Operation[];
  let apiKey: string;
  before(async () => {
    city = await newCity();
    ops = await operations();
    const made = await (await as(city, 'admin')).post('/api/v1/api-keys', { name: 'matrix', scopes: ['open311.post'] });
    assert.equal(made.status, 201, made.body);
    apiKey = made.json().key;
  });

  test('every operation declares a non-empty x-roles list', () => {
    assert.ok(ops.length > 20, `only ${ops.length} operations in the document`);
    const bare = ops.filter((o) => !Array.isArray(o.roles) || o.roles.length === 0).map((o) => `${o.method} ${o.path}`);
    assert.deepEqual(bare, []);
    assert.ok(ops.some((o) => o.path === '/api/health'));
    assert.ok(ops.some((o) => o.method === 'GET' && o.path === '/api/v1/users' && o.roles.join() === 'admin,office'));
  });

  const callers = ['anonymous', ...allUserRoles, 'integration'] as const;
  for (const caller of callers) {
    test(`${caller} gets through exactly the operations whose x-roles name it, and a problem otherwise`, async () => {
      const client =
        caller === 'anonymous' ? await anonymous(city) : caller === 'integration' ? await withApiKey(city, apiKey) : await as(city, caller);
      const wrong: string[] = [];
      for (const op of ops) {
        const res = await send(client, op);
        const allowed = op.roles.includes('public') || op.roles.includes(caller);
        const where = `${op.method} ${op.path} → ${res.status}`;
        if (res.status >= 500) wrong.push(`${where} (server error: ${res.body})`);
        if (allowed) {
          if (res.status === 401 || res.status === 403) wrong.push(`${where} (allowed, but refused: ${res.body})`);
          continue;
        }
        const expected = caller === 'anonymous' ? { status: 401, code: 'auth.required' } : { status: 403, code: 'auth.forbidden' };
        if (res.status !== expected.status) {
          wrong.push(`${where} (expected ${expected.status})`);
          continue;
        }
        const body = res.json();
        if (!String(res.headers['content-type']).startsWith('application/problem+json') || body.code !== expected.code) {
          wrong.push(`${where} (body ${res.body})`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('the role check runs before body validation: garbage from a citizen gets 403, from nobody 401', async () => {
    const before = await unitCount(city);
    const citizen = await (await as(city, 'citizen')).post('/api/v1/units', '{"code": 12, oops', { 'content-type': 'application/json' });
    assert.equal(citizen.status, 403);
    assert.equal(citizen.json().code, 'auth.forbidden');
    const wrongType = await (await as(city, 'citizen')).post('/api/v1/units', { nonsense: [1, 2, 3] });
    assert.equal(wrongType.status, 403);
    const nobody = await (await anonymous(city)).post('/api/v1/units', '<xml/>', { 'content-type': 'application/xml' });
    assert.equal(nobody.status, 401);
    assert.equal(nobody.json().code, 'auth.required');
    assert.equal(await unitCount(city), before);
  });

  test('a state-changing request with a session cookie but no CSRF token is refused and changes nothing', async () => {
    const app = await testApp();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_PASSWORD, city: city.code } });
    const cookie = `cl_session=${login.cookies.find((c) => c.name === 'cl_session')!.value}`;
    const before = await unitCount(city);
    const body = { code: 'CSRF1', name: '跨站单位', kind: 'enterprise' };
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'not-the-token-of-this-session' }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/units', headers, payload: body });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'auth.csrf');
    }
    assert.equal(await unitCount(city), before);
    const withToken = await app.inject({ method: 'POST', url: '/api/v1/units', headers: { cookie, 'x-csrf-token': login.json().csrfToken }, payload: body });
    assert.equal(withToken.statusCode, 201, withToken.body);
  });

  test('five wrong passwords lock the account, even the right one is then refused, and the audit trail shows it intact', async () => {
    const admin = await as(city, 'admin');
    const made = await admin.post('/api/v1/users', { username: 'lockme', displayName: '锁定测试', password: 'right-password-1', roles: ['office'] });
    assert.equal(made.status, 201, made.body);
    const app = await testApp();
    const attempt = (password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lockme', password, city: city.code } });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await attempt(`wrong-password-${i}`)).json().code);
    assert.deepEqual(codes, ['auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.invalid_credentials', 'auth.account_locked']);
    const sixth = await attempt('right-password-1');
    assert.equal(sixth.statusCode, 429);
    assert.equal(sixth.json().code, 'auth.account_locked');

    const events = (await admin.get('/api/v1/audit-events?limit=500')).json();
    const mine = events.filter((e: any) => e.targetId === made.json().id).map((e: any) => e.action);
    assert.equal(mine.filter((a: string) => a === 'auth.login_failed').length, 4);
    assert.ok(mine.includes('auth.locked'));
    assert.ok(!mine.includes('auth.login'));
    const verify = await (await as(city, 'discipline')).get('/api/v1/audit-events/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.json().ok, true);
    assert.ok(verify.json().events >= 6);
  });

  test('a new password set by an admin lifts the lock', async () => {
    const admin = await as(city, 'admin');
    const id = (await admin.get('/api/v1/users?q=lockme')).json()[0].id;
    assert.equal((await admin.patch(`/api/v1/users/${id}`, { password: 'brand-new-password' })).status, 200);
    const app = await testApp();
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lockme', password: 'brand-new-password', city: city.code } });
    assert.equal(res.statusCode, 200, res.body);
  });
});
