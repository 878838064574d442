/**
 * When the loop's jobs run, per city (jobs/loop.ts): stored in cities.settings.loop, edited by
 * the admin or the office. A change re-registers the jobs in the same transaction, so the
 * scheduler of every server process picks up the new times at its next poll.
 */
import { loopJobNames, loopSettingsProblems, type LoopSettings } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { readLoopSettings, registerLoopJobs } from '../../jobs/loop.ts';
import { recordAudit } from '../audit/service.ts';
import { updateCitySettings } from '../city/service.ts';
import { cityTimeZone, loopJobs } from './queries.ts';
import type { LoopSettingsBodyT, LoopSettingsViewT } from './schemas.ts';

export async function getLoopSettings(db: Db, cityId: string): Promise<LoopSettingsViewT> {
  const [settings, jobs, timezone] = await Promise.all([
    readLoopSettings(db, cityId),
    loopJobs(db, cityId, loopJobNames),
    cityTimeZone(db, cityId),
  ]);
  const byName = new Map(jobs.map((j) => [j.name, j]));
  return {
    settings,
    timezone,
    jobs: loopJobNames.map((name) => {
      const j = byName.get(name);
      return {
        name,
        schedule: j?.schedule ?? '',
        nextRunAt: j?.enabled && j.next_run_at ? new Date(j.next_run_at).toISOString() : null,
        lastRunAt: j?.last_run_at ? new Date(j.last_run_at).toISOString() : null,
        lastStatus: (j?.last_status as 'running' | 'done' | 'failed' | null) ?? null,
      };
    }),
  };
}

export async function updateLoopSettings(db: Db, actor: Actor, patch: LoopSettingsBodyT, ip: string): Promise<LoopSettingsViewT> {
  await db.tx(async (q) => {
    const before = await readLoopSettings(q, actor.cityId);
    const after: LoopSettings = { ...before, ...patch };
    const bad = loopSettingsProblems(after);
    if (bad.length > 0) throw new AppError('loop.invalid_settings', { fields: bad });
    await updateCitySettings(q, actor.cityId, { loop: after });
    const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => before[k as keyof LoopSettings] !== v));
    await recordAudit(q, actor, { action: 'loop.settings', targetType: 'city', targetId: actor.cityId, details: { changed, before }, ip });
    // a changed time restarts that job's clock from now; unchanged ones keep their due time
    await registerLoopJobs(q, actor.cityId);
  });
  return getLoopSettings(db, actor.cityId);
}
