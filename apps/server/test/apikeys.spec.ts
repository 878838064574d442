import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { as, newCity, testDb, withApiKey, type Client, type TestCity } from './harness.ts';

async function keyRows(city: TestCity) {
  const db = await testDb();
  return db.query<{ id: string; key_hash: string; revoked_at: Date | null }>(`SELECT id, key_hash, revoked_at FROM api_keys WHERE city_id = $1`, [city.id]);
}

describe('api keys', () => {
  let city: TestCity;
  let admin: Client;
  let made: any;
  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
  });

  test('an admin makes a key, sees it once, and only its hash is stored', async () => {
    const res = await admin.post('/api/v1/api-keys', { name: '12345 热线', scopes: ['open311.post', 'sensor.post'] });
    assert.equal(res.status, 201, res.body);
    made = res.json();
    assert.match(made.key, /^clk_[A-Za-z0-9_-]{40,}$/);
    assert.ok(made.key.startsWith(made.prefix));
    assert.deepEqual(made.scopes, ['open311.post', 'sensor.post']);
    assert.equal(made.revokedAt, null);
    assert.equal(made.lastUsedAt, null);
    const rows = await keyRows(city);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.key_hash, crypto.createHash('sha256').update(made.key).digest('hex'));
    const list = await admin.get('/api/v1/api-keys');
    assert.ok(!list.body.includes(made.key));
    assert.ok(!list.body.includes(rows[0]!.key_hash));
    const { key: _key, ...listed } = made;
    assert.deepEqual(list.json(), [listed]);
    const db = await testDb();
    const audit = await db.query<{ action: string; details: unknown }>(`SELECT action, details FROM audit_events WHERE city_id = $1 AND target_id = $2`, [city.id, made.id]);
    assert.equal(audit[0]!.action, 'apikey.create');
    assert.ok(!JSON.stringify(audit).includes(made.key));
  });

  test('the key signs an integration in and its use is recorded', async () => {
    const me = await (await withApiKey(city, made.key)).get('/api/v1/auth/me');
    assert.equal(me.status, 200, me.body);
    assert.equal(me.json().kind, 'apikey');
    assert.deepEqual(me.json().roles, ['integration']);
    const listed = (await admin.get('/api/v1/api-keys')).json()[0];
    assert.ok(listed.lastUsedAt !== null);
  });

  test('a revoked key gets 401 auth.invalid_api_key at once', async () => {
    const res = await admin.delete(`/api/v1/api-keys/${made.id}`);
    assert.equal(res.status, 204);
    const me = await (await withApiKey(city, made.key)).get('/api/v1/auth/me');
    assert.equal(me.status, 401);
    assert.equal(me.json().code, 'auth.invalid_api_key');
    const listed = (await admin.get('/api/v1/api-keys')).json()[0];
    assert.ok(listed.revokedAt !== null);
    assert.equal((await admin.delete(`/api/v1/api-keys/${made.id}`)).status, 204);
    assert.equal((await admin.get('/api/v1/api-keys')).json()[0].revokedAt, listed.revokedAt);
    const db = await testDb();
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 ORDER BY seq`, [city.id, made.id])).map((r) => r.action);
    assert.deepEqual(actions, ['apikey.create', 'apikey.revoke']);
  });

  test('a made-up key gets 401 even on public endpoints', async () => {
    const res = await (await withApiKey(city, 'clk_not-a-real-key')).get('/api/v1/city');
    assert.equal(res.status, 401);
    assert.equal(res.json().code, 'auth.invalid_api_key');
  });

  test('an unknown scope or no scope at all is refused and makes no key; an unknown key is 404', async () => {
    const before = (await keyRows(city)).length;
    for (const scopes of [['admin.everything'], [], ['open311.post', 'open311.post']]) {
      const res = await admin.post('/api/v1/api-keys', { name: 'bad', scopes });
      assert.equal(res.status, 400, JSON.stringify(scopes));
      assert.equal(res.json().code, 'request.invalid');
    }
    assert.equal((await keyRows(city)).length, before);
    assert.equal((await admin.delete(`/api/v1/api-keys/${crypto.randomUUID()}`)).status, 404);
  });
});
