import type { Queryable } from '../../db/index.ts';

export interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  problem_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

/**
 * One notification to every signed-in person who filed a report of the problem
 * (reports filed with an API key or anonymously have no account to tell).
 */
export async function insertForReporters(
  q: Queryable,
  cityId: string,
  problemId: string,
  n: { kind: string; title: string; body: string; exceptReportIds: string[] },
): Promise<number> {
  const rows = await q.query(
    `INSERT INTO notifications (city_id, user_id, kind, title, body, problem_id)
     SELECT DISTINCT $1::uuid, u.id, $3, $4, $5, $2::uuid
       FROM reports r JOIN users u ON u.city_id = r.city_id AND u.id = r.submitted_by
      WHERE r.city_id = $1 AND r.problem_id = $2 AND NOT (r.id = ANY($6::uuid[]))
     RETURNING id`,
    [cityId, problemId, n.kind, n.title, n.body, n.exceptReportIds],
  );
  return rows.length;
}

export async function insertForUser(q: Queryable, cityId: string, userId: string, n: { kind: string; title: string; body: string; problemId: string | null }) {
  await q.query(
    `INSERT INTO notifications (city_id, user_id, kind, title, body, problem_id)
     SELECT $1, u.id, $3, $4, $5, $6 FROM users u WHERE u.city_id = $1 AND u.id = $2`,
    [cityId, userId, n.kind, n.title, n.body, n.problemId],
  );
}

export async function listForUser(q: Queryable, cityId: string, userId: string, opts: { unreadOnly: boolean; limit: number }) {
  return q.query<NotificationRow>(
    `SELECT id, kind, title, body, problem_id, created_at, read_at FROM notifications
      WHERE city_id = $1 AND user_id = $2 AND (NOT $3 OR read_at IS NULL)
      ORDER BY created_at DESC LIMIT $4`,
    [cityId, userId, opts.unreadOnly, opts.limit],
  );
}

export async function unreadCount(q: Queryable, cityId: string, userId: string): Promise<number> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE city_id = $1 AND user_id = $2 AND read_at IS NULL`, [cityId, userId]))[0]!.n;
}

export async function markRead(q: Queryable, cityId: string, userId: string, id: string): Promise<boolean> {
  const rows = await q.query(
    `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE city_id = $1 AND user_id = $2 AND id = $3 RETURNING id`,
    [cityId, userId, id],
  );
  return rows.length > 0;
}
