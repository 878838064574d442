/**
 * Notification channels (通知渠道): the API, the outbox written with each notification event,
 * and the delivery worker against real endpoints — a local HTTP server standing in for the
 * webhook, WeCom and DingTalk robots, and a local SMTP server receiving the mail.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { as, newCity, testApp, testDb, type Client, type TestCity } from './harness.ts';
import { giveDuties } from './fixtures/intake.ts';
import { openPostgres, type Db } from '../src/db/index.ts';
import { createDeliveryWorker, startDeliveryWorker, type DeliveryWorkerOptions } from '../src/modules/notifications/delivery.ts';
import { enqueueForChannels, notifyReporters, notifyRole, notifyUnit, notifyUser } from '../src/modules/notifications/service.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- stand-ins for the far ends ----

interface Hit {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
  json: any;
}
type Answer = { status: number; body: string; delayMs?: number };
const robotOk: Answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };

/** A local HTTP server: records every request; `answers` by path says what to reply (default: the robots' "ok"). */
async function standIn() {
  const hits: Hit[] = [];
  const answers = new Map<string, Answer>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://stand-in');
      hits.push({ path: url.pathname, query: url.searchParams, headers: req.headers, raw, json: raw ? JSON.parse(raw) : null });
      const a = answers.get(url.pathname) ?? robotOk;
      setTimeout(() => {
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body);
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    hits,
    answers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on (connection refused). */
async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Mail {
  user: string | undefined;
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP server with a login; no STARTTLS, so plain auth is allowed on loopback. */
async function smtpStandIn(login: { user: string; pass: string }) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === login.user && auth.password === login.pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          user: session.user as string | undefined,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Decodes MIME encoded words (=?UTF-8?B?…?= / Q) of a header, and a text part's transfer encoding. */
function decodeWords(s: string): string {
  return s.replace(/\s*=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
function mailPart(raw: string): { subject: string; text: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = decodeWords(/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
  const cte = /^Content-Transfer-Encoding: (.*)$/im.exec(unfolded)?.[1]?.trim().toLowerCase();
  const body = rest.join('\n\n');
  const text =
    cte === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : body;
  return { subject, text };
}

// ---- helpers ----

const hmacHex = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(body).digest('hex');

async function deliveries(city: TestCity) {
  const db = await testDb();
  return db.query<{
    id: string;
    channel_id: string;
    kind: string;
    title: string;
    status: string;
    attempts: number;
    next_attempt_at: Date | null;
    last_error: string | null;
    worker: string | null;
  }>(`SELECT id, channel_id, kind, title, status, attempts, next_attempt_at, last_error, worker FROM notification_deliveries WHERE city_id = $1 ORDER BY created_at, id`, [
    city.id,
  ]);
}

/** Leaves nothing due behind for the next test's worker (workers claim across cities). */
async function dropChannels(city: TestCity) {
  await (await testDb()).query(`DELETE FROM notification_channels WHERE city_id = $1`, [city.id]);
}

async function addChannel(c: Client, body: unknown): Promise<any> {
  const res = await c.post('/api/v1/notification-channels', body);
  assert.equal(res.status, 201, res.body);
  return res.json();
}

const worker = (extra: Partial<DeliveryWorkerOptions> = {}) => async () =>
  createDeliveryWorker(await testDb(), { workerId: `test-${crypto.randomBytes(3).toString('hex')}`, timeoutMs: 2000, ...extra });

/** A second user in unit u1, so the unit has its A and B staff. */
async function addBStaff(city: TestCity) {
  const db = await testDb();
  await db.query(
    `INSERT INTO users (city_id, username, display_name, password_hash, roles, unit_id, staff_slot)
     SELECT city_id, 'unitb', '测试B角', password_hash, roles, unit_id, 'B' FROM users WHERE city_id = $1 AND username = 'unit'`,
    [city.id],
  );
}

const event = (kind: string, title = '问题已交办') => ({ kind, title, body: '请于 10 个工作日内整改并反馈。', problemId: null });

describe('notification channels', () => {
  describe('the API', () => {
    let city: TestCity;
    let office: Client;
    before(async () => {
      city = await newCity();
      office = await as(city, 'office');
    });
    after(() => dropChannels(city));

    test('creates each kind, never answers a secret, masks the robot keys and audits every change without secrets', async () => {
      const admin = await as(city, 'admin');
      const smtp = await addChannel(office, {
        kind: 'smtp',
        name: '办公室邮箱',
        kinds: ['case.assigned'],
        config: { host: 'smtp.example.cn', port: 465, secure: true, user: 'robot', password: 'mail-pass-SECRET', from: '城建办 <office@example.cn>', to: ['a@example.cn'] },
      });
      assert.deepEqual(smtp.config, { host: 'smtp.example.cn', port: 465, secure: true, user: 'robot', passwordSet: true, from: '城建办 <office@example.cn>', to: ['a@example.cn'] });
      assert.deepEqual(smtp.kinds, ['case.assigned']);
      assert.equal(smtp.enabled, true);
      const hook = await addChannel(admin, { kind: 'webhook', name: '城市运行平台', config: { url: 'https://ops.example.cn/hooks/cityloop', secret: 'hook-SECRET-1' } });
      assert.deepEqual(hook.config, { url: 'https://ops.example.cn/hooks/cityloop', secretSet: true });
      const wecom = await addChannel(office, {
        kind: 'wecom',
        name: '督查群',
        config: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' },
      });
      assert.equal(wecom.config.url, 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****');
      assert.equal(wecom.config.customUrl, false);
      const ding = await addChannel(office, {
        kind: 'dingtalk',
        name: '钉钉群',
        config: { url: 'https://oapi.dingtalk.com/robot/send?access_token=abcdTOKENSECRET0123', secret: 'SECding-SECRET' },
      });
      assert.deepEqual(ding.config, { url: 'https://oapi.dingtalk.com/robot/send?access_token=abcd****', secretSet: true, customUrl: false });

      const list = await office.get('/api/v1/notification-channels');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json().map((c: any) => c.name), ['办公室邮箱', '城市运行平台', '督查群', '钉钉群']);
      const one = await office.get(`/api/v1/notification-channels/${ding.id}`);
      assert.deepEqual(one.json(), ding);
      const audit = await admin.get('/api/v1/audit-events?limit=500');
      const actions = audit.json().filter((e: any) => e.targetType === 'notification_channel').map((e: any) => e.action);
      assert.deepEqual(actions.sort(), ['channel.create', 'channel.create', 'channel.create', 'channel.create']);
      for (const body of [list.body, one.body, audit.body]) {
        for (const secret of ['mail-pass-SECRET', 'hook-SECRET-1', 'TOKENSECRET', 'SECding-SECRET', '7xxx-4bc4']) assert.ok(!body.includes(secret), `${secret} leaked`);
      }
    });

    test('an edit keeps what it does not name: secrets stay set, a masked URL sent back keeps the real one, null clears a secret', async () => {
      const ding = await addChannel(office, {
        kind: 'dingtalk',
        name: '钉钉群二',
        config: { url: 'https://oapi.dingtalk.com/robot/send?access_token=zzzzTOKEN999', secret: 'SEC-keep' },
      });
      const renamed = await office.patch(`/api/v1/notification-channels/${ding.id}`, { name: '钉钉值班群', kinds: ['problem.merged'], config: { url: ding.config.url } });
      assert.equal(renamed.status, 200, renamed.body);
      assert.equal(renamed.json().name, '钉钉值班群');
      assert.deepEqual(renamed.json().kinds, ['problem.merged']);
      assert.deepEqual(renamed.json().config, ding.config);
      const db = await testDb();
      const stored = async () => (await db.query<{ config: any }>(`SELECT config FROM notification_channels WHERE city_id = $1 AND id = $2`, [city.id, ding.id]))[0]!.config;
      assert.equal((await stored()).url, 'https://oapi.dingtalk.com/robot/send?access_token=zzzzTOKEN999');
      assert.equal((await stored()).secret, 'SEC-keep');

      const cleared = await office.patch(`/api/v1/notification-channels/${ding.id}`, { config: { secret: null } });
      assert.equal(cleared.json().config.secretSet, false);
      assert.equal((await stored()).secret, undefined);
      const events = (await (await as(city, 'admin')).get('/api/v1/audit-events?limit=500')).json();
      const update = events.find((e: any) => e.action === 'channel.update' && e.targetId === ding.id && e.details.secretsChanged);
      assert.deepEqual(update.details.secretsChanged, ['secret']);

      const smtp = await addChannel(office, {
        kind: 'smtp',
        name: '邮件二',
        config: { host: 'smtp.example.cn', port: 587, secure: false, user: 'u', password: 'keep-me-1', from: 'a@example.cn', to: ['b@example.cn'] },
      });
      const moved = await office.patch(`/api/v1/notification-channels/${smtp.id}`, { config: { port: 25, to: ['c@example.cn', 'd@example.cn'] } });
      assert.equal(moved.status, 200, moved.body);
      assert.equal(moved.json().config.port, 25);
      assert.equal(moved.json().config.passwordSet, true);
    });

    test('refuses bad settings with a clear code and changes nothing', async () => {
      const before = (await office.get('/api/v1/notification-channels')).json().length;
      const cases: [unknown, number, string][] = [
        [{ kind: 'wecom', name: 'x1', config: { url: 'https://evil.example.com/cgi-bin/webhook/send?key=1' } }, 422, 'channel.unofficial_url'],
        [{ kind: 'wecom', name: 'x2', config: { url: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1' } }, 422, 'channel.unofficial_url'],
        [{ kind: 'dingtalk', name: 'x3', config: { url: 'https://oapi.dingtalk.com/robot/send' } }, 422, 'channel.unofficial_url'],
        [{ kind: 'webhook', name: 'x4', config: { url: 'ftp://files.example.cn/hook' } }, 422, 'channel.invalid_url'],
        [{ kind: 'webhook', name: 'x5', config: { url: 'not a url at all' } }, 422, 'channel.invalid_url'],
        [{ kind: 'webhook', name: 'x6', config: { url: 'javascript:alert(1)' } }, 422, 'channel.invalid_url'],
        [{ kind: 'smtp', name: 'x7', config: { host: 'h', port: 25, secure: false, from: 'no-address', to: ['a@b.cn'] } }, 422, 'channel.invalid_config'],
        [{ kind: 'smtp', name: 'x8', config: { host: 'h', port: 25, secure: false, from: 'a@b.cn', to: [] } }, 400, 'request.invalid'],
        [{ kind: 'smtp', name: 'x9', config: { url: 'https://ops.example.cn/' } }, 400, 'request.invalid'],
        [{ kind: 'fax', name: 'x10', config: {} }, 400, 'request.invalid'],
      ];
      for (const [body, status, code] of cases) {
        const res = await office.post('/api/v1/notification-channels', body);
        assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.body}`);
        assert.equal(res.json().code, code, JSON.stringify(body));
      }
      // a private deployment or relay is allowed when the office says so
      const custom = await addChannel(office, { kind: 'wecom', name: '政务微信群', config: { url: 'https://gov-wx.example.cn/cgi-bin/webhook/send?key=k', customUrl: true } });
      assert.equal(custom.config.customUrl, true);
      const dup = await office.post('/api/v1/notification-channels', { kind: 'webhook', name: '政务微信群', config: { url: 'https://ops.example.cn/' } });
      assert.equal(dup.status, 409);
      assert.equal(dup.json().code, 'channel.duplicate_name');
      const wrongKind = await office.patch(`/api/v1/notification-channels/${custom.id}`, { config: { host: 'smtp.example.cn' } });
      assert.equal(wrongKind.status, 422, wrongKind.body);
      assert.equal(wrongKind.json().code, 'channel.invalid_config');
      const officialAgain = await office.patch(`/api/v1/notification-channels/${custom.id}`, { config: { customUrl: false } });
      assert.equal(officialAgain.json().code, 'channel.unofficial_url');
      assert.equal((await office.get('/api/v1/notification-channels')).json().length, before + 1);
      assert.equal((await office.patch(`/api/v1/notification-channels/${crypto.randomUUID()}`, { enabled: false })).status, 404);
      assert.equal((await office.delete(`/api/v1/notification-channels/${crypto.randomUUID()}`)).status, 404);
    });

    test('only admin and office manage channels; a unit user, a leader or a citizen gets 403', async () => {
      for (const who of ['unit', 'leader', 'citizen', 'discipline']) {
        const c = await as(city, who);
        for (const res of [
          await c.get('/api/v1/notification-channels'),
          await c.get('/api/v1/notification-channels/deliveries'),
          await c.post('/api/v1/notification-channels', { kind: 'webhook', name: 'mine', config: { url: 'https://x.example.cn/' } }),
        ]) {
          assert.equal(res.status, 403, `${who}: ${res.body}`);
          assert.equal(res.json().code, 'auth.forbidden');
        }
      }
      const doc = (await (await testApp()).inject({ method: 'GET', url: '/api/openapi.json' })).json();
      assert.deepEqual(doc.paths['/api/v1/notification-channels'].post['x-roles'], ['admin', 'office']);
      assert.deepEqual(doc.paths['/api/v1/notification-channels/{id}/test'].post['x-roles'], ['admin', 'office']);
    });

    test('removing a channel removes its deliveries, audited', async () => {
      const c = await addChannel(office, { kind: 'webhook', name: '临时', config: { url: 'https://tmp.example.cn/' } });
      const db = await testDb();
      await db.tx((q) => enqueueForChannels(q, city.id, event('case.assigned')));
      assert.ok((await deliveries(city)).some((d) => d.channel_id === c.id));
      assert.equal((await office.delete(`/api/v1/notification-channels/${c.id}`)).status, 204);
      assert.ok(!(await deliveries(city)).some((d) => d.channel_id === c.id));
      const events = (await (await as(city, 'admin')).get('/api/v1/audit-events?limit=500')).json();
      assert.ok(events.some((e: any) => e.action === 'channel.delete' && e.targetId === c.id));
    });
  });

  describe('what is queued', () => {
    test('one message per event and channel (not per recipient), only the kinds a channel forwards, none for disabled channels', async (t) => {
      const city = await newCity();
      t.after(() => dropChannels(city));
      await addBStaff(city);
      const office = await as(city, 'office');
      const all = await addChannel(office, { kind: 'webhook', name: '全部', config: { url: 'https://a.example.cn/' } });
      const merged = await addChannel(office, { kind: 'webhook', name: '只要合并', kinds: ['problem.merged'], config: { url: 'https://b.example.cn/' } });
      const off = await addChannel(office, { kind: 'webhook', name: '停用', enabled: false, config: { url: 'https://c.example.cn/' } });
      const db = await testDb();
      const emptyUnit = (await db.query<{ id: string }>(`INSERT INTO units (city_id, code, name, kind) VALUES ($1, 'U9', '无账号单位', 'government') RETURNING id`, [city.id]))[0]!.id;
      const made = await db.tx(async (q) => ({
        unit: await notifyUnit(q, city.id, city.units.u1, event('case.assigned')),
        role: await notifyRole(q, city.id, 'office', event('problem.merged', '问题已合并')),
        user: await notifyUser(q, city.id, city.users.leader!, event('case.overdue', '案件滞后')),
        nobodyUser: await notifyUser(q, city.id, crypto.randomUUID(), event('case.overdue', '无此人')),
        nobodyUnit: await notifyUnit(q, city.id, emptyUnit, event('case.assigned', '无人单位')),
      }));
      assert.equal(made.unit, 2, 'the unit has its A and B staff');
      const inApp = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE city_id = $1 AND kind = 'case.assigned'`, [city.id]);
      assert.equal(inApp[0]!.n, 2);
      const rows = await deliveries(city);
      const titles = (channelId: string) => rows.filter((r) => r.channel_id === channelId).map((r) => r.title).sort();
      assert.deepEqual(titles(all.id), ['案件滞后', '问题已交办', '问题已合并'].sort());
      assert.deepEqual(titles(merged.id), ['问题已合并']);
      assert.deepEqual(titles(off.id), []);
      assert.ok(rows.every((r) => r.status === 'pending' && r.attempts === 0));

      // a notification rolled back with its change leaves no message behind
      await assert.rejects(
        db.tx(async (q) => {
          await notifyRole(q, city.id, 'office', event('problem.merged', '回滚'));
          throw new Error('the change failed');
        }),
      );
      assert.ok(!(await deliveries(city)).some((r) => r.title === '回滚'));

      // disabling a channel drops its queue instead of sending a stale backlog on re-enabling
      const disabled = await office.patch(`/api/v1/notification-channels/${all.id}`, { enabled: false });
      assert.equal(disabled.status, 200);
      const dropped = (await deliveries(city)).filter((r) => r.channel_id === all.id);
      assert.ok(dropped.every((r) => r.status === 'failed' && r.next_attempt_at === null && /disabled/.test(r.last_error ?? '')));
    });
  });

  describe('delivery', () => {
    let city: TestCity;
    let hub: Awaited<ReturnType<typeof standIn>>;
    let smtp: Awaited<ReturnType<typeof smtpStandIn>>;
    before(async () => {
      hub = await standIn();
      smtp = await smtpStandIn({ user: 'robot@example.cn', pass: 'mail-pass-1' });
    });
    after(async () => {
      await hub.close();
      await smtp.close();
    });

    test('each kind delivers with its payload: signed webhook JSON, WeCom markdown, signed DingTalk markdown, e-mail through SMTP with login', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      await giveDuties(city);
      await addBStaff(city);
      const office = await as(city, 'office');
      const hook = await addChannel(office, { kind: 'webhook', name: 'hook', config: { url: `${hub.base}/hook`, secret: 'webhook-secret' } });
      const wecom = await addChannel(office, { kind: 'wecom', name: 'wecom', config: { url: `${hub.base}/cgi-bin/webhook/send?key=wk-1`, customUrl: true } });
      const ding = await addChannel(office, {
        kind: 'dingtalk',
        name: 'ding',
        config: { url: `${hub.base}/robot/send?access_token=dt-1`, secret: 'SECdingtalk', customUrl: true },
      });
      const mail = await addChannel(office, {
        kind: 'smtp',
        name: 'mail',
        config: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'robot@example.cn', password: 'mail-pass-1', from: '城建办 <office@example.cn>', to: ['a@example.cn', 'b@example.cn'] },
      });
      const db = await testDb();
      const report = await (await as(city, 'citizen')).post('/api/v1/reports', { text: '人行道井盖缺失，很危险', lng: 113.66, lat: 34.72, mediaIds: [] });
      assert.equal(report.status, 201, report.body);
      const problemId = (await db.query<{ problem_id: string }>(`SELECT problem_id FROM reports WHERE city_id = $1 AND ticket = $2`, [city.id, report.json().ticket]))[0]!.problem_id;
      await db.tx((q) => notifyUnit(q, city.id, city.units.u1, { ...event('case.assigned'), problemId }));
      assert.equal((await deliveries(city)).length, 4, 'one per channel although two staff were told');

      const hitsBefore = hub.hits.length;
      const started = Date.now();
      const w = await worker()();
      assert.equal(await w.runOnce(), 4);
      const rows = await deliveries(city);
      assert.deepEqual(rows.map((r) => [r.status, r.attempts, r.last_error]), Array(4).fill(['sent', 1, null]));
      const hits = hub.hits.slice(hitsBefore);
      assert.equal(hits.length, 3);

      const h = hits.find((x) => x.path === '/hook')!;
      const hookRow = rows.find((r) => r.channel_id === hook.id)!;
      assert.deepEqual(h.json, {
        id: hookRow.id,
        kind: 'case.assigned',
        title: '问题已交办',
        body: '请于 10 个工作日内整改并反馈。',
        problemId,
        city: city.code,
        createdAt: h.json.createdAt,
      });
      assert.equal(h.headers['x-cityloop-signature'], `sha256=${hmacHex('webhook-secret', h.raw)}`);
      assert.equal(h.headers['x-cityloop-delivery'], hookRow.id);
      assert.match(String(h.headers['content-type']), /^application\/json/);

      const wc = hits.find((x) => x.path === '/cgi-bin/webhook/send')!;
      assert.equal(wc.query.get('key'), 'wk-1');
      assert.equal(wc.json.msgtype, 'markdown');
      assert.match(wc.json.markdown.content, /^\*\*问题已交办\*\*\n请于 10 个工作日内整改并反馈。\n> <font color="comment">测试市 · /);
      assert.ok(rows.some((r) => r.channel_id === wecom.id && r.status === 'sent'));

      const dt = hits.find((x) => x.path === '/robot/send')!;
      assert.equal(dt.query.get('access_token'), 'dt-1');
      const ts = Number(dt.query.get('timestamp'));
      assert.ok(Math.abs(ts - started) < 60_000, 'DingTalk wants a timestamp within the hour, in ms');
      const expected = crypto.createHmac('sha256', 'SECdingtalk').update(`${ts}\nSECdingtalk`).digest('base64');
      assert.equal(dt.query.get('sign'), expected);
      assert.deepEqual(Object.keys(dt.json), ['msgtype', 'markdown']);
      assert.equal(dt.json.msgtype, 'markdown');
      assert.equal(dt.json.markdown.title, '问题已交办');
      assert.match(dt.json.markdown.text, /^#### 问题已交办\n\n请于 10 个工作日内整改并反馈。\n\n> 测试市 · /);
      assert.ok(rows.some((r) => r.channel_id === ding.id && r.status === 'sent'));

      assert.equal(smtp.mails.length, 1);
      const m = smtp.mails[0]!;
      assert.equal(m.user, 'robot@example.cn');
      assert.equal(m.from, 'office@example.cn');
      assert.deepEqual(m.to, ['a@example.cn', 'b@example.cn']);
      const { subject, text } = mailPart(m.raw);
      assert.equal(subject, '[测试市] 问题已交办');
      assert.match(text, /请于 10 个工作日内整改并反馈。/);
      assert.match(m.raw, new RegExp(`X-CityLoop-Delivery: ${rows.find((r) => r.channel_id === mail.id)!.id}`, 'i'));

      // nothing is sent twice
      assert.equal(await w.runOnce(), 0);
      assert.equal(hub.hits.length, hitsBefore + 3);
      assert.equal(smtp.mails.length, 1);
    });

    test('a failing endpoint (HTTP 500, errcode≠0, refused, silent, wrong SMTP password) never touches the case; it is retried with growing pauses', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      await giveDuties(city);
      const office = await as(city, 'office');
      hub.answers.set('/down', { status: 500, body: 'internal error' });
      hub.answers.set('/bad/cgi-bin/webhook/send', { status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
      hub.answers.set('/slow', { status: 200, body: '{}', delayMs: 1500 });
      const port = await deadPort();
      const ch = {
        down: await addChannel(office, { kind: 'webhook', name: 'down', config: { url: `${hub.base}/down` } }),
        errcode: await addChannel(office, { kind: 'wecom', name: 'errcode', config: { url: `${hub.base}/bad/cgi-bin/webhook/send?key=x`, customUrl: true } }),
        refused: await addChannel(office, { kind: 'dingtalk', name: 'refused', config: { url: `http://127.0.0.1:${port}/robot/send?access_token=x`, customUrl: true } }),
        silent: await addChannel(office, { kind: 'webhook', name: 'silent', config: { url: `${hub.base}/slow` } }),
        badLogin: await addChannel(office, {
          kind: 'smtp',
          name: 'badLogin',
          config: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'robot@example.cn', password: 'wrong', from: 'a@example.cn', to: ['b@example.cn'] },
        }),
      };

      // The case code: a citizen's report, then a second one of the same problem merges into it.
      const citizen = await as(city, 'citizen');
      const t0 = Date.now();
      const first = await citizen.post('/api/v1/reports', { text: '小区门口下水道堵塞，污水外溢，臭味很大', lng: 113.6105, lat: 34.7105, mediaIds: [] });
      const second = await (await as(city, 'inspector')).post('/api/v1/reports', { text: '门口下水道堵塞了，污水外溢很臭', lng: 113.61052, lat: 34.71051, mediaIds: [] });
      const took = Date.now() - t0;
      assert.equal(first.status, 201, first.body);
      assert.equal(second.status, 201, second.body);
      assert.equal(second.json().merged, true);
      assert.ok(took < 3000, `reporting took ${took} ms`);
      assert.equal((await citizen.get('/api/v1/notifications')).json().unread, 1);
      const queued = await deliveries(city);
      assert.equal(queued.length, 10, 'two events (report added, merged) × five channels');

      let offset = 0;
      const w = await worker({ timeoutMs: 300, now: () => new Date(Date.now() + offset) })();
      const t1 = Date.now();
      assert.equal(await w.runOnce(), 10);
      const failed = await deliveries(city);
      assert.ok(failed.every((r) => r.status === 'failed' && r.attempts === 1), JSON.stringify(failed));
      for (const r of failed) {
        const pause = r.next_attempt_at!.getTime() - t1;
        assert.ok(pause > 55_000 && pause < 70_000, `first retry after ~1 min, not ${pause} ms`);
      }
      const errorOf = (c: { id: string }) => failed.find((r) => r.channel_id === c.id)!.last_error!;
      assert.match(errorOf(ch.down), /^HTTP 500: internal error/);
      assert.match(errorOf(ch.errcode), /^errcode 93000: invalid webhook url/);
      assert.match(errorOf(ch.refused), /ECONNREFUSED/);
      assert.match(errorOf(ch.silent), /no answer within 300 ms/);
      assert.match(errorOf(ch.badLogin), /Invalid username or password|535/i);
      // the case and the in-app notifications are as they were
      assert.equal((await citizen.get('/api/v1/notifications')).json().unread, 1);

      // not due yet: nothing happens
      assert.equal(await w.runOnce(), 0);
      // a minute later: the second attempt, then a pause of five minutes
      offset = 61_000;
      const t2 = Date.now() + offset;
      assert.equal(await w.runOnce(), 10);
      for (const r of await deliveries(city)) {
        assert.equal(r.attempts, 2);
        const pause = r.next_attempt_at!.getTime() - t2;
        assert.ok(pause > 5 * 60_000 - 5000 && pause < 5 * 60_000 + 10_000, `second retry after ~5 min, not ${pause} ms`);
      }
      // the endpoint is back: the next attempt delivers
      hub.answers.delete('/down');
      offset = 61_000 + 5 * 60_000 + 20_000;
      assert.equal(await w.runOnce(), 10);
      const later = await deliveries(city);
      assert.deepEqual(
        later.filter((r) => r.channel_id === ch.down.id).map((r) => [r.status, r.attempts, r.last_error]),
        [
          ['sent', 3, null],
          ['sent', 3, null],
        ],
      );
      assert.ok(later.filter((r) => r.channel_id !== ch.down.id).every((r) => r.status === 'failed' && r.attempts === 3));
      hub.answers.delete('/bad/cgi-bin/webhook/send');
      hub.answers.delete('/slow');
    });

    test('after the last attempt a delivery is given up (failed, no next attempt) and the worker leaves it alone', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      hub.answers.set('/always-down', { status: 503, body: 'maintenance' });
      const c = await addChannel(office, { kind: 'webhook', name: 'down', config: { url: `${hub.base}/always-down` } });
      await (await testDb()).tx((q) => enqueueForChannels(q, city.id, event('case.overdue', '滞后')));
      const w = await worker({ backoffMs: () => 0 })();
      for (let i = 0; i < 8; i++) assert.equal(await w.runOnce(), 1, `attempt ${i + 1}`);
      const [r] = await deliveries(city);
      assert.equal(r!.channel_id, c.id);
      assert.deepEqual([r!.status, r!.attempts, r!.next_attempt_at], ['failed', 8, null]);
      assert.match(r!.last_error!, /HTTP 503/);
      assert.equal(await w.runOnce(), 0);
      hub.answers.delete('/always-down');
    });

    test('two workers running at once send each delivery exactly once', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      hub.answers.set('/busy', { status: 200, body: '{}', delayMs: 15 });
      await addChannel(office, { kind: 'webhook', name: 'busy', config: { url: `${hub.base}/busy` } });
      const db = await testDb();
      await db.tx(async (q) => {
        for (let i = 0; i < 40; i++) await enqueueForChannels(q, city.id, event('case.assigned', `第${i}号`));
      });
      // On PostgreSQL the second worker has its own connection pool, like a second process.
      let db2: Db = db;
      if (process.env.TEST_DATABASE_URL) db2 = await openPostgres(process.env.TEST_DATABASE_URL);
      try {
        const a = createDeliveryWorker(db, { workerId: 'worker-a', batchSize: 5 });
        const b = createDeliveryWorker(db2, { workerId: 'worker-b', batchSize: 5 });
        const before = hub.hits.length;
        let rounds = 0;
        while ((await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()])).some((n) => n > 0)) rounds++;
        const hits = hub.hits.slice(before).filter((h) => h.path === '/busy');
        const ids = hits.map((h) => h.json.id as string);
        assert.equal(ids.length, 40);
        assert.equal(new Set(ids).size, 40, 'no delivery sent twice');
        const rows = await deliveries(city);
        assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1));
        assert.deepEqual([...new Set(rows.map((r) => r.worker))].sort(), ['worker-a', 'worker-b'], 'both workers did part of the work');
        assert.ok(rounds >= 2);
      } finally {
        if (db2 !== db) await db2.close();
        hub.answers.delete('/busy');
        }
    });

    test("a crashed sender's claim is taken over after its lease; on its last attempt it is given up", async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      await addChannel(office, { kind: 'webhook', name: 'ok', config: { url: `${hub.base}/ok` } });
      const db = await testDb();
      await db.tx(async (q) => {
        await enqueueForChannels(q, city.id, event('case.assigned', '崩溃前领取'));
        await enqueueForChannels(q, city.id, event('case.assigned', '最后一次也崩溃'));
        await enqueueForChannels(q, city.id, event('case.assigned', '租约未到'));
      });
      // what a sender that died mid-send leaves behind
      await db.query(
        `UPDATE notification_deliveries SET status = 'sending', worker = 'crashed', attempts = 1, next_attempt_at = NULL,
                lease_until = now() - interval '1 second' WHERE city_id = $1 AND title = '崩溃前领取'`,
        [city.id],
      );
      await db.query(
        `UPDATE notification_deliveries SET status = 'sending', worker = 'crashed', attempts = 8, next_attempt_at = NULL,
                lease_until = now() - interval '1 second' WHERE city_id = $1 AND title = '最后一次也崩溃'`,
        [city.id],
      );
      await db.query(
        `UPDATE notification_deliveries SET status = 'sending', worker = 'alive', attempts = 1, next_attempt_at = NULL,
                lease_until = now() + interval '1 minute' WHERE city_id = $1 AND title = '租约未到'`,
        [city.id],
      );
      const w = createDeliveryWorker(db, { workerId: 'taker' });
      assert.equal(await w.runOnce(), 1);
      const byTitle = Object.fromEntries((await deliveries(city)).map((r) => [r.title, r]));
      assert.deepEqual([byTitle['崩溃前领取']!.status, byTitle['崩溃前领取']!.attempts, byTitle['崩溃前领取']!.worker], ['sent', 2, 'taker']);
      assert.deepEqual([byTitle['最后一次也崩溃']!.status, byTitle['最后一次也崩溃']!.next_attempt_at], ['failed', null]);
      assert.match(byTitle['最后一次也崩溃']!.last_error!, /stopped during the last attempt/);
      assert.deepEqual([byTitle['租约未到']!.status, byTitle['租约未到']!.worker], ['sending', 'alive']);
    });

    test('the test action sends at once and answers the outcome; a failure is not retried; the deliveries list shows it all', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      const good = await addChannel(office, { kind: 'wecom', name: '好的群', enabled: false, config: { url: `${hub.base}/good/cgi-bin/webhook/send?key=g`, customUrl: true } });
      hub.answers.set('/broken', { status: 500, body: 'boom' });
      const broken = await addChannel(office, { kind: 'webhook', name: '坏的', config: { url: `${hub.base}/broken` } });

      const before = hub.hits.length;
      const ok = await office.post(`/api/v1/notification-channels/${good.id}/test`);
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.json().ok, true);
      assert.equal(ok.json().delivery.status, 'sent');
      assert.equal(ok.json().delivery.kind, 'channel.test');
      const hit = hub.hits.slice(before).find((h) => h.path === '/good/cgi-bin/webhook/send')!;
      assert.match(hit.json.markdown.content, /好的群/);

      const bad = await office.post(`/api/v1/notification-channels/${broken.id}/test`);
      assert.equal(bad.status, 200, bad.body);
      assert.equal(bad.json().ok, false);
      assert.deepEqual(
        [bad.json().delivery.status, bad.json().delivery.attempts, bad.json().delivery.nextAttemptAt],
        ['failed', 1, null],
      );
      assert.match(bad.json().delivery.lastError, /HTTP 500: boom/);
      const w = await worker()();
      assert.equal(await w.runOnce(), 0, 'a failed test message is not retried');

      const list = await office.get('/api/v1/notification-channels/deliveries');
      assert.equal(list.status, 200, list.body);
      const items = list.json();
      assert.deepEqual(items.map((d: any) => [d.channelName, d.status]), [
        ['坏的', 'failed'],
        ['好的群', 'sent'],
      ]);
      assert.equal(items[1].channelKind, 'wecom');
      assert.ok(items[1].sentAt);
      const onlyBroken = await office.get(`/api/v1/notification-channels/deliveries?channelId=${broken.id}&status=failed`);
      assert.deepEqual(onlyBroken.json().map((d: any) => d.id), [bad.json().delivery.id]);
      const events = (await (await as(city, 'admin')).get('/api/v1/audit-events?limit=500')).json();
      assert.equal(events.filter((e: any) => e.action === 'channel.test').length, 2);
      hub.answers.delete('/broken');
    });

    test('stopping a worker mid-run finishes the send in flight and gives back the claimed ones it had not started', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      hub.answers.set('/slow-ok', { status: 200, body: '{}', delayMs: 300 });
      await addChannel(office, { kind: 'webhook', name: 'slow', config: { url: `${hub.base}/slow-ok` } });
      const db = await testDb();
      await db.tx(async (q) => {
        for (let i = 0; i < 5; i++) await enqueueForChannels(q, city.id, event('case.assigned', `停止${i}`));
      });
      const w = createDeliveryWorker(db, { workerId: 'stopper', batchSize: 5, concurrency: 1 });
      const run = w.runOnce();
      await sleep(100);
      await w.stop();
      assert.equal(await run, 1, 'one attempted');
      const rows = await deliveries(city);
      assert.equal(rows.filter((r) => r.status === 'sent').length, 1);
      const back = rows.filter((r) => r.status !== 'sent');
      assert.equal(back.length, 4);
      assert.ok(back.every((r) => r.status === 'pending' && r.attempts === 0 && r.next_attempt_at !== null), JSON.stringify(back));
      // another worker sends them at once
      assert.equal(await createDeliveryWorker(db, { workerId: 'next' }).runOnce(), 4);
    });

    test('startDeliveryWorker polls on its own and stop() waits for the run in flight', async (t) => {
      city = await newCity();
      t.after(() => dropChannels(city));
      const office = await as(city, 'office');
      await addChannel(office, { kind: 'webhook', name: 'poll', config: { url: `${hub.base}/poll` } });
      const db = await testDb();
      const w = startDeliveryWorker(db, { workerId: 'poller', intervalMs: 50 });
      try {
        await db.tx((q) => notifyRole(q, city.id, 'office', event('case.assigned', '轮询')));
        const deadline = Date.now() + 5000;
        while ((await deliveries(city))[0]?.status !== 'sent' && Date.now() < deadline) await sleep(25);
        assert.equal((await deliveries(city))[0]!.status, 'sent');
      } finally {
        await w.stop();
      }
      await db.tx((q) => notifyReporters(q, city.id, crypto.randomUUID(), event('problem.merged')));
      await db.tx((q) => notifyRole(q, city.id, 'office', event('case.assigned', '停止之后')));
      await sleep(200);
      assert.equal((await deliveries(city)).find((r) => r.title === '停止之后')!.status, 'pending');
    });
  });
});
