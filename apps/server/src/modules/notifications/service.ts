import { Value } from 'typebox/value';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import { actorLabel, type Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import { deliverNow } from './delivery.ts';
import {
  channelById,
  deleteChannel,
  deliveryById,
  dropQueuedDeliveries,
  enqueueDeliveries,
  insertChannel,
  insertDelivery,
  insertForReporters,
  insertForRole,
  insertForUnit,
  insertForUser,
  listChannels,
  listDeliveries,
  listForUser,
  markRead,
  unreadCount,
  updateChannel,
  type ChannelRow,
  type DeliveryRow,
  type NotificationRow,
} from './queries.ts';
import {
  DingtalkConfigPatch,
  SmtpConfigPatch,
  WebhookConfigPatch,
  WecomConfigPatch,
  type ChannelCreateBodyT,
  type ChannelKind,
  type ChannelT,
  type ChannelTestResultT,
  type ChannelUpdateBodyT,
  type DeliveryQueryT,
  type DeliveryT,
  type NotificationT,
} from './schemas.ts';

export interface NotificationInput {
  kind: string;
  title: string;
  body: string;
  problemId: string | null;
}

/*
 * The notify* functions write in-app notifications inside the caller's transaction and put
 * the same event ONCE in the outbox of the city's channels (enqueueForChannels), however many
 * people it reached: a unit's A and B staff are two notifications but one group-robot message.
 * An event that reached nobody in the app (no such user, a unit without accounts, reports
 * filed anonymously) is not forwarded either: the channels mirror the app's notifications.
 * Sending happens later, in delivery.ts, outside the transaction; a channel that is down
 * never fails or slows down the change that caused the notification.
 */

/** Queues one notification event for every enabled channel of the city that forwards its kind. Call inside the event's transaction. */
export async function enqueueForChannels(q: Queryable, cityId: string, n: NotificationInput): Promise<number> {
  return enqueueDeliveries(q, cityId, n);
}

/** One notification to one user (none when there is no such user in the city). */
export async function notifyUser(q: Queryable, cityId: string, userId: string, n: NotificationInput): Promise<void> {
  if ((await insertForUser(q, cityId, userId, n)) > 0) await enqueueForChannels(q, cityId, n);
}

/** One notification to each active user of a unit (its A and B staff and anyone else in it). */
export async function notifyUnit(q: Queryable, cityId: string, unitId: string, n: NotificationInput): Promise<number> {
  const made = await insertForUnit(q, cityId, unitId, n);
  if (made > 0) await enqueueForChannels(q, cityId, n);
  return made;
}

/** One notification to each active user holding `role` (e.g. the whole office). */
export async function notifyRole(q: Queryable, cityId: string, role: string, n: NotificationInput): Promise<number> {
  const made = await insertForRole(q, cityId, role, n);
  if (made > 0) await enqueueForChannels(q, cityId, n);
  return made;
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
  const made = await insertForReporters(q, cityId, problemId, { ...n, exceptReportIds: n.exceptReportIds ?? [] });
  if (made > 0) await enqueueForChannels(q, cityId, { kind: n.kind, title: n.title, body: n.body, problemId });
  return made;
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

// ---- Notification channels (通知渠道) ----

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The robots' official webhook endpoints. A wecom/dingtalk channel must use its own unless
 * the office ticks customUrl: private deployments (政务微信, 专有钉钉 / 浙政钉) and relays in a
 * government network have other hosts. The webhook kind takes any http(s) URL. Only admin and
 * office manage channels, so a custom URL is their explicit, audited choice.
 */
const officialRobots: Record<'wecom' | 'dingtalk', { host: string; path: string; param: string }> = {
  wecom: { host: 'qyapi.weixin.qq.com', path: '/cgi-bin/webhook/send', param: 'key' },
  dingtalk: { host: 'oapi.dingtalk.com', path: '/robot/send', param: 'access_token' },
};

function parseHttpUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new AppError('channel.invalid_url');
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) throw new AppError('channel.invalid_url');
  return u;
}

function checkRobotUrl(kind: 'wecom' | 'dingtalk', raw: string, custom: boolean): string {
  const u = parseHttpUrl(raw);
  const official = officialRobots[kind];
  if (!custom && (u.protocol !== 'https:' || u.hostname !== official.host || u.pathname !== official.path || !u.searchParams.get(official.param))) {
    throw new AppError('channel.unofficial_url', { expected: `https://${official.host}${official.path}?${official.param}=…` });
  }
  return u.toString();
}

const mask = (v: string) => (v.length > 4 ? `${v.slice(0, 4)}****` : '****');

