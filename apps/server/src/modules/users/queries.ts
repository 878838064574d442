import type { Queryable } from '../../db/index.ts';
import type { AreaLevel, StaffSlot, UserRole } from '@cityloop/domain';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  roles: UserRole[];
  unit_id: string | null;
  staff_slot: StaffSlot | null;
  active: boolean;
  created_at: Date | string;
  district_ids: string[];
}

// password_hash is never selected here: it stays in the auth module's login query.
const select = `
  SELECT u.id, u.username, u.display_name, u.phone, u.roles, u.unit_id, u.staff_slot, u.active, u.created_at,
         COALESCE((SELECT array_agg(ld.area_id::text ORDER BY ld.area_id)
                     FROM leader_districts ld WHERE ld.city_id = u.city_id AND ld.user_id = u.id), ARRAY[]::text[]) AS district_ids
    FROM users u`;

export async function listUsers(
  q: Queryable,
  cityId: string,
  f: { role?: string | undefined; unitId?: string | undefined; q?: string | undefined },
): Promise<UserRow[]> {
  return q.query<UserRow>(
    `${select}
      WHERE u.city_id = $1
        AND ($2::text IS NULL OR $2 = ANY(u.roles))
        AND ($3::uuid IS NULL OR u.unit_id = $3)
        AND ($4::text IS NULL OR strpos(lower(u.username), lower($4)) > 0 OR strpos(lower(u.display_name), lower($4)) > 0)
      ORDER BY u.username`,
    [cityId, f.role ?? null, f.unitId ?? null, f.q ?? null],
  );
}

export async function userById(q: Queryable, cityId: string, id: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>(`${select} WHERE u.city_id = $1 AND u.id = $2`, [cityId, id]))[0];
}

/** Many users at once, for other modules checking references (team seats, experts). */
export async function usersByIds(q: Queryable, cityId: string, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return q.query<UserRow>(`${select} WHERE u.city_id = $1 AND u.id = ANY($2::uuid[])`, [cityId, ids]);
}

export async function areaLevels(q: Queryable, cityId: string, ids: string[]): Promise<{ id: string; level: AreaLevel }[]> {
  if (ids.length === 0) return [];
  return q.query(`SELECT id, level FROM areas WHERE city_id = $1 AND id = ANY($2::uuid[])`, [cityId, ids]);
}

export async function insertUser(
  q: Queryable,
  cityId: string,
  u: { username: string; displayName: string; phone: string | null; passwordHash: string; roles: UserRole[]; unitId: string | null; staffSlot: StaffSlot | null },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO users (city_id, username, display_name, phone, password_hash, roles, unit_id, staff_slot)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8) RETURNING id`,
    [cityId, u.username, u.displayName, u.phone, u.passwordHash, u.roles, u.unitId, u.staffSlot],
  );
  return rows[0]!.id;
}

export async function updateUser(
  q: Queryable,
  cityId: string,
  id: string,
  u: { display_name: string; phone: string | null; roles: UserRole[]; unit_id: string | null; staff_slot: StaffSlot | null; active: boolean },
): Promise<void> {
  await q.query(
    `UPDATE users SET display_name = $3, phone = $4, roles = $5::text[], unit_id = $6, staff_slot = $7, active = $8, updated_at = now()
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, u.display_name, u.phone, u.roles, u.unit_id, u.staff_slot, u.active],
  );
}

/** A new password also lifts a lock-out: the admin who sets it has vouched for the person. */
export async function setPasswordHash(q: Queryable, cityId: string, id: string, passwordHash: string): Promise<void> {
  await q.query(`UPDATE users SET password_hash = $3, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE city_id = $1 AND id = $2`, [
    cityId,
    id,
    passwordHash,
  ]);
}

export async function setLeaderDistricts(q: Queryable, cityId: string, userId: string, areaIds: string[]): Promise<void> {
  await q.query(`DELETE FROM leader_districts WHERE city_id = $1 AND user_id = $2`, [cityId, userId]);
  if (areaIds.length === 0) return;
  await q.query(
    `INSERT INTO leader_districts (city_id, user_id, area_id) SELECT $1, $2, a FROM unnest($3::uuid[]) AS a`,
    [cityId, userId, areaIds],
  );
}
