/**
 * The job scheduler (src/jobs): the schedule language, and durable runs on the database —
 * once per due time, once across two schedulers (and two connection pools on PostgreSQL),
 * retries, takeover after a crash, graceful stop. Time is injected; nothing sleeps long.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { testDb } from './harness.ts';
import { openPostgres, type Db } from '../src/db/index.ts';
import { createCity } from '../src/modules/city/service.ts';
import {
  createScheduler,
  startScheduler,
  schedule,
  unschedule,
  nextRun,
  parseSchedule,
  formatSchedule,
  zoneOffsetMinutes,
  ScheduleError,
  type JobHandler,
  type Scheduler,
} from '../src/jobs/index.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('schedule language', () => {
  test('parses the four forms and rejects the rest', () => {
    assert.deepEqual(parseSchedule('every 15m'), { kind: 'every', ms: 900_000 });
    assert.deepEqual(parseSchedule(' Daily  20:00 '), { kind: 'daily', hour: 20, minute: 0 });
    assert.deepEqual(parseSchedule('weekly mon 09:00'), { kind: 'weekly', weekday: 1, hour: 9, minute: 0 });
    assert.deepEqual(parseSchedule('weekly sunday 7:30'), { kind: 'weekly', weekday: 0, hour: 7, minute: 30 });
    assert.deepEqual(parseSchedule('monthly 1 09:00'), { kind: 'monthly', day: 1, hour: 9, minute: 0 });
    assert.equal(formatSchedule('weekly MONDAY 9:05'), 'weekly mon 09:05');
    assert.equal(formatSchedule('every 120m'), 'every 2h');
    for (const bad of ['', 'hourly', 'every 0m', 'every 15', 'every 5x', 'daily 24:00', 'daily 20:60', 'daily', 'weekly xyz 09:00', 'monthly 0 09:00', 'monthly 32 09:00', 'daily 20:00 extra']) {
      assert.throws(() => parseSchedule(bad), ScheduleError, bad);
    }
  });

  test('Asia/Shanghai is UTC+8', () => {
    assert.equal(zoneOffsetMinutes('Asia/Shanghai', at('2026-07-01T00:00:00Z')), 480);
    assert.equal(zoneOffsetMinutes('UTC', at('2026-07-01T00:00:00Z')), 0);
    assert.throws(() => zoneOffsetMinutes('Mars/Olympus', new Date()), ScheduleError);
  });

  test('every: aligned to the wall clock, strictly after', () => {
    assert.equal(iso(nextRun('every 15m', at('2026-03-02T10:07:00Z'))), '2026-03-02T10:15:00.000Z');
    assert.equal(iso(nextRun('every 15m', at('2026-03-02T10:15:00Z'))), '2026-03-02T10:30:00.000Z');
    // a day is the city's day: local midnight is 16:00 UTC
    assert.equal(iso(nextRun('every 1d', at('2026-03-02T10:00:00Z'))), '2026-03-02T16:00:00.000Z');
  });

  test('daily 20:00 is 12:00 UTC, in the city zone', () => {
    assert.equal(iso(nextRun('daily 20:00', at('2026-03-02T11:59:59Z'))), '2026-03-02T12:00:00.000Z');
    assert.equal(iso(nextRun('daily 20:00', at('2026-03-02T12:00:00Z'))), '2026-03-03T12:00:00.000Z');
    // 16:30 UTC is already 00:30 on the 3rd in Shanghai
    assert.equal(iso(nextRun('daily 20:00', at('2026-03-02T16:30:00Z'))), '2026-03-03T12:00:00.000Z');
    assert.equal(iso(nextRun('daily 07:00', at('2026-03-02T16:30:00Z'))), '2026-03-02T23:00:00.000Z');
    // another zone when asked
    assert.equal(iso(nextRun('daily 20:00', at('2026-03-02T11:59:59Z'), 'UTC')), '2026-03-02T20:00:00.000Z');
  });

  test('weekly and monthly cross the date line of the zone', () => {
    // 2026-03-02 is a Monday. Sunday 20:00 UTC is already Monday 04:00 in Shanghai.
    assert.equal(iso(nextRun('weekly mon 09:00', at('2026-03-01T20:00:00Z'))), '2026-03-02T01:00:00.000Z');
    assert.equal(iso(nextRun('weekly mon 09:00', at('2026-03-02T01:00:00Z'))), '2026-03-09T01:00:00.000Z');
    assert.equal(iso(nextRun('weekly sun 23:30', at('2026-03-02T01:00:00Z'))), '2026-03-08T15:30:00.000Z');
    assert.equal(iso(nextRun('monthly 1 09:00', at('2026-02-28T17:00:00Z'))), '2026-03-01T01:00:00.000Z');
    assert.equal(iso(nextRun('monthly 1 09:00', at('2026-03-01T01:00:00Z'))), '2026-04-01T01:00:00.000Z');
    assert.equal(iso(nextRun('monthly 1 09:00', at('2026-12-15T00:00:00Z'))), '2027-01-01T01:00:00.000Z');
    // the 31st falls on the last day of a shorter month
    assert.equal(iso(nextRun('monthly 31 09:00', at('2026-02-01T00:00:00Z'))), '2026-02-28T01:00:00.000Z');
  });
});

/** A clock the test moves by hand. */
function clock(start: string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (s: string) => void (t = new Date(s).getTime()),
    add: (ms: number) => void (t += ms),
  };
}