/**
 * A URL as the API shows it. A robot's key (and often a webhook's path) is the credential
 * itself, so query values, user:password and long path segments are masked.
 */
export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '****';
  }
  if (u.username) u.username = '****';
  if (u.password) u.password = '****';
  u.pathname = u.pathname
    .split('/')
    .map((seg) => (seg.length >= 20 ? mask(seg) : seg))
    .join('/');
  const params = new URLSearchParams();
  for (const [k, v] of u.searchParams) params.append(k, mask(v));
  u.search = params.toString();
  return u.toString();
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function toChannel(r: ChannelRow): ChannelT {
  const base = { id: r.id, name: r.name, enabled: r.enabled, kinds: r.kinds, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)! };
  const c = r.config;
  switch (r.kind) {
    case 'smtp':
      return {
        ...base,
        kind: 'smtp',
        config: {
          host: str(c.host),
          port: Number(c.port),
          secure: c.secure === true,
          user: typeof c.user === 'string' ? c.user : null,
          passwordSet: typeof c.password === 'string',
          from: str(c.from),
          to: Array.isArray(c.to) ? c.to.map(String) : [],
        },
      };
    case 'webhook':
      return { ...base, kind: 'webhook', config: { url: maskUrl(str(c.url)), secretSet: typeof c.secret === 'string' } };
    case 'wecom':
      return { ...base, kind: 'wecom', config: { url: maskUrl(str(c.url)), customUrl: c.customUrl === true } };
    case 'dingtalk':
      return {
        ...base,
        kind: 'dingtalk',
        config: { url: maskUrl(str(c.url)), secretSet: typeof c.secret === 'string', customUrl: c.customUrl === true },
      };
  }
}

const patchSchemas = { smtp: SmtpConfigPatch, webhook: WebhookConfigPatch, wecom: WecomConfigPatch, dingtalk: DingtalkConfigPatch };
/** Keys whose null means "remove it" (write-only secrets and the optional SMTP user). */
const clearable = new Set(['password', 'secret', 'user']);

/**
 * The stored config of a channel: `before` (an edit) with `input`'s keys applied, checked
 * for its kind. A URL sent back exactly as the API showed it (masked) keeps the stored one.
 */
function buildConfig(kind: ChannelKind, before: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> {
  if (!Value.Check(patchSchemas[kind], input)) throw new AppError('channel.invalid_config');
  const c: Record<string, unknown> = { ...before };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (v === null || (clearable.has(k) && v === '')) {
      if (!clearable.has(k)) throw new AppError('channel.invalid_config');
      delete c[k];
    } else if (k === 'url' && typeof before.url === 'string' && v === maskUrl(before.url)) {
      continue;
    } else c[k] = v;
  }
  if (kind === 'smtp') {
    if (typeof c.host !== 'string' || typeof c.port !== 'number' || typeof c.secure !== 'boolean' || !Array.isArray(c.to) || !c.to.length) {
      throw new AppError('channel.invalid_config');
    }
    c.host = c.host.trim();
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(str(c.from).replace(/^.*<([^>]*)>\s*$/, '$1').trim())) throw new AppError('channel.invalid_config');
    return c;
  }
  if (typeof c.url !== 'string') throw new AppError('channel.invalid_config');
  if (kind === 'webhook') c.url = parseHttpUrl(c.url).toString();
  else {
    c.customUrl = c.customUrl === true;
    c.url = checkRobotUrl(kind, c.url, c.customUrl as boolean);
  }
  return c;
}

/** The config as the audit log keeps it: what the API shows, plus which secrets changed. */
const auditView = (r: Pick<ChannelRow, 'kind' | 'config'>) => toChannel({ ...r, id: '', name: '', kinds: [], enabled: true, created_at: new Date(0), updated_at: new Date(0) }).config;

export async function channelList(db: Db, actor: Actor): Promise<ChannelT[]> {
  return (await listChannels(db, actor.cityId)).map(toChannel);
}

export async function getChannel(q: Queryable, actor: Actor, id: string): Promise<ChannelT> {
  const row = await channelById(q, actor.cityId, id);
  if (!row) throw new AppError('resource.not_found');
  return toChannel(row);
}

export async function createChannel(db: Db, actor: Actor, body: ChannelCreateBodyT, ip: string): Promise<ChannelT> {
  const config = buildConfig(body.kind, {}, body.config as Record<string, unknown>);
  const kinds = body.kinds ?? [];
  const enabled = body.enabled ?? true;
  return db.tx(async (q) => {
    const id = await insertChannel(q, actor.cityId, { kind: body.kind, name: body.name.trim(), config, kinds, enabled });
    await recordAudit(q, actor, {
      action: 'channel.create',
      targetType: 'notification_channel',
      targetId: id,
      details: { kind: body.kind, name: body.name, kinds, enabled, config: auditView({ kind: body.kind, config }) },
      ip,
    });
    return getChannel(q, actor, id);
  });
}

