/**
 * Test harness: one database and one app per test process (a PGlite with
 * PostGIS costs seconds to make), and a fresh city per test file, which every
 * query is scoped to anyway. `TEST_DATABASE_URL` switches to real PostgreSQL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserRole } from '@cityloop/domain';
import { loadConfig } from '../src/config.ts';
import { openPglite, openPostgres, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp, type App } from '../src/http/app.ts';
import { createCity } from '../src/modules/city/service.ts';
import { importAreas } from '../src/modules/areas/service.ts';
import { hashPassword } from '../src/modules/auth/service.ts';
import { systemActor } from '../src/http/actor.ts';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => fs.readFileSync(path.join(here, 'fixtures', name), 'utf8');
export const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
export const TEST_PASSWORD = 'test-password-1';

let dbPromise: Promise<Db> | null = null;
let appPromise: Promise<App> | null = null;

export function testDb(): Promise<Db> {
  dbPromise ??= (async () => {
    const db = process.env.TEST_DATABASE_URL ? await openPostgres(process.env.TEST_DATABASE_URL) : await openPglite(null);
    await migrate(db);
    return db;
  })();
  return dbPromise;
}

export function testApp(): Promise<App> {
  appPromise ??= (async () => {
    const db = await testDb();
    // Every spec logs in and uploads from 127.0.0.1; the per-address login ceiling has its own test in meta.spec.ts.
    const config = loadConfig({ LOG_LEVEL: 'silent', DEMO: '0', DATA_DIR: '/tmp/cityloop-test-unused', LOGIN_RATE_PER_IP: '100000', PUBLIC_RATE_PER_IP: '100000' });
    const app = await buildApp({ config, db, logger: false });
    await app.ready();
    return app;
  })();
  return appPromise;
}

export const allUserRoles: UserRole[] = ['admin', 'office', 'leader', 'inspector', 'expert', 'unit', 'thirdparty', 'discipline', 'citizen'];

export interface TestCity {
  id: string;
  code: string;
  /** user ids by username; one user per role named after it, plus `unit2` in another unit */
  users: Record<string, string>;
  units: { u1: string; u2: string; tp: string };
  districtId: string;
}

/**
 * A small city of its own: the fixture areas (one 片区 down to two grid cells),
 * two units and a third party, one user per role, and `unit2` in the second unit.
 */
export async function newCity(): Promise<TestCity> {
  const db = await testDb();
  const code = `t-${crypto.randomBytes(5).toString('hex')}`;
  const id = await db.tx((q) => createCity(q, { code, name: '测试市', nameEn: 'Test City', center: [113.66, 34.75] }));
  await importAreas(db, systemActor(id), fixture('areas.geojson'), {}, '127.0.0.1');
  const hash = await hashPassword(TEST_PASSWORD);
  const districtId = (await db.query<{ id: string }>(`SELECT id FROM areas WHERE city_id = $1 AND code = 'T-D1'`, [id]))[0]!.id;
  const unit = async (c: string, kind: string) =>
    (await db.query<{ id: string }>(`INSERT INTO units (city_id, code, name, kind) VALUES ($1, $2, $3, $4) RETURNING id`, [id, c, `单位${c}`, kind]))[0]!.id;
  const units = { u1: await unit('U1', 'government'), u2: await unit('U2', 'government'), tp: await unit('TP', 'third_party') };
  const users: Record<string, string> = {};
  const add = async (username: string, roles: string[], unitId: string | null, slot: string | null) => {
    users[username] = (
      await db.query<{ id: string }>(
        `INSERT INTO users (city_id, username, display_name, phone, password_hash, roles, unit_id, staff_slot)
         VALUES ($1, $2, $3, '13912345678', $4, $5, $6, $7) RETURNING id`,
        [id, username, `测试${username}`, hash, roles, unitId, slot],
      )
    )[0]!.id;
  };
  for (const role of allUserRoles) {
    await add(role, [role], role === 'unit' ? units.u1 : role === 'thirdparty' ? units.tp : null, role === 'unit' ? 'A' : null);
  }
  await add('unit2', ['unit'], units.u2, 'A');
  return { id, code, users, units, districtId };
}

export interface Client {
  readonly csrf: string | null;
  get(url: string, headers?: Record<string, string>): Promise<Res>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  delete(url: string, headers?: Record<string, string>): Promise<Res>;
}

export interface Res {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  json: <T = any>() => T;
}

function client(app: App, city: TestCity, cookie: string | null, csrf: string | null): Client {
  const send = async (method: string, url: string, body?: unknown, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { 'x-city': city.code, ...extra };
    if (cookie) headers.cookie = cookie;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    return { status: res.statusCode, headers: res.headers, body: res.body, json: () => res.json() };
  };
  return {
    csrf,
    get: (url, h) => send('GET', url, undefined, h),
    post: (url, b, h) => send('POST', url, b, h),
    patch: (url, b, h) => send('PATCH', url, b, h),
    put: (url, b, h) => send('PUT', url, b, h),
    delete: (url, h) => send('DELETE', url, undefined, h),
  };
}

/** A signed-in client for `username` of `city` (session cookie + CSRF token). */
export async function as(city: TestCity, username: string): Promise<Client> {
  const app = await testApp();
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: TEST_PASSWORD, city: city.code },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = res.cookies.find((c) => c.name === 'cl_session');
  return client(app, city, `cl_session=${setCookie!.value}`, res.json().csrfToken);
}

/** A client with no session at all. */
export async function anonymous(city: TestCity): Promise<Client> {
  return client(await testApp(), city, null, null);
}

/** A client authenticating with an API key. */
export async function withApiKey(city: TestCity, key: string): Promise<Client> {
  const app = await testApp();
  const c = client(app, city, null, null);
  const h = { 'x-api-key': key };
  return {
    csrf: null,
    get: (u, x) => c.get(u, { ...h, ...x }),
    post: (u, b, x) => c.post(u, b, { ...h, ...x }),
    patch: (u, b, x) => c.patch(u, b, { ...h, ...x }),
    put: (u, b, x) => c.put(u, b, { ...h, ...x }),
    delete: (u, x) => c.delete(u, { ...h, ...x }),
  };
}
