import type { Queryable } from '../../db/index.ts';

export type DayKind = 'holiday' | 'workday';
export type CalendarSource = 'official' | 'admin';

export interface DayRow {
  day: string;
  kind: DayKind;
  name: string;
  source: CalendarSource;
}

export interface DayInput {
  day: string;
  kind: DayKind;
  name: string;
}

// `day` leaves the database as text: node-postgres would turn a `date` into a local-midnight Date.
const dayCols = `to_char(day, 'YYYY-MM-DD') AS day, kind, name, source`;

export async function allDays(q: Queryable, cityId: string): Promise<DayRow[]> {
  return q.query<DayRow>(`SELECT ${dayCols} FROM calendar_days WHERE city_id = $1 ORDER BY day`, [cityId]);
}

export async function daysOfYear(q: Queryable, cityId: string, year: number): Promise<DayRow[]> {
  return q.query<DayRow>(
    `SELECT ${dayCols} FROM calendar_days
      WHERE city_id = $1 AND day >= make_date($2, 1, 1) AND day < make_date($2 + 1, 1, 1)
      ORDER BY day`,
    [cityId, year],
  );
}

export async function dayRow(q: Queryable, cityId: string, day: string): Promise<DayRow | undefined> {
  return (await q.query<DayRow>(`SELECT ${dayCols} FROM calendar_days WHERE city_id = $1 AND day = $2::date`, [cityId, day]))[0];
}

export async function yearSource(q: Queryable, cityId: string, year: number): Promise<CalendarSource | null> {
  const rows = await q.query<{ source: CalendarSource }>(`SELECT source FROM calendar_years WHERE city_id = $1 AND year = $2`, [cityId, year]);
  return rows[0]?.source ?? null;
}

export async function recordedYears(q: Queryable, cityId: string): Promise<number[]> {
  return (await q.query<{ year: number }>(`SELECT year FROM calendar_years WHERE city_id = $1`, [cityId])).map((r) => r.year);
}

/** Claims the year; true only for the one caller (process, transaction) that recorded it. */
export async function claimYear(q: Queryable, cityId: string, year: number, source: CalendarSource): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO calendar_years (city_id, year, source) VALUES ($1, $2, $3) ON CONFLICT (city_id, year) DO NOTHING RETURNING year`,
    [cityId, year, source],
  );
  return rows.length === 1;
}

/** Inserts days; `overwrite` replaces a day already there, otherwise it is kept (an admin's edit wins over a seed). */
export async function insertDays(q: Queryable, cityId: string, days: DayInput[], source: CalendarSource, overwrite: boolean): Promise<void> {
  if (days.length === 0) return;
  await q.query(
    `INSERT INTO calendar_days (city_id, day, kind, name, source)
     SELECT $1, t.d::date, t.k, t.n, $5
       FROM unnest($2::text[], $3::text[], $4::text[]) AS t(d, k, n)
     ON CONFLICT (city_id, day) DO ${
       overwrite ? 'UPDATE SET kind = excluded.kind, name = excluded.name, source = excluded.source, updated_at = now()' : 'NOTHING'
     }`,
    [cityId, days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name), source],
  );
}

export async function upsertDay(q: Queryable, cityId: string, d: DayInput): Promise<void> {
  await insertDays(q, cityId, [d], 'admin', true);
}

export async function deleteDay(q: Queryable, cityId: string, day: string): Promise<boolean> {
  return (await q.query(`DELETE FROM calendar_days WHERE city_id = $1 AND day = $2::date RETURNING day`, [cityId, day])).length === 1;
}

export async function bumpVersion(q: Queryable, cityId: string): Promise<void> {
  await q.query(
    `INSERT INTO calendar_versions (city_id, version) VALUES ($1, 1)
     ON CONFLICT (city_id) DO UPDATE SET version = calendar_versions.version + 1`,
    [cityId],
  );
}

export async function calendarVersion(q: Queryable, cityId: string): Promise<number> {
  const rows = await q.query<{ version: number }>(`SELECT version::int AS version FROM calendar_versions WHERE city_id = $1`, [cityId]);
  return rows[0]?.version ?? 0;
}

export async function cityTimeZone(q: Queryable, cityId: string): Promise<string | undefined> {
  return (await q.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone;
}
