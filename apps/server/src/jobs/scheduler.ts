/**
 * The durable job scheduler: schedules live in `scheduled_jobs`, runs in `job_runs`
 * (migrations/006_jobs.sql). Any number of server processes may run a scheduler on the
 * same database; each due run happens once.
 *
 * One poll:
 *  1. a short transaction claims work: due schedules (`FOR UPDATE SKIP LOCKED`), for each a
 *     `job_runs` row (its unique key (city_id, name, scheduled_for) is the once-only guard,
 *     `ON CONFLICT DO NOTHING`) and next_run_at advanced; plus failed runs due for a retry and
 *     runs left 'running' by a crashed process (lease passed); then commits;
 *  2. the handlers run outside any transaction (PGlite has one connection);
 *  3. each outcome is written back — only if this worker still holds the run (worker and
 *     attempt match), so a run taken over after a lease expiry is not overwritten.
 *
 * Missed due times (the server was down) are coalesced: one run, then the next due time after
 * now. Time comes from `now()` everywhere (never SQL `now()`), so tests drive it.
 */
import type { Db, Queryable } from '../db/index.ts';
import { nextRun } from './schedule.ts';

export interface JobLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobContext {
  db: Db;
  cityId: string;
  name: string;
  runId: string;
  /** the due time this run is for (stable across retries) */
  scheduledFor: Date;
  /** 1 for the first attempt */
  attempt: number;
  /** the scheduler's clock */
  now: () => Date;
  /** aborted when the scheduler gives up waiting on shutdown; a long handler should stop at a safe point */
  signal: AbortSignal;
  log: JobLog;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

export interface SchedulerOptions {
  /** handlers by job name; a scheduler only claims jobs it has a handler for */
  handlers: Record<string, JobHandler>;
  /** this process's name in job_runs.worker, e.g. `${hostname}:${pid}` */
  workerId: string;
  /** poll interval in ms (default 5000) */
  pollMs?: number;
  now?: () => Date;
  log?: JobLog;
  /** attempts before a run is marked failed for good (default 5) */
  maxAttempts?: number;
  /** delay before retry after failed attempt n (default 1 min × 2^(n−1), at most 1 h) */
  backoffMs?: (attempt: number) => number;
  /** a 'running' run older than this is taken to be orphaned by a crash (default 10 min); renewed while the handler runs */
  leaseMs?: number;
  /** runs in flight at once in this process (default 4) */
  concurrency?: number;
}

export interface RunOutcome {
  cityId: string;
  name: string;
  runId: string;
  scheduledFor: Date;
  attempt: number;
  /** 'lost': the run was taken over by another worker meanwhile and this outcome not recorded */
  status: 'done' | 'failed' | 'lost';
  error?: string;
}

export interface Scheduler {
  readonly workerId: string;
  /** One poll: claims what is due now, runs it, and resolves when those runs are recorded. */
  tick(): Promise<RunOutcome[]>;
  /** Starts polling every pollMs (idempotent). */
  start(): void;
  /**
   * Stops polling and waits for the runs in flight. With `timeoutMs`, gives up waiting after
   * that long (aborting their signals; their runs stay 'running' until the lease lets another
   * worker retry them). Resolves true when everything finished.
   */
  stop(opts?: { timeoutMs?: number }): Promise<boolean>;
}

const silent: JobLog = { info() {}, warn() {}, error() {} };

interface Claim {
  cityId: string;
  runId: string;
  name: string;
  scheduledFor: Date;
  attempt: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.stack || err.message : String(err)).slice(0, 4000);

export function createScheduler(db: Db, opts: SchedulerOptions): Scheduler {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? silent;
  const pollMs = opts.pollMs ?? 5000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? ((n: number) => Math.min(60_000 * 2 ** (n - 1), 3_600_000));
  const leaseMs = opts.leaseMs ?? 10 * 60_000;
  const concurrency = opts.concurrency ?? 4;
  const names = Object.keys(opts.handlers);
  const worker = opts.workerId;

  const inflight = new Map<Promise<RunOutcome>, AbortController>();
  let claiming: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopped = false;

  /** The claim transaction: due schedules, then retries and orphaned runs. */
  async function claim(limit: number): Promise<Claim[]> {
    if (limit <= 0 || names.length === 0) return [];
    const at = now();
    const lease = new Date(at.getTime() + leaseMs);
    return db.tx(async (q) => {
      const out: Claim[] = [];
      const due = await q.query<{ city_id: string; name: string; schedule: string; next_run_at: Date; timezone: string }>(
        `SELECT j.city_id, j.name, j.schedule, j.next_run_at, c.timezone
           FROM scheduled_jobs j JOIN cities c ON c.id = j.city_id
          WHERE j.enabled AND j.next_run_at <= $1 AND j.name = ANY($2::text[])
          ORDER BY j.next_run_at
          LIMIT $3
          FOR UPDATE OF j SKIP LOCKED`,
        [at, names, limit],
      );
      for (const j of due) {
        let next: Date;
        try {
          next = nextRun(j.schedule, at, j.timezone);
        } catch (err) {
          log.error({ err, cityId: j.city_id, job: j.name, schedule: j.schedule }, 'unreadable schedule; job disabled');
          await q.query(`UPDATE scheduled_jobs SET enabled = false, updated_at = $3 WHERE city_id = $1 AND name = $2`, [j.city_id, j.name, at]);
          continue;
        }
        const scheduledFor = new Date(j.next_run_at);
        const inserted = await q.query<{ id: string }>(
          `INSERT INTO job_runs (city_id, name, scheduled_for, status, attempts, started_at, lease_until, worker)
           VALUES ($1, $2, $3, 'running', 1, $4, $5, $6)
           ON CONFLICT (city_id, name, scheduled_for) DO NOTHING
           RETURNING id`,
          [j.city_id, j.name, scheduledFor, at, lease, worker],
        );
        if (inserted[0]) {
          await q.query(
            `UPDATE scheduled_jobs SET next_run_at = $3, last_run_at = $4, last_status = 'running', updated_at = $4
              WHERE city_id = $1 AND name = $2`,
            [j.city_id, j.name, next, at],
          );
          out.push({ cityId: j.city_id, runId: inserted[0].id, name: j.name, scheduledFor, attempt: 1 });
        } else {
          await q.query(`UPDATE scheduled_jobs SET next_run_at = $3, updated_at = $4 WHERE city_id = $1 AND name = $2`, [
            j.city_id,
            j.name,
            next,
            at,
          ]);
        }
      }
      if (out.length >= limit) return out;
      const again = await q.query<{ city_id: string; id: string; name: string; scheduled_for: Date; attempts: number; status: string }>(
        `SELECT city_id, id, name, scheduled_for, attempts, status
           FROM job_runs
          WHERE name = ANY($2::text[])
            AND ((status = 'failed' AND retry_at <= $1) OR (status = 'running' AND lease_until <= $1))
          ORDER BY scheduled_for
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [at, names, limit - out.length],
      );
      for (const r of again) {
        if (r.status === 'running' && r.attempts >= maxAttempts) {
          await q.query(
            `UPDATE job_runs SET status = 'failed', finished_at = $3, lease_until = NULL, retry_at = NULL,
                    error = coalesce(error || E'\n', '') || 'lease expired on the last attempt (the worker stopped or crashed)'
              WHERE city_id = $1 AND id = $2`,
            [r.city_id, r.id, at],
          );
          await q.query(`UPDATE scheduled_jobs SET last_status = 'failed' WHERE city_id = $1 AND name = $2`, [r.city_id, r.name]);
          log.error({ cityId: r.city_id, job: r.name, runId: r.id }, 'job run orphaned on its last attempt; marked failed');
          continue;
        }
        if (r.status === 'running') log.warn({ cityId: r.city_id, job: r.name, runId: r.id }, 'taking over an orphaned job run');
        await q.query(
          `UPDATE job_runs SET status = 'running', attempts = attempts + 1, started_at = $3, lease_until = $4, worker = $5,
                  retry_at = NULL, finished_at = NULL
            WHERE city_id = $1 AND id = $2`,
          [r.city_id, r.id, at, lease, worker],
        );
        await q.query(`UPDATE scheduled_jobs SET last_run_at = $3, last_status = 'running' WHERE city_id = $1 AND name = $2`, [
          r.city_id,
          r.name,
          at,
        ]);
        out.push({ cityId: r.city_id, runId: r.id, name: r.name, scheduledFor: new Date(r.scheduled_for), attempt: r.attempts + 1 });
      }
      return out;
    });
  }

  /** `UPDATE … WHERE` this worker still holds the run. */
  const held = `city_id = $1 AND id = $2 AND worker = $3 AND attempts = $4 AND status = 'running'`;
  const heldParams = (c: Claim) => [c.cityId, c.runId, worker, c.attempt];

  async function record(c: Claim, error: unknown, failed: boolean): Promise<RunOutcome> {
    const base = { cityId: c.cityId, name: c.name, runId: c.runId, scheduledFor: c.scheduledFor, attempt: c.attempt };
    const at = now();
    const finalFailure = c.attempt >= maxAttempts;
    const status = failed ? 'failed' : 'done';
    const ok = await db.tx(async (q: Queryable) => {
      const rows = failed
        ? await q.query(
            `UPDATE job_runs SET status = 'failed', finished_at = $5, lease_until = NULL, error = $6, retry_at = $7 WHERE ${held} RETURNING id`,
            [...heldParams(c), at, errorText(error), finalFailure ? null : new Date(at.getTime() + backoffMs(c.attempt))],
          )
        : await q.query(
            `UPDATE job_runs SET status = 'done', finished_at = $5, lease_until = NULL, error = NULL, retry_at = NULL WHERE ${held} RETURNING id`,
            [...heldParams(c), at],
          );
      if (rows.length === 0) return false;
      await q.query(`UPDATE scheduled_jobs SET last_status = $3 WHERE city_id = $1 AND name = $2`, [c.cityId, c.name, status]);
      return true;
    });
    if (!ok) {
      log.warn({ ...base, worker }, 'job run was taken over by another worker; outcome not recorded');
      return { ...base, status: 'lost' };
    }
    if (failed) {
      log[finalFailure ? 'error' : 'warn'](
        { ...base, err: error },
        finalFailure ? `job failed after ${c.attempt} attempts` : 'job attempt failed; will retry',
      );
      return { ...base, status: 'failed', error: errorText(error) };
    }
    log.info(base, 'job done');
    return { ...base, status: 'done' };
  }

  async function execute(c: Claim, ac: AbortController): Promise<RunOutcome> {
    const handler = opts.handlers[c.name]!;
    // Renew the lease while the handler runs, so a long run is not taken for an orphan.
    const renew = setInterval(
      () => {
        db.query(`UPDATE job_runs SET lease_until = $5 WHERE ${held}`, [...heldParams(c), new Date(now().getTime() + leaseMs)]).catch((err) =>
          log.warn({ err, job: c.name, runId: c.runId }, 'could not renew the job lease'),
        );
      },
      Math.max(1000, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    let error: unknown;
    let failed = false;
    try {
      await handler({ db, cityId: c.cityId, name: c.name, runId: c.runId, scheduledFor: c.scheduledFor, attempt: c.attempt, now, signal: ac.signal, log });
    } catch (err) {
      error = err;
      failed = true;
    } finally {
      clearInterval(renew);
    }
    try {
      return await record(c, error, failed);
    } catch (err) {
      // The database is unavailable: the run stays 'running' and is retried after its lease.
      log.error({ err, job: c.name, runId: c.runId }, 'could not record the job outcome');
      return { cityId: c.cityId, name: c.name, runId: c.runId, scheduledFor: c.scheduledFor, attempt: c.attempt, status: 'lost', error: errorText(err) };
    }
  }

  /** Claims (one claim at a time per scheduler) and launches the handlers; returns their outcomes' promises. */
  function claimAndLaunch(): Promise<Promise<RunOutcome>[]> {
    const launched = claiming.then(async () => {
      if (stopped) return [];
      const claims = await claim(concurrency - inflight.size);
      return claims.map((c) => {
        const ac = new AbortController();
        const p = execute(c, ac);
        inflight.set(p, ac);
        void p.finally(() => inflight.delete(p));
        return p;
      });
    });
    claiming = launched.catch(() => undefined);
    return launched;
  }

  async function poll() {
    timer = null;
    try {
      await claimAndLaunch();
    } catch (err) {
      log.error({ err }, 'job poll failed');
    }
    if (running && !stopped) {
      timer = setTimeout(poll, pollMs);
    }
  }

  return {
    workerId: worker,
    async tick() {
      return Promise.all(await claimAndLaunch());
    },
    start() {
      if (running || stopped) return;
      running = true;
      timer = setTimeout(poll, 0);
    },
    async stop({ timeoutMs } = {}) {
      stopped = true;
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      const all = (async () => {
        await claiming;
        await Promise.allSettled([...inflight.keys()]);
      })();
      if (timeoutMs === undefined) {
        await all;
        return true;
      }
      let t: NodeJS.Timeout | undefined;
      const finished = await Promise.race([all.then(() => true), new Promise<boolean>((r) => (t = setTimeout(() => r(false), timeoutMs)))]);
      clearTimeout(t);
      if (!finished) {
        for (const ac of inflight.values()) ac.abort(new Error('scheduler stopped'));
        log.warn({ worker, inflight: inflight.size }, 'scheduler stopped with job runs still in flight; their leases will expire');
      }
      return finished;
    },
  };
}

/** Creates a scheduler and starts polling. */
export function startScheduler(db: Db, opts: SchedulerOptions): Scheduler {
  const s = createScheduler(db, opts);
  s.start();
  return s;
}
