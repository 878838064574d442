/**
 * The rectification loop's scheduled jobs (SPEC.md M6, M7): what runs by itself, when, and
 * which handler does it. Times come from the city's loop settings (cities.settings.loop,
 * edited through GET/PUT /api/v1/loop-settings), defaults in the domain's defaultLoopSettings:
 *
 *   escalation-sweep     daily 09:00        一级督办: missed weekly reports, overdue cases; reminders
 *   verification-sweep   weekly mon 09:00   二级督办: the office's on-site checks of the fortnight
 *   interview-list       monthly 1 09:00    三级督办: the month's interview list
 *   daily-consolidation  daily 20:00        每日会商: the day's problem list compiled
 *   consolidation-push   daily 08:00        the list pushed to the responsible units
 *   recheck-sampling     monthly 1 10:00    回头看: a sample of closed cases (rate 0.3)
 *
 * Every handler is idempotent for its run (see modules/escalation/service.ts), so the
 * scheduler's retries and takeovers after a crash do each thing once.
 */
import {
  defaultLoopSettings,
  loopJobNames,
  loopSchedules,
  loopSettingsProblems,
  type LoopJobName,
  type LoopSettings,
} from '@cityloop/domain';
import type { Db, Queryable } from '../db/index.ts';
import { compileConsolidation, pushConsolidation } from '../modules/consolidation/service.ts';
import { sweepEscalations, sweepInterviews, sweepVerification } from '../modules/escalation/service.ts';
import { sampleRechecks } from '../modules/recheck/service.ts';
import { formatSchedule, schedule } from './index.ts';
import type { JobHandler } from './scheduler.ts';

/** The city's loop settings: the stored ones over the defaults (a stored value that no longer checks out falls back). */
export async function readLoopSettings(q: Queryable, cityId: string): Promise<LoopSettings> {
  const rows = await q.query<{ loop: Partial<LoopSettings> | null }>(`SELECT settings->'loop' AS loop FROM cities WHERE id = $1`, [cityId]);
  const merged = { ...defaultLoopSettings, ...(rows[0]?.loop ?? {}) };
  const bad = new Set(loopSettingsProblems(merged));
  for (const k of bad) (merged as Record<string, unknown>)[k] = defaultLoopSettings[k as keyof LoopSettings];
  return merged;
}

/**
 * Registers (or re-times) the loop's jobs for one city. Idempotent: an unchanged schedule
 * keeps its next due time, so it is safe at every start-up; pass `q` inside a transaction.
 */
export async function registerLoopJobs(q: Queryable, cityId: string, opts: { now?: Date } = {}): Promise<Record<LoopJobName, Date>> {
  const specs = loopSchedules(await readLoopSettings(q, cityId));
  const out = {} as Record<LoopJobName, Date>;
  for (const name of loopJobNames) out[name] = (await schedule(q, cityId, name, specs[name], opts)).nextRunAt;
  return out;
}

/**
 * Start-up and now and then: every city has the loop's jobs at the times its settings say.
 * One query finds the cities whose registrations are missing or differ; only those are
 * (re-)registered, so a database with many cities starts quickly. Answers how many.
 */
export async function ensureLoopJobs(db: Db, opts: { now?: Date } = {}): Promise<number> {
  const rows = await db.query<{ id: string; jobs: Record<string, string> | null }>(
    `SELECT c.id, (SELECT jsonb_object_agg(j.name, j.schedule) FROM scheduled_jobs j
                    WHERE j.city_id = c.id AND j.enabled AND j.name = ANY($1::text[])) AS jobs
       FROM cities c ORDER BY c.created_at`,
    [[...loopJobNames]],
  );
  let changed = 0;
  for (const r of rows) {
    const want = loopSchedules(await readLoopSettings(db, r.id));
    const stale = loopJobNames.some((n) => r.jobs?.[n] !== formatSchedule(want[n]));
    if (!stale) continue;
    await db.tx((q) => registerLoopJobs(q, r.id, opts));
    changed += 1;
  }
  return changed;
}

/** The handlers, by job name, for startScheduler. */
export function loopHandlers(): Record<LoopJobName, JobHandler> {
  return {
    // level 1 runs on the clock of the run (its keys come from each case's own dates), so a
    // late or retried run sees the cases as they are now
    'escalation-sweep': async (ctx) => {
      const r = await sweepEscalations(ctx.db, ctx.cityId, { now: ctx.now(), signal: ctx.signal });
      ctx.log.info({ cityId: ctx.cityId, job: ctx.name, ...r }, 'escalation sweep');
    },
    // levels 2 and 3 are keyed by the period of the due time, which a retry keeps
    'verification-sweep': async (ctx) => {
      const r = await sweepVerification(ctx.db, ctx.cityId, { now: ctx.scheduledFor, signal: ctx.signal });
      ctx.log.info({ cityId: ctx.cityId, job: ctx.name, ...r }, 'verification sweep');
    },
    'interview-list': async (ctx) => {
      const r = await sweepInterviews(ctx.db, ctx.cityId, { now: ctx.scheduledFor, signal: ctx.signal });
      ctx.log.info({ cityId: ctx.cityId, job: ctx.name, ...r }, 'interview list');
    },
    'daily-consolidation': async (ctx) => {
      await compileConsolidation(ctx.db, ctx.cityId, ctx.scheduledFor);
    },
    'consolidation-push': async (ctx) => {
      await pushConsolidation(ctx.db, ctx.cityId, ctx.scheduledFor);
    },
    'recheck-sampling': async (ctx) => {
      const { recheckRate } = await readLoopSettings(ctx.db, ctx.cityId);
      await sampleRechecks(ctx.db, ctx.cityId, { scheduledFor: ctx.scheduledFor, rate: recheckRate });
    },
  };
}
