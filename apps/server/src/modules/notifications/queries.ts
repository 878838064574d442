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

/** Returns how many were made (0 when there is no such user). */
export async function insertForUser(
  q: Queryable,
  cityId: string,
  userId: string,
  n: { kind: string; title: string; body: string; problemId: string | null },
): Promise<number> {
  const rows = await q.query(
    `INSERT INTO notifications (city_id, user_id, kind, title, body, problem_id)
     SELECT $1, u.id, $3, $4, $5, $6 FROM users u WHERE u.city_id = $1 AND u.id = $2
     RETURNING id`,
    [cityId, userId, n.kind, n.title, n.body, n.problemId],
  );
  return rows.length;
}

/** One notification to each active user of a unit (its A and B staff and anyone else in it). */
export async function insertForUnit(
  q: Queryable,
  cityId: string,
  unitId: string,
  n: { kind: string; title: string; body: string; problemId: string | null },
): Promise<number> {
  const rows = await q.query(
    `INSERT INTO notifications (city_id, user_id, kind, title, body, problem_id)
     SELECT $1, u.id, $3, $4, $5, $6 FROM users u WHERE u.city_id = $1 AND u.unit_id = $2 AND u.active
     RETURNING id`,
    [cityId, unitId, n.kind, n.title, n.body, n.problemId],
  );
  return rows.length;
}

