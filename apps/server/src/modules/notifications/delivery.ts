/**
 * The delivery worker: sends the outbox `notification_deliveries` (migration 011) through
 * each channel — SMTP, webhook, WeCom or DingTalk group robot.
 *
 * One run:
 *  1. a short transaction claims due rows (`FOR UPDATE SKIP LOCKED`), marks them 'sending'
 *     for this worker with a lease and counts the attempt; rows left 'sending' by a crashed
 *     sender (lease passed) are taken over the same way;
 *  2. the messages are sent outside any transaction (PGlite has one connection), each with a
 *     timeout far shorter than the lease, so a live sender never loses its claim;
 *  3. each outcome is written back only if this worker still holds the claim (worker and
 *     attempt match): sent, or failed with the next attempt after a growing pause (1 min,
 *     5 min, 30 min, 2 h, 6 h, 12 h, 24 h), and given up (next_attempt_at null) after the
 *     last attempt.
 *
 * Delivery is at least once: a sender that crashes after the far end accepted a message but
 * before step 3 gets it sent again after its lease. Webhook receivers can drop repeats by
 * the `id` in the body (also the `x-cityloop-delivery` header).
 *
 * Nothing here throws into the code that made the notification: that code only wrote the
 * outbox row, in its own transaction.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import nodemailer from 'nodemailer';
import type { Db } from '../../db/index.ts';
import {
  claimDeliveryById,
  claimDueDeliveries,
  claimOrphanedDeliveries,
  giveUpOrphanedDeliveries,
  markDeliveryFailed,
  markDeliverySent,
  releaseDelivery,
  type ClaimedDelivery,
} from './queries.ts';

export interface DeliveryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryWorkerOptions {
  /** this process's name in notification_deliveries.worker, e.g. `${hostname}:${pid}` */
  workerId: string;
  /** poll interval in ms (default 5000) */
  intervalMs?: number;
  /** deliveries claimed per run (default 20) */
  batchSize?: number;
  /** sends in flight at once (default 4) */
  concurrency?: number;
  /** one send's time limit in ms, connecting included (default 10 000) */
  timeoutMs?: number;
  /** how long a claim holds before another worker may take it over (default 2 min; keep it well above timeoutMs) */
  leaseMs?: number;
  /** the pause after failed attempt n (1-based) */
  backoffMs?: (attempt: number) => number;
  /** the clock (tests move it forward to reach retries) */
  now?: () => Date;
  log?: DeliveryLog;
}

export interface DeliveryWorker {
  readonly workerId: string;
  /** One run: claims what is due, sends it, records the outcomes; resolves with how many deliveries it attempted. Never rejects. */
  runOnce(): Promise<number>;
  /** Starts polling every intervalMs (idempotent). */
  start(): void;
  /** Stops polling and waits for the sends in flight (each ends within timeoutMs); deliveries it claimed but had not started are given back. */
  stop(): Promise<void>;
}

const backoffSteps = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000];
export const defaultBackoffMs = (attempt: number) => backoffSteps[Math.min(attempt, backoffSteps.length) - 1]!;

const silent: DeliveryLog = { info() {}, warn() {}, error() {} };

const errorText = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err).slice(0, 1000);
  // fetch reports a refused connection as "fetch failed" with the reason in `cause`
  const cause = (err as { cause?: { code?: unknown; message?: string } }).cause;
  const why = cause && err.message === 'fetch failed' ? `: ${typeof cause.code === 'string' ? cause.code : (cause.message ?? '')}` : '';
  return `${err.message}${why}`.slice(0, 1000);
};

// ---- the senders: each resolves when the far end accepted the message, throws otherwise ----

/** The city's wall-clock time of the event, for the message footer. */
function when(d: ClaimedDelivery): string {
  try {
    return new Intl.DateTimeFormat('zh-CN', { timeZone: d.timezone, dateStyle: 'short', timeStyle: 'short', hour12: false }).format(new Date(d.created_at));
  } catch {
    return new Date(d.created_at).toISOString();
  }
}

/** Cuts text to at most `bytes` UTF-8 bytes on a character boundary (WeCom takes 4096 bytes of markdown). */
function clip(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes - 3) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}

