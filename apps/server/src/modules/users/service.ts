import { isAcceptablePassword, phoneFor, type UserRole } from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { endAllSessions, hashPassword } from '../auth/service.ts';
import {
  areaLevels,
  insertUser,
  listUsers,
  setLeaderDistricts,
  setPasswordHash,
  updateUser,
  userById,
  usersByIds,
  type UserRow,
} from './queries.ts';
import type { UserCreateBodyT, UserListQueryT, UserT, UserUpdateBodyT } from './schemas.ts';

function toUser(actor: Actor, r: UserRow): UserT {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    phone: phoneFor('user', actor.roles, r.phone),
    roles: r.roles,
    unitId: r.unit_id,
    staffSlot: r.staff_slot,
    active: r.active,
    districtIds: r.district_ids,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function userList(db: Db, actor: Actor, query: UserListQueryT): Promise<UserT[]> {
  return (await listUsers(db, actor.cityId, query)).map((r) => toUser(actor, r));
}

export async function getUser(db: Db, actor: Actor, id: string): Promise<UserT> {
  const row = await userById(db, actor.cityId, id);
  if (!row) throw new AppError('resource.not_found');
  return toUser(actor, row);
}

/** The rules a user record must satisfy as a whole, checked before anything is written. */
async function checkAccount(
  q: Queryable,
  cityId: string,
  u: { roles: readonly UserRole[]; unitId: string | null; staffSlot: string | null; districtIds: readonly string[] | undefined; hadDistricts: boolean },
) {
  if ((u.roles.includes('unit') || u.staffSlot !== null) && u.unitId === null) throw new AppError('user.unit_required');
  const leads = u.districtIds !== undefined ? u.districtIds.length > 0 : u.hadDistricts;
  if (leads && !u.roles.includes('leader')) throw new AppError('user.not_leader');
  if (u.districtIds && u.districtIds.length > 0) {
    const found = await areaLevels(q, cityId, [...u.districtIds]);
    const bad = u.districtIds.filter((id) => found.find((a) => a.id === id)?.level !== 'district');
    if (bad.length > 0) throw new AppError('user.district_required', { areaIds: bad });
  }
}

export async function createUser(db: Db, actor: Actor, body: UserCreateBodyT, ip: string): Promise<UserT> {
  if (!isAcceptablePassword(body.password)) throw new AppError('user.weak_password');
  const input = { roles: body.roles, unitId: body.unitId ?? null, staffSlot: body.staffSlot ?? null, districtIds: body.districtIds, hadDistricts: false };
  await checkAccount(db, actor.cityId, input);
  // argon2 is slow on purpose: hash before the transaction, which PGlite holds exclusively.
  const passwordHash = await hashPassword(body.password);
  const id = await db.tx(async (q) => {
    const id = await insertUser(q, actor.cityId, {
      username: body.username,
      displayName: body.displayName,
      phone: body.phone ?? null,
      passwordHash,
      roles: body.roles,
      unitId: input.unitId,
      staffSlot: input.staffSlot === null ? null : (input.staffSlot as 'A' | 'B'),
    });
    if (body.districtIds?.length) await setLeaderDistricts(q, actor.cityId, id, body.districtIds);
    const { password: _secret, phone: _phone, ...details } = body;
    await recordAudit(q, actor, { action: 'user.create', targetType: 'user', targetId: id, details, ip });
    return id;
  });
  return getUser(db, actor, id);
}

export async function editUser(db: Db, actor: Actor, id: string, patch: UserUpdateBodyT, ip: string): Promise<UserT> {
  if (patch.password !== undefined && !isAcceptablePassword(patch.password)) throw new AppError('user.weak_password');
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  await db.tx(async (q) => {
    const before = await userById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    const after = {
      display_name: patch.displayName ?? before.display_name,
      phone: patch.phone !== undefined ? patch.phone : before.phone,
      roles: patch.roles ?? before.roles,
      unit_id: patch.unitId !== undefined ? patch.unitId : before.unit_id,
      staff_slot: patch.staffSlot !== undefined ? patch.staffSlot : before.staff_slot,
      active: patch.active ?? before.active,
    };
    await checkAccount(q, actor.cityId, {
      roles: after.roles,
      unitId: after.unit_id,
      staffSlot: after.staff_slot,
      districtIds: patch.districtIds,
      hadDistricts: before.district_ids.length > 0,
    });
    await updateUser(q, actor.cityId, id, after);
    if (passwordHash) await setPasswordHash(q, actor.cityId, id, passwordHash);
    if (patch.districtIds) await setLeaderDistricts(q, actor.cityId, id, patch.districtIds);
    const rolesChanged = patch.roles !== undefined && [...patch.roles].sort().join() !== [...before.roles].sort().join();
    // A removed role or a deactivated account must stop working now, not when the session expires.
    const signOut = rolesChanged || passwordHash !== null || (before.active && !after.active);
    if (signOut) await endAllSessions(q, actor.cityId, id);
    const { password: _secret, phone: _phone, ...rest } = patch;
    await recordAudit(q, actor, {
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      details: {
        ...rest,
        ...(patch.password !== undefined && { passwordChanged: true }),
        ...(patch.phone !== undefined && { phoneChanged: true }),
        ...(rolesChanged && { rolesBefore: before.roles }),
        signedOut: signOut,
      },
      ip,
    });
  });
  return getUser(db, actor, id);
}

export interface SeatHolder {
  id: string;
  username: string;
  displayName: string;
  /** an inactive account holds no role for seating purposes */
  roles: UserRole[];
}

/** For other modules seating people (teams): the users among `ids`, with the roles they can act in. */
export async function usersForSeats(db: Queryable, cityId: string, ids: string[]): Promise<SeatHolder[]> {
  return (await usersByIds(db, cityId, ids)).map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    roles: u.active ? u.roles : [],
  }));
}
