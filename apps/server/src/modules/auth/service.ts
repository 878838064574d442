import { hash, verify } from '@node-rs/argon2';
import { afterFailedLogin, isLocked } from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import { newToken, sha256, SESSION_DAYS } from '../../http/auth.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { cityIdByCode } from '../city/queries.ts';
import { deleteSession, deleteSessionsOfUser, insertSession, setLoginFailures, userForLogin } from './queries.ts';
import type { LoginBodyT, MeT } from './schemas.ts';

// @node-rs/argon2 defaults to argon2id; these are OWASP's minimum parameters for it.
const argonOptions = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

// A real hash to verify against when the user does not exist, so timing does not tell.
let dummyHash: Promise<string> | null = null;

export async function login(
  db: Db,
  body: LoginBodyT,
  ctx: { defaultCityId: string; ip: string },
): Promise<{ cityId: string; token: string; me: MeT }> {
  let cityId = ctx.defaultCityId;
  if (body.city) {
    const id = await cityIdByCode(db, body.city);
    if (!id) throw new AppError('auth.invalid_credentials');
    cityId = id;
  }
  const user = await userForLogin(db, cityId, body.username);
  const anonymous: Actor = { kind: 'anonymous', cityId, roles: [] };
  const now = new Date();
  if (!user || !user.active) {
    dummyHash ??= hashPassword('not-a-real-password');
    await verify(await dummyHash, body.password).catch(() => false);
    throw new AppError('auth.invalid_credentials');
  }
  if (isLocked(user.locked_until, now)) throw new AppError('auth.account_locked', { lockedUntil: user.locked_until });
  const ok = await verify(user.password_hash, body.password).catch(() => false);
  if (!ok) {
    const next = afterFailedLogin(user.failed_logins, now);
    await db.tx(async (q) => {
      await setLoginFailures(q, cityId, user.id, next.failures, next.lockedUntil);
      await recordAudit(q, anonymous, {
        action: next.lockedUntil ? 'auth.locked' : 'auth.login_failed',
        targetType: 'user',
        targetId: user.id,
        details: { username: user.username },
        ip: ctx.ip,
      });
    });
    throw next.lockedUntil ? new AppError('auth.account_locked', { lockedUntil: next.lockedUntil }) : new AppError('auth.invalid_credentials');
  }
  const token = newToken();
  const csrfToken = newToken(24);
  await db.tx(async (q) => {
    await setLoginFailures(q, cityId, user.id, 0, null);
    await insertSession(q, {
      cityId,
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken,
      expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
    });
    await recordAudit(q, { ...anonymous }, { action: 'auth.login', targetType: 'user', targetId: user.id, details: { username: user.username }, ip: ctx.ip });
  });
  return {
    cityId,
    token,
    me: {
      kind: 'user',
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      roles: user.roles,
      unitId: user.unit_id,
      cityId,
      csrfToken,
    },
  };
}

export async function logout(db: Db, actor: Actor, token: string | null, ip: string): Promise<void> {
  if (actor.kind !== 'user' || !token) return;
  await db.tx(async (q) => {
    await deleteSession(q, actor.cityId, sha256(token));
    await recordAudit(q, actor, { action: 'auth.logout', targetType: 'user', targetId: actor.userId, ip });
  });
}

export function me(actor: Actor): MeT {
  if (actor.kind === 'user') {
    return {
      kind: 'user',
      id: actor.userId,
      username: actor.username,
      displayName: actor.displayName,
      roles: actor.roles,
      unitId: actor.unitId,
      cityId: actor.cityId,
      csrfToken: actor.csrfToken,
    };
  }
  if (actor.kind === 'apikey') {
    return { kind: 'apikey', id: actor.keyId, username: actor.name, displayName: actor.name, roles: actor.roles, unitId: null, cityId: actor.cityId, csrfToken: null };
  }
  throw new AppError('auth.required');
}

/** Signs a user out everywhere: after a password, role or activation change. */
export async function endAllSessions(q: Queryable, cityId: string, userId: string): Promise<void> {
  await deleteSessionsOfUser(q, cityId, userId);
}
