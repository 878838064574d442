import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { as, newCity, testApp, testDb, type Client, type TestCity } from './harness.ts';

async function count(city: TestCity, table: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE city_id = $1`, [city.id]))[0]!.n;
}

async function streetId(city: TestCity) {
  const db = await testDb();
  return (await db.query<{ id: string }>(`SELECT id FROM areas WHERE city_id = $1 AND code = 'T-S1'`, [city.id]))[0]!.id;
}

async function loginStatus(city: TestCity, username: string, password: string) {
  const app = await testApp();
  return (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password, city: city.code } })).statusCode;
}

describe('users', () => {
  let city: TestCity;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  /** Expects a refusal with `code` that leaves users, districts and audit events as they were. */
  async function refused(send: () => Promise<{ status: number; json: () => any; body: string }>, status: number, code: string) {
    const before = [await count(city, 'users'), await count(city, 'leader_districts'), await count(city, 'audit_events')];
    const res = await send();
    assert.equal(res.status, status, res.body);
    assert.equal(res.json().code, code);
    assert.deepEqual([await count(city, 'users'), await count(city, 'leader_districts'), await count(city, 'audit_events')], before);
  }

  test('an admin creates a leader on a district, who can then sign in; no hash ever leaves the server', async () => {
    const res = await admin.post('/api/v1/users', {
      username: 'leader2',
      displayName: '王副市长',
      password: 'a-good-password',
      roles: ['leader'],
      phone: '13800001111',
      districtIds: [city.districtId],
    });
    assert.equal(res.status, 201, res.body);
    const user = res.json();
    assert.equal(user.username, 'leader2');
    assert.deepEqual(user.roles, ['leader']);
    assert.deepEqual(user.districtIds, [city.districtId]);
    assert.equal(user.phone, '13800001111');
    assert.equal(user.unitId, null);
    assert.equal(user.active, true);
    assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
    assert.equal(await loginStatus(city, 'leader2', 'a-good-password'), 200);
    const list = await admin.get('/api/v1/users?role=leader');
    assert.deepEqual(list.json().map((u: any) => u.username), ['leader', 'leader2']);
    for (const body of [res.body, list.body, (await admin.get(`/api/v1/users/${user.id}`)).body]) {
      assert.ok(!/argon2|password/i.test(body), body);
    }
    const db = await testDb();
    const audit = await db.query<{ action: string; details: unknown }>(`SELECT action, details FROM audit_events WHERE city_id = $1 AND target_id = $2`, [city.id, user.id]);
    assert.equal(audit[0]!.action, 'user.create');
    assert.ok(!JSON.stringify(audit[0]!.details).includes('a-good-password'));
  });

  test('users are filtered by unit and by part of a name', async () => {
    assert.deepEqual((await admin.get(`/api/v1/users?unitId=${city.units.u2}`)).json().map((u: any) => u.username), ['unit2']);
    assert.deepEqual((await admin.get('/api/v1/users?q=DISCIP')).json().map((u: any) => u.username), ['discipline']);
  });

  test('a unit staff member is created in the free B slot of their unit', async () => {
    const res = await admin.post('/api/v1/users', { username: 'u1-b', displayName: '李四（B角）', password: 'a-good-password', roles: ['unit'], unitId: city.units.u1, staffSlot: 'B' });
    assert.equal(res.status, 201, res.body);
    const staff = (await admin.get(`/api/v1/units/${city.units.u1}`)).json().staff.map((s: any) => `${s.slot}:${s.username}`);
    assert.deepEqual(staff, ['A:unit', 'B:u1-b']);
  });

  test('a short password is refused with user.weak_password and creates nothing', async () => {
    await refused(() => admin.post('/api/v1/users', { username: 'weak', displayName: '弱', password: 'short', roles: ['office'] }), 422, 'user.weak_password');
  });

  test('a unit user without a unit is refused with user.unit_required', async () => {
    await refused(() => admin.post('/api/v1/users', { username: 'nounit', displayName: '无单位', password: 'a-good-password', roles: ['unit'] }), 422, 'user.unit_required');
    await refused(
      () => admin.post('/api/v1/users', { username: 'noslot', displayName: '无单位', password: 'a-good-password', roles: ['office'], staffSlot: 'B' }),
      422,
      'user.unit_required',
    );
  });

  test('districts for someone who is not a leader are refused with user.not_leader', async () => {
    await refused(
      () => admin.post('/api/v1/users', { username: 'notlead', displayName: '非领导', password: 'a-good-password', roles: ['office'], districtIds: [city.districtId] }),
      422,
      'user.not_leader',
    );
  });

  test('a leader on a street or an unknown area is refused with user.district_required', async () => {
    const street = await streetId(city);
    for (const area of [street, crypto.randomUUID()]) {
      await refused(
        () => admin.post('/api/v1/users', { username: 'lead3', displayName: '领导三', password: 'a-good-password', roles: ['leader'], districtIds: [area] }),
        422,
        'user.district_required',
      );
    }
  });

  test('a taken username, a taken A/B slot and an unknown unit are each refused', async () => {
    await refused(() => admin.post('/api/v1/users', { username: 'office', displayName: '重名', password: 'a-good-password', roles: ['office'] }), 409, 'user.duplicate_username');
    await refused(
      () => admin.post('/api/v1/users', { username: 'u1-a2', displayName: '抢A角', password: 'a-good-password', roles: ['unit'], unitId: city.units.u1, staffSlot: 'A' }),
      409,
      'user.staff_slot_taken',
    );
    await refused(
      () => admin.post('/api/v1/users', { username: 'ghost', displayName: '无此单位', password: 'a-good-password', roles: ['unit'], unitId: crypto.randomUUID() }),
      422,
      'reference.unknown',
    );
    await refused(() => admin.post('/api/v1/users', { username: 'noroles', displayName: '无角色', password: 'a-good-password', roles: [] }), 400, 'request.invalid');
    await refused(() => admin.post('/api/v1/users', { username: 'king', displayName: '国王', password: 'a-good-password', roles: ['king'] }), 400, 'request.invalid');
  });

  test('moving unit2 into the taken A slot of unit 1 is refused and leaves unit2 where it was', async () => {
    const before = (await admin.get(`/api/v1/users/${city.users.unit2}`)).json();
    const res = await admin.patch(`/api/v1/users/${city.users.unit2}`, { unitId: city.units.u1, displayName: '不该改' });
    assert.equal(res.status, 409);
    assert.equal(res.json().code, 'user.staff_slot_taken');
    assert.deepEqual((await admin.get(`/api/v1/users/${city.users.unit2}`)).json(), before);
  });

  test('taking the leader role from someone who still leads a district is refused', async () => {
    const leader2 = (await admin.get('/api/v1/users?q=leader2')).json()[0];
    const res = await admin.patch(`/api/v1/users/${leader2.id}`, { roles: ['office'] });
    assert.equal(res.status, 422);
    assert.equal(res.json().code, 'user.not_leader');
    assert.deepEqual((await admin.get(`/api/v1/users/${leader2.id}`)).json().roles, ['leader']);
    const both = await admin.patch(`/api/v1/users/${leader2.id}`, { roles: ['office'], districtIds: [] });
    assert.equal(both.status, 200, both.body);
    assert.deepEqual(both.json().districtIds, []);
  });

  test('a removed role stops working at once: the user’s sessions end', async () => {
    await admin.post('/api/v1/users', { username: 'office2', displayName: '办公室二', password: 'a-good-password', roles: ['office'] });
    const app = await testApp();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'office2', password: 'a-good-password', city: city.code } });
    const cookie = `cl_session=${login.cookies.find((c) => c.name === 'cl_session')!.value}`;
    const read = () => app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie } });
    assert.equal((await read()).statusCode, 200);
    const id = login.json().id;
    const res = await admin.patch(`/api/v1/users/${id}`, { roles: ['citizen'] });
    assert.equal(res.status, 200, res.body);
    const after = await read();
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().code, 'auth.required');
  });

  test('a deactivated user is signed out and cannot sign in; a new password replaces the old one', async () => {
    const made = (await admin.post('/api/v1/users', { username: 'temp', displayName: '临时', password: 'first-password', roles: ['office'] })).json();
    assert.equal(await loginStatus(city, 'temp', 'first-password'), 200);
    const pw = await admin.patch(`/api/v1/users/${made.id}`, { password: 'second-password' });
    assert.equal(pw.status, 200);
    assert.equal(await loginStatus(city, 'temp', 'first-password'), 401);
    assert.equal(await loginStatus(city, 'temp', 'second-password'), 200);
    const weak = await admin.patch(`/api/v1/users/${made.id}`, { password: 'short' });
    assert.equal(weak.json().code, 'user.weak_password');
    const db = await testDb();
    const sessions = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE city_id = $1 AND user_id = $2`, [city.id, made.id]))[0]!.n;
    assert.ok((await sessions()) > 0);
    const off = await admin.patch(`/api/v1/users/${made.id}`, { active: false });
    assert.equal(off.json().active, false);
    assert.equal(await sessions(), 0);
    assert.equal(await loginStatus(city, 'temp', 'second-password'), 401);
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 AND action LIKE 'user.%' ORDER BY seq`, [city.id, made.id])).map((r) => r.action);
    assert.deepEqual(actions, ['user.create', 'user.update', 'user.update']);
  });

  test('an unknown user is 404 to read and to edit', async () => {
    assert.equal((await admin.get(`/api/v1/users/${crypto.randomUUID()}`)).status, 404);
    assert.equal((await admin.patch(`/api/v1/users/${crypto.randomUUID()}`, { displayName: 'x' })).status, 404);
  });

  test('office sees a user’s phone masked, admin sees it in full', async () => {
    const seen = async (who: string) => (await (await as(city, who)).get(`/api/v1/users/${city.users.unit}`)).json().phone;
    assert.equal(await seen('admin'), '13912345678');
    assert.equal(await seen('office'), '139****5678');
    const list = (await (await as(city, 'office')).get('/api/v1/users')).json();
    assert.ok(list.every((u: any) => u.phone === null || u.phone.includes('****')));
  });
});