/** One notification to each active user holding `role`. */
export async function insertForRole(
  q: Queryable,
  cityId: string,
  role: string,
  n: { kind: string; title: string; body: string; problemId: string | null },
): Promise<number> {
  const rows = await q.query(
    `INSERT INTO notifications (city_id, user_id, kind, title, body, problem_id)
     SELECT $1, u.id, $3, $4, $5, $6 FROM users u WHERE u.city_id = $1 AND $2 = ANY (u.roles) AND u.active
     RETURNING id`,
    [cityId, role, n.kind, n.title, n.body, n.problemId],
  );
  return rows.length;
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

// ---- Notification channels and their outbox (migration 011) ----

export interface ChannelRow {
  id: string;
  kind: 'smtp' | 'webhook' | 'wecom' | 'dingtalk';
  name: string;
  /** with its secrets: never answered as is (service.ts toChannel) */
  config: Record<string, unknown>;
  kinds: string[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const channelCols = `id, kind, name, config, kinds, enabled, created_at, updated_at`;

export async function listChannels(q: Queryable, cityId: string): Promise<ChannelRow[]> {
  return q.query<ChannelRow>(`SELECT ${channelCols} FROM notification_channels WHERE city_id = $1 ORDER BY created_at, id`, [cityId]);
}

export async function channelById(q: Queryable, cityId: string, id: string, opts: { lock?: boolean } = {}): Promise<ChannelRow | undefined> {
  const lock = opts.lock ? ' FOR UPDATE' : '';
  return (await q.query<ChannelRow>(`SELECT ${channelCols} FROM notification_channels WHERE city_id = $1 AND id = $2${lock}`, [cityId, id]))[0];
}

export async function insertChannel(
  q: Queryable,
  cityId: string,
  c: { kind: string; name: string; config: Record<string, unknown>; kinds: string[]; enabled: boolean },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO notification_channels (city_id, kind, name, config, kinds, enabled) VALUES ($1, $2, $3, $4::jsonb, $5::text[], $6) RETURNING id`,
    [cityId, c.kind, c.name, JSON.stringify(c.config), c.kinds, c.enabled],
  );
  return rows[0]!.id;
}

export async function updateChannel(
  q: Queryable,
  cityId: string,
  id: string,
  c: { name: string; config: Record<string, unknown>; kinds: string[]; enabled: boolean },
): Promise<void> {
  await q.query(
    `UPDATE notification_channels SET name = $3, config = $4::jsonb, kinds = $5::text[], enabled = $6, updated_at = now()
      WHERE city_id = $1 AND id = $2`,
    [cityId, id, c.name, JSON.stringify(c.config), c.kinds, c.enabled],
  );
}

export async function deleteChannel(q: Queryable, cityId: string, id: string): Promise<void> {
  await q.query(`DELETE FROM notification_channels WHERE city_id = $1 AND id = $2`, [cityId, id]);
}

/**
 * Puts one notification event in the outbox of every enabled channel of the city that
 * forwards its kind. One INSERT: nothing to do costs one indexed look-up.
 */
export async function enqueueDeliveries(
  q: Queryable,
  cityId: string,
  n: { kind: string; title: string; body: string; problemId: string | null },
): Promise<number> {
  const rows = await q.query(
    `INSERT INTO notification_deliveries (city_id, channel_id, kind, title, body, problem_id)
     SELECT c.city_id, c.id, $2, $3, $4, $5::uuid FROM notification_channels c
      WHERE c.city_id = $1 AND c.enabled AND (cardinality(c.kinds) = 0 OR $2 = ANY (c.kinds))
     RETURNING id`,
    [cityId, n.kind, n.title, n.body, n.problemId],
  );
  return rows.length;
}

/** A delivery for one channel whatever its kinds (the test message): not due until `claimDeliveryById` takes it. */
export async function insertDelivery(
  q: Queryable,
  cityId: string,
  d: { channelId: string; kind: string; title: string; body: string; maxAttempts: number },
): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO notification_deliveries (city_id, channel_id, kind, title, body, max_attempts, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id`,
    [cityId, d.channelId, d.kind, d.title, d.body, d.maxAttempts],
  );
  return rows[0]!.id;
}

/**
 * Queued deliveries of a channel being disabled (and any a crashed sender left): given up, so
 * re-enabling it later does not send a backlog of stale news.
 */
export async function dropQueuedDeliveries(q: Queryable, cityId: string, channelId: string, reason: string): Promise<number> {
  const rows = await q.query(
    `UPDATE notification_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = $3
      WHERE city_id = $1 AND channel_id = $2
        AND ((status IN ('pending', 'failed') AND next_attempt_at IS NOT NULL) OR (status = 'sending' AND lease_until <= now()))
     RETURNING id`,
    [cityId, channelId, reason],
  );
  return rows.length;
}

export interface DeliveryRow {
  id: string;
  channel_id: string;
  channel_name: string;
  channel_kind: ChannelRow['kind'];
  kind: string;
  title: string;
  problem_id: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const deliveryCols = `d.id, d.channel_id, c.name AS channel_name, c.kind AS channel_kind, d.kind, d.title, d.problem_id, d.status,
  d.attempts, d.max_attempts, d.next_attempt_at, d.last_error, d.created_at, d.sent_at`;

export async function listDeliveries(
  q: Queryable,
  cityId: string,
  opts: { channelId: string | null; status: string | null; limit: number },
): Promise<DeliveryRow[]> {
  return q.query<DeliveryRow>(
    `SELECT ${deliveryCols}
       FROM notification_deliveries d JOIN notification_channels c ON c.city_id = d.city_id AND c.id = d.channel_id
      WHERE d.city_id = $1 AND ($2::uuid IS NULL OR d.channel_id = $2) AND ($3::text IS NULL OR d.status = $3)
      ORDER BY d.created_at DESC, d.id LIMIT $4`,
    [cityId, opts.channelId, opts.status, opts.limit],
  );
}

export async function deliveryById(q: Queryable, cityId: string, id: string): Promise<DeliveryRow | undefined> {
  return (
    await q.query<DeliveryRow>(
      `SELECT ${deliveryCols}
         FROM notification_deliveries d JOIN notification_channels c ON c.city_id = d.city_id AND c.id = d.channel_id
        WHERE d.city_id = $1 AND d.id = $2`,
      [cityId, id],
    )
  )[0];
}

/** A claimed delivery with what its sender needs. */
export interface ClaimedDelivery {
  city_id: string;
  id: string;
  kind: string;
  title: string;
  body: string;
  problem_id: string | null;
  attempts: number;
  max_attempts: number;
  created_at: Date;
  channel_kind: ChannelRow['kind'];
  channel_name: string;
  config: Record<string, unknown>;
  city_code: string;
  city_name: string;
  timezone: string;
}

/**
 * Claims the rows `pick` selects (a query over `notification_deliveries d` joined to its
 * channel `c`, ending in FOR UPDATE OF d SKIP LOCKED): marks them 'sending' for this worker
 * until `leaseUntil` and counts the attempt. Rows another transaction holds are skipped, so
 * two workers never claim one row.
 */
async function claim(q: Queryable, pick: string, params: unknown[], lease: { until: Date; worker: string }): Promise<ClaimedDelivery[]> {
  const n = params.length;
  return q.query<ClaimedDelivery>(
    `WITH picked AS (${pick})
     UPDATE notification_deliveries d
        SET status = 'sending', attempts = d.attempts + 1, lease_until = $${n + 1}, worker = $${n + 2}, next_attempt_at = NULL
       FROM picked, notification_channels c, cities ci
      WHERE d.city_id = picked.city_id AND d.id = picked.id AND c.city_id = d.city_id AND c.id = d.channel_id AND ci.id = d.city_id
     RETURNING d.city_id, d.id, d.kind, d.title, d.body, d.problem_id, d.attempts, d.max_attempts, d.created_at,
               c.kind AS channel_kind, c.name AS channel_name, c.config, ci.code AS city_code, ci.name AS city_name, ci.timezone`,
    [...params, lease.until, lease.worker],
  );
}

/** Due deliveries (new, or failed and due for a retry) of enabled channels, oldest due first. A JS date has milliseconds and the database microseconds: a row due within the caller's millisecond is due. */
export function claimDueDeliveries(q: Queryable, at: Date, limit: number, lease: { until: Date; worker: string }) {
  return claim(
    q,
    `SELECT d.city_id, d.id FROM notification_deliveries d
       JOIN notification_channels c ON c.city_id = d.city_id AND c.id = d.channel_id
      WHERE d.status IN ('pending', 'failed') AND d.next_attempt_at < $1::timestamptz + interval '1 millisecond' AND c.enabled
      ORDER BY d.next_attempt_at LIMIT $2
      FOR UPDATE OF d SKIP LOCKED`,
    [at, limit],
    lease,
  );
}

/** Deliveries left 'sending' by a sender that crashed or stopped (lease passed) with attempts left: taken over. */
export function claimOrphanedDeliveries(q: Queryable, at: Date, limit: number, lease: { until: Date; worker: string }) {
  return claim(
    q,
    `SELECT d.city_id, d.id FROM notification_deliveries d
       JOIN notification_channels c ON c.city_id = d.city_id AND c.id = d.channel_id
      WHERE d.status = 'sending' AND d.lease_until <= $1 AND d.attempts < d.max_attempts AND c.enabled
      ORDER BY d.lease_until LIMIT $2
      FOR UPDATE OF d SKIP LOCKED`,
    [at, limit],
    lease,
  );
}

/** Orphaned on their last attempt: given up (the message may or may not have gone out). */
export async function giveUpOrphanedDeliveries(q: Queryable, at: Date): Promise<number> {
  const rows = await q.query(
    `WITH picked AS (
       SELECT city_id, id FROM notification_deliveries
        WHERE status = 'sending' AND lease_until <= $1 AND attempts >= max_attempts
        FOR UPDATE SKIP LOCKED)
     UPDATE notification_deliveries d
        SET status = 'failed', lease_until = NULL, next_attempt_at = NULL,
            last_error = coalesce(d.last_error || E'\\n', '') || 'the sender stopped during the last attempt'
       FROM picked WHERE d.city_id = picked.city_id AND d.id = picked.id
     RETURNING d.id`,
    [at],
  );
  return rows.length;
}

/** One delivery by id, if it is still waiting (the test message, tried at once by the request that made it). */
export function claimDeliveryById(q: Queryable, cityId: string, id: string, lease: { until: Date; worker: string }) {
  return claim(
    q,
    `SELECT d.city_id, d.id FROM notification_deliveries d
      WHERE d.city_id = $1 AND d.id = $2 AND d.status = 'pending'
      FOR UPDATE OF d SKIP LOCKED`,
    [cityId, id],
    lease,
  );
}

/** `WHERE` this worker still holds the claim: a row taken over after its lease passed is not overwritten. */
const held = `city_id = $1 AND id = $2 AND worker = $3 AND attempts = $4 AND status = 'sending'`;

export async function markDeliverySent(q: Queryable, d: { cityId: string; id: string; worker: string; attempt: number }, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE notification_deliveries SET status = 'sent', sent_at = $5, lease_until = NULL, next_attempt_at = NULL, last_error = NULL
      WHERE ${held} RETURNING id`,
    [d.cityId, d.id, d.worker, d.attempt, at],
  );
  return rows.length > 0;
}

/** Failed: retried at `retryAt`, or given up when it is null. */
export async function markDeliveryFailed(
  q: Queryable,
  d: { cityId: string; id: string; worker: string; attempt: number },
  error: string,
  retryAt: Date | null,
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE notification_deliveries SET status = 'failed', lease_until = NULL, last_error = $5, next_attempt_at = $6
      WHERE ${held} RETURNING id`,
    [d.cityId, d.id, d.worker, d.attempt, error, retryAt],
  );
  return rows.length > 0;
}

/** A claim given back untried (the worker is stopping): due again at once, the attempt not counted. */
export async function releaseDelivery(q: Queryable, d: { cityId: string; id: string; worker: string; attempt: number }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE notification_deliveries SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'pending' END, attempts = attempts - 1,
            lease_until = NULL, next_attempt_at = now()
      WHERE ${held} RETURNING id`,
    [d.cityId, d.id, d.worker, d.attempt],
  );
  return rows.length > 0;
}
