import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { as, newCity, testDb, type Client, type TestCity } from './harness.ts';

async function count(city: TestCity, table: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE city_id = $1`, [city.id]))[0]!.n;
}

async function auditActions(city: TestCity, targetId: string) {
  const db = await testDb();
  return (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 ORDER BY seq`, [city.id, targetId])).map(
    (r) => r.action,
  );
}

describe('units', () => {
  let city: TestCity;
  let admin: Client;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('an admin adds a unit, which is listed, found by kind and name, and audited', async () => {
    const res = await admin.post('/api/v1/units', {
      code: 'SZJ',
      name: '市政工程管理处',
      nameEn: 'Municipal Works',
      kind: 'government',
      districtId: city.districtId,
      phone: '0371-6661234',
      address: '中原路 1 号',
    });
    assert.equal(res.status, 201, res.body);
    const unit = res.json();
    assert.deepEqual(
      { ...unit, id: undefined },
      {
        id: undefined,
        code: 'SZJ',
        name: '市政工程管理处',
        nameEn: 'Municipal Works',
        kind: 'government',
        districtId: city.districtId,
        phone: '0371-6661234',
        address: '中原路 1 号',
        active: true,
        staff: [],
      },
    );
    const byKind = (await admin.get('/api/v1/units?kind=government')).json().map((u: any) => u.code);
    assert.deepEqual(byKind, ['SZJ', 'U1', 'U2']);
    assert.deepEqual((await admin.get('/api/v1/units?q=市政')).json().map((u: any) => u.code), ['SZJ']);
    assert.deepEqual((await admin.get('/api/v1/units?q=szj')).json().map((u: any) => u.code), ['SZJ']);
    assert.deepEqual(await auditActions(city, unit.id), ['unit.create']);
  });

  test('a unit lists its A/B staff', async () => {
    const u1 = (await admin.get(`/api/v1/units/${city.units.u1}`)).json();
    assert.deepEqual(u1.staff, [{ userId: city.users.unit, username: 'unit', displayName: '测试unit', slot: 'A', phone: '13912345678' }]);
  });

  test('an admin edits a unit, sets or clears fields, and the change is audited', async () => {
    const id = (await admin.post('/api/v1/units', { code: 'EDIT1', name: '待修改', kind: 'enterprise' })).json().id;
    const res = await admin.patch(`/api/v1/units/${id}`, { name: '已修改', phone: '0371-1', districtId: city.districtId, active: false });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().name, '已修改');
    assert.equal(res.json().active, false);
    assert.equal(res.json().districtId, city.districtId);
    const cleared = await admin.patch(`/api/v1/units/${id}`, { phone: null, districtId: null });
    assert.equal(cleared.json().phone, null);
    assert.equal(cleared.json().districtId, null);
    assert.equal(cleared.json().name, '已修改');
    assert.deepEqual(await auditActions(city, id), ['unit.create', 'unit.update', 'unit.update']);
  });

  test('a duplicate code is refused with unit.duplicate_code and changes nothing', async () => {
    const before = await count(city, 'units');
    const res = await admin.post('/api/v1/units', { code: 'U1', name: '重复', kind: 'government' });
    assert.equal(res.status, 409);
    assert.equal(res.json().code, 'unit.duplicate_code');
    assert.equal(await count(city, 'units'), before);
    const rename = await admin.patch(`/api/v1/units/${city.units.u2}`, { code: 'U1', name: '不该改名' });
    assert.equal(rename.json().code, 'unit.duplicate_code');
    const u2 = (await admin.get(`/api/v1/units/${city.units.u2}`)).json();
    assert.equal(u2.code, 'U2');
    assert.equal(u2.name, '单位U2');
  });

  test('an unknown district is refused with reference.unknown and an unknown kind with request.invalid', async () => {
    const before = await count(city, 'units');
    const audits = await count(city, 'audit_events');
    const res = await admin.post('/api/v1/units', { code: 'NODIST', name: '无片区', kind: 'government', districtId: crypto.randomUUID() });
    assert.equal(res.status, 422);
    assert.equal(res.json().code, 'reference.unknown');
    const kind = await admin.post('/api/v1/units', { code: 'BADKIND', name: '错类型', kind: 'charity' });
    assert.equal(kind.status, 400);
    assert.equal(kind.json().code, 'request.invalid');
    assert.equal(await count(city, 'units'), before);
    assert.equal(await count(city, 'audit_events'), audits);
  });

  test('an unknown unit is 404 to read and to edit', async () => {
    const id = crypto.randomUUID();
    assert.equal((await admin.get(`/api/v1/units/${id}`)).json().code, 'resource.not_found');
    const res = await admin.patch(`/api/v1/units/${id}`, { name: 'x' });
    assert.equal(res.status, 404);
  });

  test('a unit user sees only their own unit, and another unit answers 404 like an unknown one', async () => {
    const unit = await as(city, 'unit');
    const list = await unit.get('/api/v1/units');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json().map((u: any) => u.id), [city.units.u1]);
    assert.equal((await unit.get(`/api/v1/units/${city.units.u1}`)).status, 200);
    const other = await unit.get(`/api/v1/units/${city.units.u2}`);
    assert.equal(other.status, 404);
    assert.equal(other.json().code, 'resource.not_found');
    assert.ok(!other.body.includes('U2'));
    const thirdparty = await as(city, 'thirdparty');
    assert.deepEqual((await thirdparty.get('/api/v1/units')).json().map((u: any) => u.id), [city.units.tp]);
    assert.equal((await thirdparty.get(`/api/v1/units/${city.units.u1}`)).status, 404);
  });

  test('staff phone numbers are whole for admin and office and masked for everyone else', async () => {
    const phoneSeenBy = async (who: string) =>
      (await (await as(city, who)).get(`/api/v1/units/${city.units.u1}`)).json().staff[0].phone;
    assert.equal(await phoneSeenBy('admin'), '13912345678');
    assert.equal(await phoneSeenBy('office'), '13912345678');
    assert.equal(await phoneSeenBy('leader'), '139****5678');
    assert.equal(await phoneSeenBy('inspector'), '139****5678');
    assert.equal(await phoneSeenBy('unit'), '139****5678');
  });
});
