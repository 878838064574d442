import { apiKeyPrefix } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import { newToken, sha256 } from '../../http/auth.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { apiKeyById, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from './queries.ts';
import type { ApiKeyCreateBodyT, ApiKeyT, NewApiKeyT } from './schemas.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toApiKey(r: ApiKeyRow): ApiKeyT {
  return {
    id: r.id,
    name: r.name,
    prefix: r.key_prefix,
    scopes: r.scopes,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  };
}

export async function apiKeyList(db: Db, actor: Actor): Promise<ApiKeyT[]> {
  return (await listApiKeys(db, actor.cityId)).map(toApiKey);
}

/** Makes a key and shows it this once; the database keeps only its SHA-256, as http/auth.ts looks it up. */
export async function createApiKey(db: Db, actor: Actor, body: ApiKeyCreateBodyT, ip: string): Promise<NewApiKeyT> {
  const key = `${apiKeyPrefix}${newToken()}`;
  const prefix = key.slice(0, apiKeyPrefix.length + 6);
  return db.tx(async (q) => {
    const id = await insertApiKey(q, actor.cityId, { name: body.name, prefix, hash: sha256(key), scopes: body.scopes });
    await recordAudit(q, actor, { action: 'apikey.create', targetType: 'apikey', targetId: id, details: { name: body.name, prefix, scopes: body.scopes }, ip });
    return { ...toApiKey((await apiKeyById(q, actor.cityId, id))!), key };
  });
}

export async function revokeKey(db: Db, actor: Actor, id: string, ip: string): Promise<void> {
  await db.tx(async (q) => {
    const before = await apiKeyById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    if (before.revoked_at !== null) return;
    await revokeApiKey(q, actor.cityId, id);
    await recordAudit(q, actor, { action: 'apikey.revoke', targetType: 'apikey', targetId: id, details: { name: before.name, prefix: before.key_prefix }, ip });
  });
}
