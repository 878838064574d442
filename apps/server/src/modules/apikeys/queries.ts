import type { Queryable } from '../../db/index.ts';
import type { ApiKeyScope } from '@cityloop/domain';

export interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  scopes: ApiKeyScope[];
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

// key_hash is never selected: it is only ever compared, in http/auth.ts.
const cols = `id, name, key_prefix, scopes, created_at, last_used_at, revoked_at`;

export async function listApiKeys(q: Queryable, cityId: string): Promise<ApiKeyRow[]> {
  return q.query<ApiKeyRow>(`SELECT ${cols} FROM api_keys WHERE city_id = $1 ORDER BY created_at, id`, [cityId]);
}

export async function apiKeyById(q: Queryable, cityId: string, id: string): Promise<ApiKeyRow | undefined> {
  return (await q.query<ApiKeyRow>(`SELECT ${cols} FROM api_keys WHERE city_id = $1 AND id = $2`, [cityId, id]))[0];
}

export async function insertApiKey(q: Queryable, cityId: string, k: { name: string; prefix: string; hash: string; scopes: string[] }): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO api_keys (city_id, name, key_prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5::text[]) RETURNING id`,
    [cityId, k.name, k.prefix, k.hash, k.scopes],
  );
  return rows[0]!.id;
}

/** Revokes once; a second revoke keeps the first date. */
export async function revokeApiKey(q: Queryable, cityId: string, id: string): Promise<void> {
  await q.query(`UPDATE api_keys SET revoked_at = now() WHERE city_id = $1 AND id = $2 AND revoked_at IS NULL`, [cityId, id]);
}