export async function editChannel(db: Db, actor: Actor, id: string, patch: ChannelUpdateBodyT, ip: string): Promise<ChannelT> {
  return db.tx(async (q) => {
    const before = await channelById(q, actor.cityId, id, { lock: true });
    if (!before) throw new AppError('resource.not_found');
    const config = patch.config ? buildConfig(before.kind, before.config, patch.config as Record<string, unknown>) : before.config;
    const after = {
      name: patch.name?.trim() ?? before.name,
      config,
      kinds: patch.kinds ?? before.kinds,
      enabled: patch.enabled ?? before.enabled,
    };
    await updateChannel(q, actor.cityId, id, after);
    const dropped = before.enabled && !after.enabled ? await dropQueuedDeliveries(q, actor.cityId, id, 'channel disabled (渠道已停用)') : 0;
    const secretsChanged = ['password', 'secret'].filter((k) => patch.config && k in patch.config && before.config[k] !== config[k]);
    await recordAudit(q, actor, {
      action: 'channel.update',
      targetType: 'notification_channel',
      targetId: id,
      details: {
        kind: before.kind,
        before: { name: before.name, kinds: before.kinds, enabled: before.enabled, config: auditView(before) },
        after: { ...after, config: auditView({ kind: before.kind, config }) },
        ...(secretsChanged.length && { secretsChanged }),
        ...(dropped && { droppedDeliveries: dropped }),
      },
      ip,
    });
    return getChannel(q, actor, id);
  });
}

/** Removes the channel and its outbox (a send in flight finishes; its outcome is not recorded). */
export async function removeChannel(db: Db, actor: Actor, id: string, ip: string): Promise<void> {
  await db.tx(async (q) => {
    const before = await channelById(q, actor.cityId, id, { lock: true });
    if (!before) throw new AppError('resource.not_found');
    await deleteChannel(q, actor.cityId, id);
    await recordAudit(q, actor, {
      action: 'channel.delete',
      targetType: 'notification_channel',
      targetId: id,
      details: { kind: before.kind, name: before.name, config: auditView(before) },
      ip,
    });
  });
}

function toDelivery(r: DeliveryRow): DeliveryT {
  return {
    id: r.id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    channelKind: r.channel_kind,
    kind: r.kind,
    title: r.title,
    problemId: r.problem_id,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    sentAt: iso(r.sent_at),
  };
}

export async function deliveryList(db: Db, actor: Actor, query: DeliveryQueryT): Promise<DeliveryT[]> {
  const rows = await listDeliveries(db, actor.cityId, { channelId: query.channelId ?? null, status: query.status ?? null, limit: query.limit ?? 50 });
  return rows.map(toDelivery);
}

/** The kind of a test message; channels forward it whatever their kinds. */
export const TEST_KIND = 'channel.test';

/**
 * Sends a test message through the channel now (also when it is disabled, to try it before
 * switching it on) and answers the outcome. Tried once, never retried: the person is looking
 * at the answer, and a late retry would arrive after they changed the settings.
 */
export async function testChannel(db: Db, actor: Actor, id: string, ip: string): Promise<ChannelTestResultT> {
  const deliveryId = await db.tx(async (q) => {
    const channel = await channelById(q, actor.cityId, id);
    if (!channel) throw new AppError('resource.not_found');
    const who = actor.kind === 'user' ? actor.displayName : actorLabel(actor);
    const made = await insertDelivery(q, actor.cityId, {
      channelId: id,
      kind: TEST_KIND,
      title: 'CityLoop 通知渠道测试',
      body: `这是通知渠道“${channel.name}”的测试消息，由 ${who} 发送。收到即表示配置正确。\nA test message of the notification channel "${channel.name}", sent by ${who}.`,
      maxAttempts: 1,
    });
    await recordAudit(q, actor, { action: 'channel.test', targetType: 'notification_channel', targetId: id, details: { name: channel.name, deliveryId: made }, ip });
    return made;
  });
  await deliverNow(db, actor.cityId, deliveryId);
  const row = await deliveryById(db, actor.cityId, deliveryId);
  if (!row) throw new AppError('resource.not_found'); // the channel was removed meanwhile
  return { ok: row.status === 'sent', delivery: toDelivery(row) };
}
