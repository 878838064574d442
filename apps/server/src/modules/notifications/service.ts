import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { insertForReporters, insertForUser, listForUser, markRead, unreadCount, type NotificationRow } from './queries.ts';
import type { NotificationT } from './schemas.ts';

export { insertForUser as notifyUser };

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  problemId: string | null;
}

/** One notification to each active user of a unit (its A and B staff and anyone else in it). */
export async function notifyUnit(q: Queryable, cityId: string, unitId: string, n: NotificationInput): Promise<number> {
  const users = await q.query<{ id: string }>(`SELECT id FROM users WHERE city_id = $1 AND unit_id = $2 AND active ORDER BY staff_slot NULLS LAST, username`, [cityId, unitId]);
  for (const u of users) await insertForUser(q, cityId, u.id, n);
  return users.length;
}

/** One notification to each active user holding `role` (e.g. the whole office). */
export async function notifyRole(q: Queryable, cityId: string, role: string, n: NotificationInput): Promise<number> {
  const users = await q.query<{ id: string }>(`SELECT id FROM users WHERE city_id = $1 AND $2 = ANY(roles) AND active ORDER BY username`, [cityId, role]);
  for (const u of users) await insertForUser(q, cityId, u.id, n);
  return users.length;
}

/**
 * Tells everyone who reported a problem (with an account) what happened to it.
 * Runs inside the transaction of the change, so the notice exists exactly when the change does.
 */
export async function notifyReporters(
  q: Queryable,
  cityId: string,
  problemId: string,
  n: { kind: string; title: string; body: string; exceptReportIds?: string[] },
): Promise<number> {
  return insertForReporters(q, cityId, problemId, { ...n, exceptReportIds: n.exceptReportIds ?? [] });
}

function toNotification(r: NotificationRow): NotificationT {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    problemId: r.problem_id,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  };
}

export async function myNotifications(db: Db, actor: Actor, opts: { unreadOnly?: boolean | undefined; limit?: number | undefined }) {
  if (actor.kind !== 'user') throw new AppError('auth.forbidden');
  const rows = await listForUser(db, actor.cityId, actor.userId, { unreadOnly: opts.unreadOnly ?? false, limit: opts.limit ?? 50 });
  return { unread: await unreadCount(db, actor.cityId, actor.userId), items: rows.map(toNotification) };
}

export async function markNotificationRead(db: Db, actor: Actor, id: string): Promise<void> {
  if (actor.kind !== 'user') throw new AppError('auth.forbidden');
  if (!(await markRead(db, actor.cityId, actor.userId, id))) throw new AppError('resource.not_found');
}
