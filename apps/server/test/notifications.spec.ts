import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { anonymous, as, newCity, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';

const problemOf = async (city: TestCity, ticket: string) =>
  (await (await testDb()).query<{ problem_id: string }>(`SELECT problem_id FROM reports WHERE city_id = $1 AND ticket = $2`, [city.id, ticket]))[0]!.problem_id;

describe('notifications', () => {
  let city: TestCity;
  let citizen: Client;
  before(async () => {
    city = await newCity();
    await giveDuties(city);
    citizen = await as(city, 'citizen');
  });

  test('a signed-in reporter is told when someone else reports the same problem, and the newcomer that theirs joined it', async () => {
    const first = await citizen.post('/api/v1/reports', { text: '小区门口下水道堵塞，污水外溢，臭味很大', lng: 113.6105, lat: 34.7105, mediaIds: [] });
    assert.equal(first.status, 201, first.body);
    assert.equal((await citizen.get('/api/v1/notifications')).json().unread, 0);

    const inspector = await as(city, 'inspector');
    const second = await inspector.post('/api/v1/reports', { text: '门口下水道堵塞了，污水外溢很臭', lng: 113.61052, lat: 34.71051, mediaIds: [] });
    assert.equal(second.status, 201, second.body);
    assert.equal(second.json().merged, true);

    const mine = (await citizen.get('/api/v1/notifications')).json();
    assert.equal(mine.unread, 1);
    assert.equal(mine.items[0].kind, 'problem.report_added');
    assert.equal(mine.items[0].problemId, await problemOf(city, first.json().ticket));
    const theirs = (await inspector.get('/api/v1/notifications')).json();
    assert.deepEqual(theirs.items.map((n: any) => n.kind), ['problem.merged']);

    const read = await citizen.post(`/api/v1/notifications/${mine.items[0].id}/read`);
    assert.equal(read.status, 204);
    assert.equal((await citizen.get('/api/v1/notifications')).json().unread, 0);
    // Someone else's notification is not found, never marked.
    assert.equal((await inspector.post(`/api/v1/notifications/${mine.items[0].id}/read`)).status, 404);
  });

  test('when the office merges two problems, their signed-in reporters are told', async () => {
    const a = await citizen.post('/api/v1/reports', { text: '路灯不亮，晚上很黑', lng: 113.64, lat: 34.74, mediaIds: [] });
    const b = await (await as(city, 'unit')).post('/api/v1/reports', { text: '人行道井盖缺失，很危险', lng: 113.66, lat: 34.72, mediaIds: [] });
    assert.equal(a.status, 201, a.body);
    assert.equal(b.status, 201, b.body);
    const office = await as(city, 'office');
    const merged = await office.post(`/api/v1/problems/${await problemOf(city, b.json().ticket)}/merge`, { intoProblemId: await problemOf(city, a.json().ticket) });
    assert.equal(merged.status, 200, merged.body);
    const kinds = (await citizen.get('/api/v1/notifications?unreadOnly=true')).json().items.map((n: any) => n.kind);
    assert.deepEqual(kinds, ['problem.merged']);
    const unitKinds = (await (await as(city, 'unit')).get('/api/v1/notifications')).json().items.map((n: any) => n.kind);
    assert.deepEqual(unitKinds, ['problem.merged']);
  });

  test('an anonymous caller has no notifications to read', async () => {
    const res = await (await anonymous(city)).get('/api/v1/notifications');
    assert.equal(res.status, 401);
  });
});
