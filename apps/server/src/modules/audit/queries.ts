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

export async function insertAudit(
  q: Queryable,
  row: Omit<AuditRow, 'at'> & { city_id: string; at: string },
): Promise<void> {
  await q.query(
    `INSERT INTO audit_events (city_id, seq, at, actor_id, actor_label, action, target_type, target_id, details, ip, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      row.city_id,
      row.seq,
      row.at,
      row.actor_id,
      row.actor_label,
      row.action,
      row.target_type,
      row.target_id,
      JSON.stringify(row.details),
      row.ip,
      row.prev_hash,
      row.hash,
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
