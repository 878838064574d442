import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seatProblems, seesOnlyOwnTeams, seesOnlyOwnUnit, teamCompositionProblems, type TeamMemberRef } from '../src/index.ts';

const fullTeam: TeamMemberRef[] = [
  { userId: 'lead', teamRole: 'lead' },
  { userId: 'e1', teamRole: 'expert' },
  { userId: 'e2', teamRole: 'expert' },
  { userId: 'd', teamRole: 'discipline' },
  { userId: 'r', teamRole: 'recorder' },
];

test('a team of one lead, two experts, one discipline member and one recorder has no problems', () => {
  assert.deepEqual(teamCompositionProblems(fullTeam), []);
  assert.deepEqual(teamCompositionProblems([...fullTeam].reverse()), []);
});

test('a missing expert and a second lead are both reported', () => {
  const team = fullTeam.filter((m) => m.userId !== 'e2').concat({ userId: 'lead2', teamRole: 'lead' });
  assert.deepEqual(teamCompositionProblems(team), ['lead: expected 1, got 2', 'expert: expected 2, got 1']);
});

test('an empty team lacks every seat', () => {
  assert.equal(teamCompositionProblems([]).length, 4);
});

test('one person in two seats is reported even when the seat counts are right', () => {
  const team = fullTeam.map((m) => (m.userId === 'e2' ? { ...m, userId: 'e1' } : m));
  assert.deepEqual(teamCompositionProblems(team), ['user e1 holds more than one seat']);
});

test('leads and recorders are inspectors, experts experts, and the discipline seat a discipline officer', () => {
  const fits = [
    { userId: 'a', teamRole: 'lead' as const, roles: ['inspector' as const] },
    { userId: 'b', teamRole: 'recorder' as const, roles: ['citizen' as const, 'inspector' as const] },
    { userId: 'c', teamRole: 'expert' as const, roles: ['expert' as const] },
    { userId: 'd', teamRole: 'discipline' as const, roles: ['discipline' as const] },
  ];
  assert.deepEqual(seatProblems(fits), []);
  const misfits = seatProblems([
    { userId: 'x', teamRole: 'lead', roles: ['expert'] },
    { userId: 'y', teamRole: 'discipline', roles: ['admin', 'office'] },
    { userId: 'z', teamRole: 'expert', roles: [] },
  ]);
  assert.equal(misfits.length, 3);
  assert.match(misfits[0]!, /user x cannot sit as lead/);
});

test('unit staff and third parties see only their own unit; anyone with a city-wide role sees all', () => {
  assert.equal(seesOnlyOwnUnit(['unit']), true);
  assert.equal(seesOnlyOwnUnit(['thirdparty']), true);
  assert.equal(seesOnlyOwnUnit(['unit', 'citizen']), true);
  assert.equal(seesOnlyOwnUnit(['unit', 'office']), false);
  assert.equal(seesOnlyOwnUnit(['inspector']), false);
});

test('an inspector sees only their own teams unless they also hold a city-wide role', () => {
  assert.equal(seesOnlyOwnTeams(['inspector']), true);
  assert.equal(seesOnlyOwnTeams(['inspector', 'expert']), true);
  assert.equal(seesOnlyOwnTeams(['inspector', 'leader']), false);
  assert.equal(seesOnlyOwnTeams(['discipline']), false);
});
