import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { as, newCity, testDb, type Client, type TestCity } from './harness.ts';

async function count(city: TestCity, table: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE city_id = $1`, [city.id]))[0]!.n;
}

describe('experts', () => {
  let city: TestCity;
  let admin: Client;
  let structural: any;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('an admin adds experts with fields, mode and conflicts of interest', async () => {
    const res = await admin.post('/api/v1/experts', {
      userId: city.users.expert,
      name: '陈静',
      organisation: '郑州大学',
      title: '教授',
      phone: '13700001234',
      fields: ['structural', 'municipal'],
      mode: 'fixed',
      conflictUnitIds: [city.units.u1],
    });
    assert.equal(res.status, 201, res.body);
    structural = res.json();
    assert.deepEqual({ ...structural, id: undefined }, {
      id: undefined,
      userId: city.users.expert,
      name: '陈静',
      organisation: '郑州大学',
      title: '教授',
      phone: '13700001234',
      fields: ['structural', 'municipal'],
      mode: 'fixed',
      available: true,
      conflictUnitIds: [city.units.u1],
    });
    const other = await admin.post('/api/v1/experts', { name: '周律师', fields: ['law'], mode: 'on_call', available: false });
    assert.equal(other.status, 201, other.body);
    assert.equal(other.json().userId, null);
    assert.deepEqual(other.json().conflictUnitIds, []);
  });

  test('the library is filtered by field, mode and availability', async () => {
    const names = async (query: string) => (await admin.get(`/api/v1/experts${query}`)).json().map((e: any) => e.name);
    assert.deepEqual(await names('?field=municipal'), ['陈静']);
    assert.deepEqual(await names('?mode=on_call'), ['周律师']);
    assert.deepEqual(await names('?available=true'), ['陈静']);
    assert.deepEqual(await names('?available=false&field=law'), ['周律师']);
    assert.equal((await admin.get('/api/v1/experts?field=astrology')).status, 400);
  });

  test('editing replaces the set of conflicts and keeps what was not sent', async () => {
    const res = await admin.patch(`/api/v1/experts/${structural.id}`, { conflictUnitIds: [city.units.u2, city.units.tp], available: false });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json().conflictUnitIds, [city.units.u2, city.units.tp].sort());
    assert.equal(res.json().available, false);
    assert.equal(res.json().name, '陈静');
    assert.deepEqual(res.json().fields, ['structural', 'municipal']);
    const cleared = await admin.patch(`/api/v1/experts/${structural.id}`, { conflictUnitIds: [], phone: null });
    assert.deepEqual(cleared.json().conflictUnitIds, []);
    assert.equal(cleared.json().phone, null);
    const db = await testDb();
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 ORDER BY seq`, [city.id, structural.id])).map((r) => r.action);
    assert.deepEqual(actions, ['expert.create', 'expert.update', 'expert.update']);
  });

  test('an unknown conflict unit or user is refused with reference.unknown and changes nothing', async () => {
    await admin.patch(`/api/v1/experts/${structural.id}`, { conflictUnitIds: [city.units.u1] });
    const before = [await count(city, 'experts'), await count(city, 'expert_conflicts'), await count(city, 'audit_events')];
    const add = await admin.post('/api/v1/experts', { name: '无名', fields: ['law'], mode: 'fixed', conflictUnitIds: [crypto.randomUUID()] });
    assert.equal(add.status, 422);
    assert.equal(add.json().code, 'reference.unknown');
    const edit = await admin.patch(`/api/v1/experts/${structural.id}`, { name: '改名', conflictUnitIds: [city.units.u2, crypto.randomUUID()] });
    assert.equal(edit.json().code, 'reference.unknown');
    const user = await admin.post('/api/v1/experts', { name: '无名', fields: ['law'], mode: 'fixed', userId: crypto.randomUUID() });
    assert.equal(user.json().code, 'reference.unknown');
    assert.deepEqual([await count(city, 'experts'), await count(city, 'expert_conflicts'), await count(city, 'audit_events')], before);
    const now = (await admin.get(`/api/v1/experts/${structural.id}`)).json();
    assert.equal(now.name, '陈静');
    assert.deepEqual(now.conflictUnitIds, [city.units.u1]);
  });

  test('an expert without fields, with an unknown field or mode is refused with request.invalid', async () => {
    const before = await count(city, 'experts');
    for (const body of [
      { name: 'x', fields: [], mode: 'fixed' },
      { name: 'x', fields: ['astrology'], mode: 'fixed' },
      { name: 'x', fields: ['law'], mode: 'sometimes' },
    ]) {
      const res = await admin.post('/api/v1/experts', body);
      assert.equal(res.status, 400);
      assert.equal(res.json().code, 'request.invalid');
    }
    assert.equal(await count(city, 'experts'), before);
    assert.equal((await admin.patch(`/api/v1/experts/${crypto.randomUUID()}`, { name: 'x' })).status, 404);
  });

  test('an expert’s phone is whole for admin and office and masked for leaders and discipline', async () => {
    await admin.patch(`/api/v1/experts/${structural.id}`, { phone: '13700001234' });
    const seen = async (who: string) => (await (await as(city, who)).get(`/api/v1/experts/${structural.id}`)).json().phone;
    assert.equal(await seen('office'), '13700001234');
    assert.equal(await seen('leader'), '137****1234');
    assert.equal(await seen('discipline'), '137****1234');
  });
});
