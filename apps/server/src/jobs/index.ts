/**
 * Scheduled jobs on the database. Register a job per city with `schedule()`, give each
 * process a scheduler with the handlers (`startScheduler()`), and stop it on shutdown.
 *
 *   await schedule(db, cityId, 'daily-consolidation', 'daily 20:00');
 *   const scheduler = startScheduler(db, { workerId: `${os.hostname()}:${process.pid}`,
 *     handlers: { 'daily-consolidation': async ({ db, cityId, scheduledFor }) => { … } } });
 *   …
 *   await scheduler.stop({ timeoutMs: 8000 });
 *
 * Handlers must tolerate running again for the same `scheduledFor` (a retry after a failure
 * or a crash): make their writes idempotent, e.g. keyed by (city_id, scheduledFor).
 */
import type { Queryable } from '../db/index.ts';
import { DEFAULT_TIMEZONE, formatSchedule, nextRun } from './schedule.ts';

export { createScheduler, startScheduler } from './scheduler.ts';
export type { JobContext, JobHandler, JobLog, RunOutcome, Scheduler, SchedulerOptions } from './scheduler.ts';
export { nextRun, parseSchedule, formatSchedule, zoneOffsetMinutes, ScheduleError, DEFAULT_TIMEZONE } from './schedule.ts';
export type { Schedule } from './schedule.ts';

/**
 * Registers job `name` for the city, or updates its schedule (`'every 15m'`, `'daily 20:00'`,
 * `'weekly mon 09:00'`, `'monthly 1 09:00'`, in the city's time zone). Re-registering the
 * same schedule keeps its next due time, so it is safe at every start-up; a changed schedule
 * (or re-enabling a disabled job) starts counting from `now`. Throws ScheduleError on a bad spec.
 */
export async function schedule(q: Queryable, cityId: string, name: string, spec: string, opts: { now?: Date } = {}): Promise<{ nextRunAt: Date }> {
  const canonical = formatSchedule(spec);
  const now = opts.now ?? new Date();
  const tz = (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone ?? DEFAULT_TIMEZONE;
  const next = nextRun(canonical, now, tz);
  const rows = await q.query<{ next_run_at: Date }>(
    `INSERT INTO scheduled_jobs (city_id, name, schedule, enabled, next_run_at, created_at, updated_at)
     VALUES ($1, $2, $3, true, $4, $5, $5)
     ON CONFLICT (city_id, name) DO UPDATE SET
       next_run_at = CASE WHEN scheduled_jobs.schedule = EXCLUDED.schedule AND scheduled_jobs.enabled
                          THEN scheduled_jobs.next_run_at ELSE EXCLUDED.next_run_at END,
       schedule = EXCLUDED.schedule,
       enabled = true,
       updated_at = EXCLUDED.updated_at
     RETURNING next_run_at`,
    [cityId, name, canonical, next, now],
  );
  return { nextRunAt: new Date(rows[0]!.next_run_at) };
}

/** Disables job `name` for the city (its run history stays). Returns whether it existed. */
export async function unschedule(q: Queryable, cityId: string, name: string): Promise<boolean> {
  const rows = await q.query(`UPDATE scheduled_jobs SET enabled = false, updated_at = now() WHERE city_id = $1 AND name = $2 RETURNING name`, [cityId, name]);
  return rows.length > 0;
}
