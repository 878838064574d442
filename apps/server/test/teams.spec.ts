import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { as, newCity, testDb, type Client, type TestCity } from './harness.ts';

async function count(city: TestCity, table: string) {
  const db = await testDb();
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE city_id = $1`, [city.id]))[0]!.n;
}

describe('teams', () => {
  let city: TestCity;
  let admin: Client;
  const u: Record<string, string> = {};
  /** A full team: inspector leads, expert + expert2 judge, discipline watches, recorder writes. */
  let seats: () => { userId: string; teamRole: string }[];

  before(async () => {
    city = await newCity();
    admin = await as(city, 'admin');
    const person = async (username: string, roles: string[]) => {
      const res = await admin.post('/api/v1/users', { username, displayName: username, password: 'a-good-password', roles });
      assert.equal(res.status, 201, res.body);
      u[username] = res.json().id;
    };
    await person('expert2', ['expert']);
    await person('recorder', ['inspector']);
    await person('inspector2', ['inspector']);
    await person('recorder2', ['inspector']);
    await person('expert3', ['expert']);
    seats = () => [
      { userId: city.users.inspector!, teamRole: 'lead' },
      { userId: city.users.expert!, teamRole: 'expert' },
      { userId: u.expert2!, teamRole: 'expert' },
      { userId: city.users.discipline!, teamRole: 'discipline' },
      { userId: u.recorder!, teamRole: 'recorder' },
    ];
  });

  /** Expects a refusal with `code` that leaves teams, seats and the audit trail as they were. */
  async function refused(send: () => Promise<{ status: number; json: () => any; body: string }>, status: number, code: string) {
    const before = [await count(city, 'teams'), await count(city, 'team_members'), await count(city, 'audit_events')];
    const res = await send();
    assert.equal(res.status, status, res.body);
    assert.equal(res.json().code, code);
    assert.deepEqual([await count(city, 'teams'), await count(city, 'team_members'), await count(city, 'audit_events')], before);
    return res.json();
  }

  test('an admin forms a team of lead, two experts, discipline and recorder', async () => {
    const res = await admin.post('/api/v1/teams', { name: '第一视察组', specialistGroup: 'infrastructure', members: seats().reverse() });
    assert.equal(res.status, 201, res.body);
    const team = res.json();
    assert.equal(team.name, '第一视察组');
    assert.equal(team.specialistGroup, 'infrastructure');
    assert.deepEqual(team.members.map((m: any) => `${m.teamRole}:${m.username}`), ['lead:inspector', 'expert:expert', 'expert:expert2', 'discipline:discipline', 'recorder:recorder']);
    const list = await admin.get('/api/v1/teams');
    assert.deepEqual(list.json().map((t: any) => t.name), ['第一视察组']);
  });

  test('a team short of an expert is refused with team.bad_composition listing the problems', async () => {
    const body = await refused(
      () => admin.post('/api/v1/teams', { name: '缺人组', specialistGroup: 'ecology', members: seats().filter((s) => s.userId !== u.expert2) }),
      422,
      'team.bad_composition',
    );
    assert.deepEqual(body.problems, ['expert: expected 2, got 1']);
    const twice = await refused(
      () =>
        admin.post('/api/v1/teams', {
          name: '一人两席',
          specialistGroup: 'ecology',
          members: seats().map((s) => (s.userId === u.expert2 ? { ...s, userId: city.users.expert! } : s)),
        }),
      422,
      'team.bad_composition',
    );
    assert.ok(twice.problems.some((p: string) => p.includes('more than one seat')));
  });

  test('a person without the seat’s role is refused with team.unfit_member', async () => {
    const body = await refused(
      () =>
        admin.post('/api/v1/teams', {
          name: '错位组',
          specialistGroup: 'ecology',
          members: seats().map((s) => (s.teamRole === 'recorder' ? { ...s, userId: city.users.citizen! } : s)),
        }),
      422,
      'team.unfit_member',
    );
    assert.equal(body.problems.length, 1);
    assert.match(body.problems[0], /recorder/);
    await refused(
      () =>
        admin.post('/api/v1/teams', {
          name: '错位组',
          specialistGroup: 'ecology',
          members: seats().map((s) => (s.teamRole === 'lead' ? { ...s, userId: u.expert3! } : s)),
        }),
      422,
      'team.unfit_member',
    );
  });

  test('an unknown person or a taken name is refused', async () => {
    await refused(
      () =>
        admin.post('/api/v1/teams', {
          name: '幽灵组',
          specialistGroup: 'ecology',
          members: seats().map((s) => (s.teamRole === 'recorder' ? { ...s, userId: crypto.randomUUID() } : s)),
        }),
      422,
      'reference.unknown',
    );
    await refused(() => admin.post('/api/v1/teams', { name: '第一视察组', specialistGroup: 'ecology', members: seats() }), 409, 'team.duplicate_name');
    await refused(() => admin.post('/api/v1/teams', { name: '无组别', specialistGroup: 'sports', members: seats() }), 400, 'request.invalid');
  });

  test('a team is renamed and reseated, and a bad reseat leaves it as it was', async () => {
    const team = (await admin.get('/api/v1/teams')).json()[0];
    const res = await admin.patch(`/api/v1/teams/${team.id}`, {
      name: '第一视察组（调整）',
      members: seats().map((s) => (s.userId === u.expert2 ? { ...s, userId: u.expert3! } : s)),
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().name, '第一视察组（调整）');
    assert.ok(res.json().members.some((m: any) => m.username === 'expert3'));
    assert.ok(!res.json().members.some((m: any) => m.username === 'expert2'));
    const before = (await admin.get(`/api/v1/teams/${team.id}`)).json();
    await refused(() => admin.patch(`/api/v1/teams/${team.id}`, { name: '不该改', members: seats().slice(1) }), 422, 'team.bad_composition');
    assert.deepEqual((await admin.get(`/api/v1/teams/${team.id}`)).json(), before);
  });

  test('an inspector sees only the teams they sit in; office sees them all', async () => {
    const other = await admin.post('/api/v1/teams', {
      name: '第二视察组',
      specialistGroup: 'history_culture',
      members: [
        { userId: u.inspector2!, teamRole: 'lead' },
        { userId: city.users.expert!, teamRole: 'expert' },
        { userId: u.expert2!, teamRole: 'expert' },
        { userId: city.users.discipline!, teamRole: 'discipline' },
        { userId: u.recorder2!, teamRole: 'recorder' },
      ],
    });
    assert.equal(other.status, 201, other.body);
    const inspector = await as(city, 'inspector');
    const mine = (await inspector.get('/api/v1/teams')).json();
    assert.deepEqual(mine.map((t: any) => t.name), ['第一视察组（调整）']);
    const res = await inspector.get(`/api/v1/teams/${other.json().id}`);
    assert.equal(res.status, 404);
    assert.equal((await inspector.get(`/api/v1/teams/${mine[0].id}`)).status, 200);
    const office = await as(city, 'office');
    assert.equal((await office.get('/api/v1/teams')).json().length, 2);
  });

  test('a team is disbanded with its seats, audited, and is then gone', async () => {
    const id = (await admin.get('/api/v1/teams')).json().find((t: any) => t.name === '第二视察组').id;
    const seatsBefore = await count(city, 'team_members');
    const res = await admin.delete(`/api/v1/teams/${id}`);
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
    assert.equal(await count(city, 'team_members'), seatsBefore - 5);
    assert.equal((await admin.get(`/api/v1/teams/${id}`)).status, 404);
    assert.equal((await admin.delete(`/api/v1/teams/${id}`)).status, 404);
    const db = await testDb();
    const actions = (await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE city_id = $1 AND target_id = $2 ORDER BY seq`, [city.id, id])).map((r) => r.action);
    assert.deepEqual(actions, ['team.create', 'team.delete']);
  });
});
