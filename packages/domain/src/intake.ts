/**
 * Clue intake (SPEC.md M3, DESIGN.md "Reports and problems are two things").
 *
 * A report is one clue from one source and keeps its own ticket for ever; a
 * problem is what the office judges, and may gather many reports. These are
 * the pure rules around them: sources, problem states, ticket numbers, where a
 * report is placed, which unit a problem is proposed to, and who sees a
 * reporter's name and phone.
 */
import { maskName, maskPhone } from './accounts.ts';
import type { UnitDuty } from './org.ts';
import type { Role } from './roles.ts';

export const reportSources = ['citizen', 'hotline', 'open311', 'sensor', 'detection', 'audit', 'inspection'] as const;
export type ReportSource = (typeof reportSources)[number];
export const reportSourceLabels: Record<ReportSource, { zh: string; en: string }> = {
  citizen: { zh: '市民随手拍', en: 'Citizen snapshot' },
  hotline: { zh: '12345热线', en: '12345 hotline' },
  open311: { zh: 'Open311', en: 'Open311' },
  sensor: { zh: '物联感知', en: 'Sensor reading' },
  detection: { zh: '智能识别', en: 'Image detection' },
  audit: { zh: '审计发现', en: 'Audit finding' },
  inspection: { zh: '现场视察', en: 'Field inspection' },
};

/**
 * Problem states (SPEC.md M7) are the case states of the rectification loop
 * (caseStateMachine.ts), one list for both. Each belongs to a category that
 * boards, KPIs and Open311's `status` read. `merged` is a problem folded into
 * another: its reports follow the one it was merged into.
 */
export { caseStates as problemStatuses, caseStateInfo as problemStatusInfo } from './caseStateMachine.ts';
export type { CaseState as ProblemStatus, CaseStateCategory as ProblemStatusCategory } from './caseStateMachine.ts';

import { caseActions, caseEventActions, caseStateInfo, type CaseState as ProblemStatus } from './caseStateMachine.ts';

/** Still being worked on: a new report of the same thing here joins it rather than opening another. */
export function isOpenProblem(status: ProblemStatus): boolean {
  return caseStateInfo[status].category !== 'closed';
}

/** What the append-only history of a problem records. */
/** A problem's history: the pool's own events, then every loop transition and the loop's other events. */
export const problemEventActions = [
  'created',
  'report_added',
  'merged_into',
  'merged_from',
  'split_from',
  'split_into',
  'category_overridden',
  'status_changed',
  /** the office set the point of a clue that came without one (需定位), or corrected it */
  'located',
  ...caseActions,
  ...caseEventActions,
] as const;
export type ProblemEventAction = (typeof problemEventActions)[number];

// ---------------------------------------------------------------- tickets

/**
 * The letters a city's tickets start with: configured, else the first two
 * letters of the city code (zhengzhou → ZH), else CL.
 */
export function ticketPrefix(cityCode: string, configured?: string | null): string {
  if (configured && /^[A-Z]{1,6}$/.test(configured)) return configured;
  const letters = cityCode.toUpperCase().replace(/[^A-Z]/g, '');
  return letters.length >= 2 ? letters.slice(0, 2) : 'CL';
}

/** ZZ + the day in the city's zone + a per-city, per-day sequence: ZZ20261125-000123. */
export function formatTicket(prefix: string, day: string, seq: number): string {
  if (!/^\d{8}$/.test(day)) throw new Error(`ticket day must be YYYYMMDD, got ${day}`);
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`ticket sequence must be a positive integer, got ${seq}`);
  return `${prefix}${day}-${String(seq).padStart(6, '0')}`;
}

const ticketRe = /^[A-Z]{1,6}\d{8}-\d{6,}$/;

/** A typed-in ticket, tidied (spaces, lower case) — or null when it cannot be one. */
export function normaliseTicket(input: string): string | null {
  const t = input.trim().toUpperCase().replace(/\s+/g, '');
  return ticketRe.test(t) ? t : null;
}

// ---------------------------------------------------------------- location

export interface LngLat {
  lng: number;
  lat: number;
}

export function isValidLngLat(p: Partial<LngLat> | null | undefined): p is LngLat {
  return (
    !!p &&
    typeof p.lng === 'number' &&
    typeof p.lat === 'number' &&
    Number.isFinite(p.lng) &&
    Number.isFinite(p.lat) &&
    Math.abs(p.lng) <= 180 &&
    Math.abs(p.lat) <= 90 &&
    !(p.lng === 0 && p.lat === 0) // "null island": a GPS chip that had no fix
  );
}

/**
 * Where a report is: the place the reporter gave (the phone's location or a map
 * pick), else the GPS of the first photo that has one, else nowhere.
 */
export function chooseLocation(
  given: Partial<LngLat> | null | undefined,
  photos: readonly (Partial<LngLat> | null | undefined)[],
): (LngLat & { from: 'given' | 'photo' }) | null {
  if (isValidLngLat(given)) return { lng: given.lng, lat: given.lat, from: 'given' };
  for (const p of photos) if (isValidLngLat(p)) return { lng: p.lng, lat: p.lat, from: 'photo' };
  return null;
}

// ---------------------------------------------------------------- routing

export interface RoutableUnit {
  id: string;
  code: string;
  duties: readonly string[];
  districtId: string | null;
  active: boolean;
}

/**
 * The unit a problem is proposed to (SPEC.md M3 "route it … taxonomy × area").
 * `district` (属地管理) means the district government of the place; any other
 * duty means the city unit carrying it, preferring one without a district
 * (a city bureau) over a district's own office with the same duty, then one
 * of the report's district. Ties go to the lowest code, so routing is stable.
 */
export function routeUnit(duty: UnitDuty | null | undefined, districtId: string | null, units: readonly RoutableUnit[]): string | null {
  if (!duty) return null;
  const active = units.filter((u) => u.active && u.duties.includes(duty));
  const byCode = (a: RoutableUnit, b: RoutableUnit) => a.code.localeCompare(b.code);
  if (duty === 'district') {
    if (!districtId) return null;
    return active.filter((u) => u.districtId === districtId).sort(byCode)[0]?.id ?? null;
  }
  const cityWide = active.filter((u) => u.districtId === null).sort(byCode);
  if (cityWide.length) return cityWide[0]!.id;
  const local = active.filter((u) => districtId !== null && u.districtId === districtId).sort(byCode);
  return local[0]?.id ?? null;
}

// ---------------------------------------------------------------- reporters

/** Who sees a reporter's name, phone and e-mail in full (and is logged when they do). */
export const fullReporterReaders: readonly Role[] = ['admin', 'office'];

export function seesReporterInFull(held: readonly Role[]): boolean {
  return held.some((r) => fullReporterReaders.includes(r));
}

export interface Reporter {
  name: string | null;
  phone: string | null;
  email: string | null;
}

/** a***@example.com */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.indexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** The reporter as `held` may see them: in full for the office and admin, masked for everyone else. */
export function reporterFor(held: readonly Role[], p: Reporter): Reporter & { masked: boolean } {
  if (seesReporterInFull(held)) return { ...p, masked: false };
  return { name: maskName(p.name), phone: maskPhone(p.phone), email: maskEmail(p.email), masked: true };
}

/** A mainland mobile or a landline with area code; spaces and dashes are dropped. */
export function normalisePhone(input: string | null | undefined): string | null {
  if (!input) return null;
  const p = input.replace(/[\s-]/g, '').replace(/^\+86/, '');
  return /^\+?\d{5,20}$/.test(p) ? p : null;
}
