import type { Queryable } from '../../db/index.ts';
import type { UserRole } from '@cityloop/domain';

export interface LoginUserRow {
  id: string;
  username: string;
  display_name: string;
  roles: UserRole[];
  unit_id: string | null;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
  active: boolean;
}

export async function userForLogin(q: Queryable, cityId: string, username: string): Promise<LoginUserRow | undefined> {
  const rows = await q.query<LoginUserRow>(
    `SELECT id, username, display_name, roles, unit_id, password_hash, failed_logins, locked_until, active
       FROM users WHERE city_id = $1 AND username = $2`,
    [cityId, username],
  );
  return rows[0];
}

export async function setLoginFailures(q: Queryable, cityId: string, userId: string, failures: number, lockedUntil: Date | null) {
  await q.query(`UPDATE users SET failed_logins = $3, locked_until = $4 WHERE city_id = $1 AND id = $2`, [
    cityId,
    userId,
    failures,
    lockedUntil,
  ]);
}

export async function insertSession(
  q: Queryable,
  s: { cityId: string; tokenHash: string; userId: string; csrfToken: string; expiresAt: Date },
) {
  await q.query(
    `INSERT INTO sessions (city_id, token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [s.cityId, s.tokenHash, s.userId, s.csrfToken, s.expiresAt],
  );
  // Expired sessions of this user go when a new one is made; nothing else needs them.
  await q.query(`DELETE FROM sessions WHERE city_id = $1 AND user_id = $2 AND expires_at < now()`, [s.cityId, s.userId]);
}

export async function deleteSession(q: Queryable, cityId: string, tokenHash: string) {
  await q.query(`DELETE FROM sessions WHERE city_id = $1 AND token_hash = $2`, [cityId, tokenHash]);
}

export async function deleteSessionsOfUser(q: Queryable, cityId: string, userId: string) {
  await q.query(`DELETE FROM sessions WHERE city_id = $1 AND user_id = $2`, [cityId, userId]);
}
