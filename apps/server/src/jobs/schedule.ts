/**
 * A tiny schedule language for the job scheduler, pure (no I/O):
 *
 *   every 15m | every 30s | every 2h | every 1d   an interval, aligned to the city's wall clock
 *                                                 (every 15m → :00, :15, :30, :45)
 *   daily 20:00                                   every day at 20:00 city time
 *   weekly mon 09:00                              every Monday at 09:00 city time
 *   monthly 1 09:00                               the 1st of each month at 09:00 city time
 *                                                 (29–31 fall on the month's last day when shorter)
 *
 * Times are read in the city's IANA time zone (default Asia/Shanghai, UTC+8, which has no
 * daylight saving time). `nextRun(spec, after)` is the first due time strictly after `after`.
 */

export type Schedule =
  | { kind: 'every'; ms: number }
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekly'; weekday: number; hour: number; minute: number }
  | { kind: 'monthly'; day: number; hour: number; minute: number };

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const weekdayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function parseTime(s: string | undefined, spec: string): { hour: number; minute: number } {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s ?? '');
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) throw new ScheduleError(`bad time of day in schedule "${spec}" (want HH:MM)`);
  return { hour, minute };
}

/** Parses a schedule; throws ScheduleError on anything it does not understand. */
export function parseSchedule(spec: string): Schedule {
  const parts = spec.trim().toLowerCase().split(/\s+/);
  const [kind, a, b] = parts;
  switch (kind) {
    case 'every': {
      const m = parts.length === 2 ? /^(\d+)([smhd])$/.exec(a ?? '') : null;
      const n = Number(m?.[1]);
      if (!m || !(n > 0)) throw new ScheduleError(`bad interval in schedule "${spec}" (want e.g. "every 15m")`);
      return { kind: 'every', ms: n * units[m[2]!]! };
    }
    case 'daily':
      if (parts.length !== 2) break;
      return { kind: 'daily', ...parseTime(a, spec) };
    case 'weekly': {
      if (parts.length !== 3) break;
      const weekday = weekdays.findIndex((w, i) => a === w || a === weekdayNames[i]);
      if (weekday < 0) throw new ScheduleError(`bad weekday in schedule "${spec}" (want mon…sun)`);
      return { kind: 'weekly', weekday, ...parseTime(b, spec) };
    }
    case 'monthly': {
      if (parts.length !== 3) break;
      const day = /^\d{1,2}$/.test(a ?? '') ? Number(a) : NaN;
      if (!(day >= 1 && day <= 31)) throw new ScheduleError(`bad day of month in schedule "${spec}" (want 1…31)`);
      return { kind: 'monthly', day, ...parseTime(b, spec) };
    }
  }
  throw new ScheduleError(`unknown schedule "${spec}" (want "every 15m", "daily 20:00", "weekly mon 09:00" or "monthly 1 09:00")`);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC in minutes at instant `at` (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      throw new ScheduleError(`unknown time zone "${timeZone}"`);
    }
    offsetFormats.set(timeZone, f);
  }
  const name = f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):?(\d{2})?$/.exec(name);
  if (!m) return 0; // plain "GMT"
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Days in month `month0` (0-based) of `year`. */
const daysIn = (year: number, month0: number) => new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();

/** The first due time of `schedule` strictly after `after`, in zone `timeZone`. */
export function nextRun(schedule: Schedule | string, after: Date, timeZone: string = DEFAULT_TIMEZONE): Date {
  const s = typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
  const t = after.getTime();
  const off = zoneOffsetMinutes(timeZone, after) * 60_000;
  // A wall-clock time in the zone, written as if it were UTC, back to a real instant.
  const toInstant = (wall: number) => {
    const guess = wall - off;
    const off2 = zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
    return off2 === off ? guess : wall - off2;
  };
  const local = new Date(t + off); // its UTC fields are the zone's wall clock
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth();
  const d = local.getUTCDate();

  if (s.kind === 'every') {
    const wall = t + off;
    return new Date(toInstant(Math.floor(wall / s.ms) * s.ms + s.ms));
  }
  for (let step = 0; step < 3; step++) {
    let wall: number;
    if (s.kind === 'daily') {
      wall = Date.UTC(y, mo, d + step, s.hour, s.minute);
    } else if (s.kind === 'weekly') {
      const ahead = (s.weekday - local.getUTCDay() + 7) % 7;
      wall = Date.UTC(y, mo, d + ahead + 7 * step, s.hour, s.minute);
    } else {
      const first = new Date(Date.UTC(y, mo + step, 1));
      const yy = first.getUTCFullYear();
      const mm = first.getUTCMonth();
      wall = Date.UTC(yy, mm, Math.min(s.day, daysIn(yy, mm)), s.hour, s.minute);
    }
    const at = toInstant(wall);
    if (at > t) return new Date(at);
  }
  /* c8 ignore next */
  throw new Error(`no next run for ${JSON.stringify(s)} after ${after.toISOString()}`);
}

/** The canonical text of a schedule (what is stored), e.g. "weekly mon 09:00". */
export function formatSchedule(spec: string): string {
  const s = parseSchedule(spec);
  const hm = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  switch (s.kind) {
    case 'every': {
      for (const u of ['d', 'h', 'm', 's'] as const) if (s.ms % units[u]! === 0) return `every ${s.ms / units[u]!}${u}`;
      return `every ${s.ms / 1000}s`;
    }
    case 'daily':
      return `daily ${hm(s.hour, s.minute)}`;
    case 'weekly':
      return `weekly ${weekdays[s.weekday]} ${hm(s.hour, s.minute)}`;
    case 'monthly':
      return `monthly ${s.day} ${hm(s.hour, s.minute)}`;
  }
}
