import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAllowed, isPublic, type Permission, type UserRole } from '@cityloop/domain';
import { one, type Db } from '../db/index.ts';
import { AppError } from './errors.ts';
import type { Actor } from './actor.ts';

export const SESSION_COOKIE = 'cl_session';
export const SESSION_DAYS = 7;

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function newToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** The cookie carries the city so a session is found by its full key (city_id, token_hash). */
export function sessionCookieValue(cityId: string, token: string): string {
  return `${cityId}.${token}`;
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function userFromSession(db: Db, cookie: string): Promise<Actor | null> {
  const dot = cookie.indexOf('.');
  const cityId = cookie.slice(0, dot);
  const token = cookie.slice(dot + 1);
  if (dot < 0 || !uuidRe.test(cityId) || token.length < 20) return null;
  const row = await one<{
    user_id: string;
    username: string;
    display_name: string;
    roles: UserRole[];
    unit_id: string | null;
    csrf_token: string;
  }>(
    db,
    `SELECT u.id AS user_id, u.username, u.display_name, u.roles, u.unit_id, s.csrf_token
       FROM sessions s JOIN users u ON u.city_id = s.city_id AND u.id = s.user_id
      WHERE s.city_id = $1 AND s.token_hash = $2 AND s.expires_at > now() AND u.active`,
    [cityId, sha256(token)],
  );
  if (!row) return null;
  return {
    kind: 'user',
    cityId,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    unitId: row.unit_id,
    csrfToken: row.csrf_token,
  };
}

async function actorFromApiKey(db: Db, key: string): Promise<Actor> {
  const row = await one<{ city_id: string; id: string; name: string; scopes: string[] }>(
    db,
    `UPDATE api_keys SET last_used_at = now()
      WHERE key_hash = $1 AND revoked_at IS NULL
      RETURNING city_id, id, name, scopes`,
    [sha256(key)],
  );
  if (!row) throw new AppError('auth.invalid_api_key');
  return { kind: 'apikey', cityId: row.city_id, keyId: row.id, name: row.name, roles: ['integration'], scopes: row.scopes };
}

function apiKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return null;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the actor and enforces the route's permission. Runs in `onRequest`,
 * before the body is parsed or validated, so a caller without the role gets
 * 401/403 and never learns the schema from a 400.
 */
export function authHook(db: Db, resolveCityId: (request: FastifyRequest) => Promise<string>) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const permission = request.routeOptions.config?.permission as Permission | undefined;
    if (!permission) return; // static files and docs: no data behind them
    const key = apiKeyOf(request);
    const cookie = request.cookies[SESSION_COOKIE];
    let actor: Actor | null = null;
    if (key) actor = await actorFromApiKey(db, key);
    else if (cookie) actor = await userFromSession(db, cookie);
    // Login itself needs no token: it makes the session the token belongs to.
    if (actor?.kind === 'user' && !safeMethods.has(request.method) && permission !== 'auth.login') {
      if (request.headers['x-csrf-token'] !== actor.csrfToken) throw new AppError('auth.csrf');
    }
    if (!actor) {
      if (cookie) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      if (!isPublic(permission)) throw new AppError('auth.required');
      actor = { kind: 'anonymous', cityId: await resolveCityId(request), roles: [] };
    }
    if (!isAllowed(permission, actor.roles)) throw new AppError('auth.forbidden');
    request.actor = actor;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    permission?: Permission;
  }
}