const uniq = (name: string) => `${name}-${crypto.randomBytes(4).toString('hex')}`;

describe('scheduler', () => {
  let db: Db;
  let cityId: string;
  const extraPools: Db[] = [];

  before(async () => {
    db = await testDb();
    const code = `t-${crypto.randomBytes(5).toString('hex')}`;
    cityId = await db.tx((q) => createCity(q, { code, name: '任务市', nameEn: 'Jobs City', center: [113.66, 34.75] }));
  });
  after(async () => {
    for (const p of extraPools) await p.close();
  });

  const runs = (name: string) =>
    db.query<{ scheduled_for: Date; status: string; attempts: number; worker: string; error: string | null; retry_at: Date | null }>(
      `SELECT scheduled_for, status, attempts, worker, error, retry_at FROM job_runs WHERE city_id = $1 AND name = $2 ORDER BY scheduled_for`,
      [cityId, name],
    );
  const job = async (name: string) =>
    (await db.query<{ next_run_at: Date; last_status: string | null; enabled: boolean; schedule: string }>(
      `SELECT next_run_at, last_status, enabled, schedule FROM scheduled_jobs WHERE city_id = $1 AND name = $2`,
      [cityId, name],
    ))[0]!;

  test('schedule() registers, keeps the due time on re-registering, recomputes on a change', async () => {
    const name = uniq('reg');
    const first = await schedule(db, cityId, name, 'daily 20:00', { now: at('2026-03-02T00:00:00Z') });
    assert.equal(iso(first.nextRunAt), '2026-03-02T12:00:00.000Z');
    const again = await schedule(db, cityId, name, 'Daily 20:00', { now: at('2026-03-02T13:00:00Z') });
    assert.equal(iso(again.nextRunAt), '2026-03-02T12:00:00.000Z', 'same schedule keeps its due time');
    const changed = await schedule(db, cityId, name, 'weekly mon 09:00', { now: at('2026-03-02T13:00:00Z') });
    assert.equal(iso(changed.nextRunAt), '2026-03-09T01:00:00.000Z');
    assert.equal((await job(name)).schedule, 'weekly mon 09:00');
    await assert.rejects(schedule(db, cityId, name, 'hourly'), ScheduleError);
    assert.equal(await unschedule(db, cityId, name), true);
    assert.equal((await job(name)).enabled, false);
  });

  test('a daily job runs once per due time; missed days are coalesced into one run', async () => {
    const name = uniq('daily');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'daily 20:00', { now: c.now() });
    const calls: string[] = [];
    const s = createScheduler(db, { workerId: 'w1', now: c.now, handlers: { [name]: async (ctx) => void calls.push(iso(ctx.scheduledFor)) } });

    c.set('2026-03-02T11:59:59Z');
    assert.deepEqual(await s.tick(), []);
    c.set('2026-03-02T12:00:00Z');
    const out = await s.tick();
    assert.deepEqual(out.map((o) => [o.status, o.attempt]), [['done', 1]]);
    c.set('2026-03-02T12:05:00Z');
    await s.tick();
    await s.tick();
    assert.deepEqual(calls, ['2026-03-02T12:00:00.000Z']);
    assert.equal(iso((await job(name)).next_run_at), '2026-03-03T12:00:00.000Z');
    assert.equal((await job(name)).last_status, 'done');

    c.set('2026-03-03T12:00:30Z');
    await s.tick();
    // down for three days: one catch-up run, then the next due time after now
    c.set('2026-03-06T13:00:00Z');
    await s.tick();
    await s.tick();
    assert.deepEqual(calls, ['2026-03-02T12:00:00.000Z', '2026-03-03T12:00:00.000Z', '2026-03-04T12:00:00.000Z']);
    assert.equal(iso((await job(name)).next_run_at), '2026-03-07T12:00:00.000Z');
    const rows = await runs(name);
    assert.deepEqual(rows.map((r) => [r.status, r.attempts, r.worker]), [['done', 1, 'w1'], ['done', 1, 'w1'], ['done', 1, 'w1']]);
    await s.stop();
  });

  test('two schedulers polling concurrently run each due run exactly once', async () => {
    const names = Array.from({ length: 5 }, (_, i) => uniq(`conc${i}`));
    const c = clock('2026-03-02T00:00:00Z');
    for (const n of names) await schedule(db, cityId, n, 'every 1m', { now: c.now() });
    const calls = new Map<string, number>();
    const handler: JobHandler = async (ctx) => {
      const key = `${ctx.name}@${iso(ctx.scheduledFor)}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      await ctx.db.query(`SELECT 1`);
      await new Promise((r) => setTimeout(r, 2));
    };
    const handlers = Object.fromEntries(names.map((n) => [n, handler]));
    // On PostgreSQL the second scheduler has its own connection pool, like a second process.
    let db2 = db;
    if (process.env.TEST_DATABASE_URL) {
      db2 = await openPostgres(process.env.TEST_DATABASE_URL);
      extraPools.push(db2);
    }
    const s1 = createScheduler(db, { workerId: 'p1', now: c.now, handlers });
    const s2 = createScheduler(db2, { workerId: 'p2', now: c.now, handlers });
    const steps = 6;
    for (let i = 0; i < steps; i++) {
      c.add(60_000);
      await Promise.all([s1.tick(), s2.tick(), s2.tick(), s1.tick()]);
    }
    assert.equal(calls.size, names.length * steps);
    assert.ok([...calls.values()].every((n) => n === 1), 'every handler call is for a distinct run');
    const rows = await db.query<{ n: number; workers: string[] }>(
      `SELECT count(*)::int AS n, array_agg(DISTINCT worker ORDER BY worker) AS workers FROM job_runs
        WHERE city_id = $1 AND name = ANY($2::text[]) AND status = 'done' AND attempts = 1`,
      [cityId, names],
    );
    assert.equal(rows[0]!.n, names.length * steps);
    // each scheduler claims at most 4 at once (its concurrency), so with 5 due both took part
    assert.deepEqual(rows[0]!.workers, ['p1', 'p2']);
    await Promise.all([s1.stop(), s2.stop()]);
  });

  test('the unique key stops a second run for the same due time even if a schedule is rewound', async () => {
    const name = uniq('rewind');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'daily 20:00', { now: c.now() });
    let calls = 0;
    const s = createScheduler(db, { workerId: 'w1', now: c.now, handlers: { [name]: async () => void calls++ } });
    c.set('2026-03-02T12:00:00Z');
    await s.tick();
    // a stale process writes the old due time back: the run for it already exists
    await db.query(`UPDATE scheduled_jobs SET next_run_at = '2026-03-02T12:00:00Z' WHERE city_id = $1 AND name = $2`, [cityId, name]);
    c.set('2026-03-02T12:01:00Z');
    assert.deepEqual(await s.tick(), []);
    assert.equal(calls, 1);
    assert.equal((await runs(name)).length, 1);
    assert.equal(iso((await job(name)).next_run_at), '2026-03-03T12:00:00.000Z');
    await s.stop();
  });

  test('a failing handler is retried with backoff and then marked failed', async () => {
    const name = uniq('fail');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'daily 20:00', { now: c.now() });
    const attempts: number[] = [];
    const s = createScheduler(db, {
      workerId: 'w1',
      now: c.now,
      maxAttempts: 3,
      backoffMs: (n) => 1000 * 2 ** (n - 1),
      handlers: {
        [name]: async (ctx) => {
          attempts.push(ctx.attempt);
          throw new Error(`boom ${ctx.attempt}`);
        },
      },
    });
    c.set('2026-03-02T12:00:00Z');
    assert.deepEqual((await s.tick()).map((o) => o.status), ['failed']);
    let [r] = await runs(name);
    assert.equal(r!.status, 'failed');
    assert.equal(iso(r!.retry_at!), '2026-03-02T12:00:01.000Z');
    assert.equal((await job(name)).last_status, 'failed');
    c.set('2026-03-02T12:00:00.500Z');
    await s.tick();
    assert.deepEqual(attempts, [1], 'not before the backoff');
    c.set('2026-03-02T12:00:01Z');
    await s.tick();
    c.set('2026-03-02T12:00:02.999Z');
    await s.tick();
    c.set('2026-03-02T12:00:03Z');
    await s.tick();
    assert.deepEqual(attempts, [1, 2, 3]);
    c.set('2026-03-02T13:00:00Z');
    await s.tick();
    assert.deepEqual(attempts, [1, 2, 3], 'no attempt after the last');
    [r] = await runs(name);
    assert.equal(r!.status, 'failed');
    assert.equal(r!.attempts, 3);
    assert.equal(r!.retry_at, null);
    assert.match(r!.error!, /boom 3/);
    assert.equal((await runs(name)).length, 1);
    await s.stop();
  });

  test('a handler that fails once succeeds on its retry, for the same due time', async () => {
    const name = uniq('flaky');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'every 15m', { now: c.now() });
    const seen: string[] = [];
    const s = createScheduler(db, {
      workerId: 'w1',
      now: c.now,
      backoffMs: () => 60_000,
      handlers: {
        [name]: async (ctx) => {
          seen.push(`${iso(ctx.scheduledFor)}#${ctx.attempt}`);
          if (ctx.attempt === 1) throw new Error('transient');
        },
      },
    });
    c.set('2026-03-02T00:15:00Z');
    await s.tick();
    c.set('2026-03-02T00:16:00Z');
    await s.tick();
    assert.deepEqual(seen, ['2026-03-02T00:15:00.000Z#1', '2026-03-02T00:15:00.000Z#2']);
    const [r] = await runs(name);
    assert.equal(r!.status, 'done');
    assert.equal(r!.attempts, 2);
    assert.equal(r!.error, null);
    await s.stop();
  });

  test('a run left running by a stopped process is taken over after its lease and completed once', async () => {
    const name = uniq('crash');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'daily 20:00', { now: c.now() });
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let aborted = false;
    const completed: string[] = [];
    const s1 = createScheduler(db, {
      workerId: 'old',
      now: c.now,
      handlers: {
        [name]: async (ctx) => {
          ctx.signal.addEventListener('abort', () => (aborted = true));
          await stuck;
          completed.push('old');
        },
      },
    });
    c.set('2026-03-02T12:00:00Z');
    const firstTick = s1.tick();
    // wait until the run is claimed and its handler is hanging
    for (let i = 0; i < 100 && (await runs(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal((await runs(name))[0]?.status, 'running');
    assert.equal(await s1.stop({ timeoutMs: 30 }), false, 'stop gave up waiting');
    assert.equal(aborted, true);

    const s2 = createScheduler(db, { workerId: 'new', now: c.now, handlers: { [name]: async () => void completed.push('new') } });
    c.set('2026-03-02T12:09:00Z');
    assert.deepEqual(await s2.tick(), [], 'not within the lease');
    c.set('2026-03-02T12:10:00Z');
    const out = await s2.tick();
    assert.deepEqual(out.map((o) => [o.status, o.attempt, iso(o.scheduledFor)]), [['done', 2, '2026-03-02T12:00:00.000Z']]);

    // the old process finishing late does not overwrite the outcome
    release();
    assert.deepEqual((await firstTick).map((o) => o.status), ['lost']);
    const rows = await runs(name);
    assert.deepEqual(rows.map((r) => [r.status, r.attempts, r.worker]), [['done', 2, 'new']]);
    assert.deepEqual(completed, ['new', 'old']);
    c.set('2026-03-02T12:30:00Z');
    assert.deepEqual(await s2.tick(), []);
    await s2.stop();
  });

  test('polling runs due jobs by itself and stop() waits for the running handler', async () => {
    const name = uniq('poll');
    const c = clock('2026-03-02T00:00:00Z');
    await schedule(db, cityId, name, 'daily 20:00', { now: c.now() });
    c.set('2026-03-02T12:00:00Z');
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    let finished = false;
    const s: Scheduler = startScheduler(db, {
      workerId: 'poller',
      pollMs: 10,
      now: c.now,
      handlers: {
        [name]: async () => {
          started();
          await new Promise((r) => setTimeout(r, 50));
          finished = true;
        },
      },
    });
    await isStarted;
    assert.equal(await s.stop(), true);
    assert.equal(finished, true, 'stop() returned only after the handler finished');
    assert.deepEqual((await runs(name)).map((r) => r.status), ['done']);
    // stopped: nothing more is claimed
    c.set('2026-03-03T12:00:00Z');
    assert.deepEqual(await s.tick(), []);
  });
});
