import type { Queryable } from '../../db/index.ts';

export interface AuditRow {
  seq: number;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export async function lockAuditChain(q: Queryable, cityId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('audit:' || $1::text))`, [cityId]);
}

export async function lastAuditHash(q: Queryable, cityId: string): Promise<{ seq: number; hash: string } | undefined> {
  const rows = await q.query<{ seq: number; hash: string }>(
    `SELECT seq::int AS seq, hash FROM audit_events WHERE city_id = $1 ORDER BY seq DESC LIMIT 1`,
    [cityId],
  );
  return rows[0];
}

/** Appends chained rows in one statement (all of one city, one instant). */
export async function insertAudit(q: Queryable, rows: (Omit<AuditRow, 'at'> & { city_id: string; at: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO audit_events (city_id, seq, at, actor_id, actor_label, action, target_type, target_id, details, ip, prev_hash, hash)
     SELECT $1, u.seq, $2::timestamptz, $3::uuid, $4, u.action, u.target_type, u.target_id, u.details::jsonb, u.ip, u.prev_hash, u.hash
       FROM unnest($5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
            AS u(seq, action, target_type, target_id, details, ip, prev_hash, hash)`,
    [
      rows[0]!.city_id,
      rows[0]!.at,
      rows[0]!.actor_id,
      rows[0]!.actor_label,
      rows.map((r) => r.seq),
      rows.map((r) => r.action),
      rows.map((r) => r.target_type),
      rows.map((r) => r.target_id),
      rows.map((r) => JSON.stringify(r.details)),
      rows.map((r) => r.ip),
      rows.map((r) => r.prev_hash),
      rows.map((r) => r.hash),
    ],
  );
}

export async function listAudit(
  q: Queryable,
  cityId: string,
  opts: { limit: number; beforeSeq?: number | undefined; action?: string | undefined },
): Promise<AuditRow[]> {
  return q.query<AuditRow>(
    `SELECT seq::int AS seq, at, actor_id, actor_label, action, target_type, target_id, details, ip, prev_hash, hash
       FROM audit_events
      WHERE city_id = $1 AND ($2::bigint IS NULL OR seq < $2) AND ($3::text IS NULL OR action = $3)
      ORDER BY seq DESC LIMIT $4`,
    [cityId, opts.beforeSeq ?? null, opts.action ?? null, opts.limit],
  );
}

export async function allAuditInOrder(q: Queryable, cityId: string): Promise<AuditRow[]> {
  return q.query<AuditRow>(
    `SELECT seq::int AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor_id, actor_label, action,
            target_type, target_id, details, ip, prev_hash, hash
       FROM audit_events WHERE city_id = $1 ORDER BY seq`,
    [cityId],
  );
}
