import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowed, isPublic, permissions, rolesFor, userRoles, type Permission, type Role } from '../src/index.ts';

test('a public permission is allowed to someone holding no role at all', () => {
  assert.equal(isAllowed('area.read', []), true);
  assert.equal(isPublic('area.read'), true);
  assert.equal(isPublic('auth.login'), true);
});

test('a staff permission is refused to someone holding no role', () => {
  assert.equal(isAllowed('unit.read', []), false);
  assert.equal(isPublic('unit.read'), false);
});

test('holding any one of the listed roles is enough, among others that are not listed', () => {
  assert.equal(isAllowed('user.read', ['citizen', 'office']), true);
  assert.equal(isAllowed('user.read', ['citizen', 'leader']), false);
});

test('only admins manage users, units, teams, experts and API keys', () => {
  for (const p of ['user.manage', 'unit.manage', 'team.manage', 'expert.manage', 'apikey.manage'] as const) {
    assert.deepEqual([...rolesFor(p)], ['admin'], p);
  }
});

test('user accounts are readable by admin and office only (a fixed point)', () => {
  assert.deepEqual([...rolesFor('user.read')].sort(), ['admin', 'office']);
});

test('an integration key can sign out and ask who it is, but reads no staff data', () => {
  assert.equal(isAllowed('auth.me', ['integration']), true);
  for (const p of ['unit.read', 'user.read', 'team.read', 'expert.read', 'audit.read', 'settings.read'] as const) {
    assert.equal(isAllowed(p, ['integration']), false, p);
  }
});

test('citizens read no staff data and discipline reads the audit trail', () => {
  // Their own session and their own notifications are a citizen's; everything else signed-in is staff data.
  const own: string[] = ['auth.logout', 'auth.me', 'notification.read'];
  const staffOnly = (Object.keys(permissions) as Permission[]).filter((p) => !isPublic(p) && !own.includes(p));
  for (const p of staffOnly) assert.equal(isAllowed(p, ['citizen']), false, p);
  assert.equal(isAllowed('audit.read', ['discipline']), true);
});

test('every permission lists only known roles, and never public next to others', () => {
  const known: Role[] = [...userRoles, 'integration', 'public'];
  for (const [p, roles] of Object.entries(permissions)) {
    const list = roles as readonly Role[];
    assert.ok(list.length > 0, p);
    assert.ok(list.every((r) => known.includes(r)), p);
    if (list.includes('public')) assert.equal(list.length, 1, p);
  }
});