async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'CityLoop-Notifier/1', ...headers },
      body,
      // a redirect could lead the request somewhere the office did not configure
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`, { cause: err });
    throw err;
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** WeCom and DingTalk robots answer 200 with `{"errcode":0,"errmsg":"ok"}`, and report refusals in errcode. */
function checkRobotAnswer(text: string): void {
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error(`unexpected answer (not JSON): ${text.slice(0, 200)}`);
  }
  if (answer?.errcode !== 0) throw new Error(`errcode ${String(answer?.errcode)}: ${String(answer?.errmsg ?? '')}`.slice(0, 500));
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

async function sendWebhook(d: ClaimedDelivery, timeoutMs: number): Promise<void> {
  const body = JSON.stringify({
    id: d.id,
    kind: d.kind,
    title: d.title,
    body: d.body,
    problemId: d.problem_id,
    city: d.city_code,
    createdAt: new Date(d.created_at).toISOString(),
  });
  const headers: Record<string, string> = { 'x-cityloop-delivery': d.id };
  const secret = str(d.config.secret);
  // The receiver recomputes HMAC-SHA256 of the raw body with the shared secret to know it is us.
  if (secret) headers['x-cityloop-signature'] = `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
  await postJson(str(d.config.url), body, headers, timeoutMs);
}

async function sendWecom(d: ClaimedDelivery, timeoutMs: number): Promise<void> {
  const content = clip(`**${d.title}**\n${d.body}\n> <font color="comment">${d.city_name} · ${when(d)}</font>`, 4096);
  const text = await postJson(str(d.config.url), JSON.stringify({ msgtype: 'markdown', markdown: { content } }), {}, timeoutMs);
  checkRobotAnswer(text);
}

/** DingTalk's 加签: sign = base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`)), timestamp in ms. */
export function dingtalkSignedUrl(url: string, secret: string, timestamp: number): string {
  const sign = crypto.createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestamp));
  u.searchParams.set('sign', sign);
  return u.toString();
}

async function sendDingtalk(d: ClaimedDelivery, timeoutMs: number): Promise<void> {
  const secret = str(d.config.secret);
  const url = secret ? dingtalkSignedUrl(str(d.config.url), secret, Date.now()) : str(d.config.url);
  const text = clip(`#### ${d.title}\n\n${d.body}\n\n> ${d.city_name} · ${when(d)}`, 18_000);
  const answer = await postJson(url, JSON.stringify({ msgtype: 'markdown', markdown: { title: d.title, text } }), {}, timeoutMs);
  checkRobotAnswer(answer);
}

