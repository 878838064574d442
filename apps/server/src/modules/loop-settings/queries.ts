import type { Queryable } from '../../db/index.ts';

export interface JobRow {
  name: string;
  schedule: string;
  enabled: boolean;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_status: string | null;
}

export async function loopJobs(q: Queryable, cityId: string, names: readonly string[]): Promise<JobRow[]> {
  return q.query<JobRow>(
    `SELECT name, schedule, enabled, next_run_at, last_run_at, last_status FROM scheduled_jobs
      WHERE city_id = $1 AND name = ANY($2::text[])`,
    [cityId, [...names]],
  );
}

export async function cityTimeZone(q: Queryable, cityId: string): Promise<string> {
  return (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone ?? 'Asia/Shanghai';
}