async function sendSmtp(d: ClaimedDelivery, timeoutMs: number): Promise<void> {
  const c = d.config;
  const user = str(c.user);
  const transport = nodemailer.createTransport({
    host: str(c.host),
    port: Number(c.port),
    secure: c.secure === true,
    ...(user ? { auth: { user, pass: str(c.password) } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      transport.sendMail({
        from: str(c.from),
        to: Array.isArray(c.to) ? c.to.map(String) : [],
        subject: `[${d.city_name}] ${d.title}`,
        text: `${d.body}\n\n—— ${d.city_name} · ${when(d)} · CityLoop`,
        headers: { 'X-CityLoop-Delivery': d.id, 'X-CityLoop-Kind': d.kind },
      }),
      // the socket timeouts cover each step; this bounds the whole exchange
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

const senders: Record<ClaimedDelivery['channel_kind'], (d: ClaimedDelivery, timeoutMs: number) => Promise<void>> = {
  smtp: sendSmtp,
  webhook: sendWebhook,
  wecom: sendWecom,
  dingtalk: sendDingtalk,
};

// ---- claim, send, record ----

interface Settings {
  workerId: string;
  timeoutMs: number;
  leaseMs: number;
  backoffMs: (attempt: number) => number;
  now: () => Date;
  log: DeliveryLog;
}

function settingsOf(opts: Partial<DeliveryWorkerOptions> & { workerId: string }): Settings {
  return {
    workerId: opts.workerId,
    timeoutMs: opts.timeoutMs ?? 10_000,
    leaseMs: opts.leaseMs ?? 2 * 60_000,
    backoffMs: opts.backoffMs ?? defaultBackoffMs,
    now: opts.now ?? (() => new Date()),
    log: opts.log ?? silent,
  };
}

/** Sends one claimed delivery and records the outcome; never throws. */
async function attempt(db: Db, s: Settings, d: ClaimedDelivery): Promise<'sent' | 'failed' | 'lost'> {
  const claim = { cityId: d.city_id, id: d.id, worker: s.workerId, attempt: d.attempts };
  const meta = { cityId: d.city_id, deliveryId: d.id, channel: d.channel_name, attempt: d.attempts };
  let error: string | null = null;
  try {
    await senders[d.channel_kind](d, s.timeoutMs);
  } catch (err) {
    error = errorText(err);
  }
  try {
    const at = s.now();
    if (error === null) {
      if (!(await markDeliverySent(db, claim, at))) return 'lost';
      s.log.info(meta, 'notification delivered');
      return 'sent';
    }
    const retryAt = d.attempts >= d.max_attempts ? null : new Date(at.getTime() + s.backoffMs(d.attempts));
    if (!(await markDeliveryFailed(db, claim, error, retryAt))) return 'lost';
    s.log[retryAt ? 'warn' : 'error']({ ...meta, error, retryAt }, retryAt ? 'notification delivery failed; will retry' : 'notification delivery given up');
    return 'failed';
  } catch (err) {
    // The database is unavailable: the row stays 'sending' and is taken over after its lease.
    s.log.error({ ...meta, err }, 'could not record a notification delivery');
    return 'lost';
  }
}

/** Runs `fn` over `items`, `concurrency` at a time, until `stopped()`; returns the items never started. */
async function inLanes<T>(items: T[], concurrency: number, stopped: () => boolean, fn: (item: T) => Promise<unknown>): Promise<T[]> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length && !stopped()) await fn(items[next++]!);
  });
  await Promise.all(lanes);
  return items.slice(next);
}

/**
 * Tries one delivery now, if it is still waiting (the channel test: the request that made it
 * waits for the outcome). Resolves with the outcome, or null when another worker has it.
 */
export async function deliverNow(
  db: Db,
  cityId: string,
  deliveryId: string,
  opts: Partial<DeliveryWorkerOptions> = {},
): Promise<'sent' | 'failed' | 'lost' | null> {
  const s = settingsOf({ ...opts, workerId: opts.workerId ?? `${os.hostname()}:${process.pid}:now` });
  const at = s.now();
  const [d] = await db.tx((q) => claimDeliveryById(q, cityId, deliveryId, { until: new Date(at.getTime() + s.leaseMs), worker: s.workerId }));
  return d ? attempt(db, s, d) : null;
}

/** A delivery worker that runs when told (`runOnce`) or, after `start()`, every intervalMs. */
export function createDeliveryWorker(db: Db, opts: DeliveryWorkerOptions): DeliveryWorker {
  const s = settingsOf(opts);
  const intervalMs = opts.intervalMs ?? 5000;
  const batchSize = opts.batchSize ?? 20;
  const concurrency = opts.concurrency ?? 4;
  let current: Promise<number> = Promise.resolve(0);
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopping = false;

  async function run(): Promise<number> {
    const at = s.now();
    const lease = { until: new Date(at.getTime() + s.leaseMs), worker: s.workerId };
    let claimed: ClaimedDelivery[];
    try {
      claimed = await db.tx(async (q) => {
        const gaveUp = await giveUpOrphanedDeliveries(q, at);
        if (gaveUp) s.log.error({ gaveUp }, 'notification deliveries orphaned on their last attempt; given up');
        const due = await claimDueDeliveries(q, at, batchSize, lease);
        const orphans = due.length < batchSize ? await claimOrphanedDeliveries(q, at, batchSize - due.length, lease) : [];
        if (orphans.length) s.log.warn({ count: orphans.length }, 'taking over notification deliveries of a stopped sender');
        return [...due, ...orphans];
      });
    } catch (err) {
      s.log.error({ err }, 'could not claim notification deliveries');
      return 0;
    }
    const untried = await inLanes(claimed, concurrency, () => stopping, (d) => attempt(db, s, d));
    // Stopping: give back what was not started, so another worker sends it now rather than after the lease.
    for (const d of untried) {
      await releaseDelivery(db, { cityId: d.city_id, id: d.id, worker: s.workerId, attempt: d.attempts }).catch((err: unknown) =>
        s.log.warn({ err, deliveryId: d.id }, 'could not give back a notification delivery; it is taken over after its lease'),
      );
    }
    return claimed.length - untried.length;
  }

  // One run at a time per worker: a poll and a runOnce() called meanwhile queue up.
  const runOnce = () => (current = current.then(run, run));

  async function poll() {
    timer = null;
    await runOnce();
    if (running) timer = setTimeout(() => void poll(), intervalMs);
  }

  return {
    workerId: s.workerId,
    runOnce,
    start() {
      if (running) return;
      running = true;
      timer = setTimeout(() => void poll(), 0);
    },
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      // the sends in flight finish (each within timeoutMs); claimed ones not yet started are given back
      await current;
      stopping = false;
    },
  };
}

/**
 * Starts a delivery worker polling every `intervalMs`. Any number of processes may run one on
 * the same database; each delivery is claimed by one at a time.
 */
export function startDeliveryWorker(db: Db, opts: DeliveryWorkerOptions): DeliveryWorker {
  const worker = createDeliveryWorker(db, opts);
  worker.start();
  return worker;
}
