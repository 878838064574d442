import {
  chooseLocation,
  duplicatePolicyOf,
  formatAreaPath,
  formatTicket,
  placeFromAddress,
  localDate,
  normalisePhone,
  normaliseTicket,
  problemStatusInfo,
  publicCaseNotes,
  ticketPrefix,
  type AreaLevel,
  type ProblemStatus,
  type ReportSource,
} from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import { actorId, actorLabel, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { filesOf } from '../../files/service.ts';
import { currentTaxonomy, subcategoryByCode, suggestCategory } from '../taxonomy/service.ts';
import { placeClue, recordPlacement } from '../problems/service.ts';
import { locateByName } from '../areas/service.ts';
import {
  areasAt,
  cityIntakeSettings,
  finalProblem,
  insertReport,
  insertReportMedia,
  listReportRows,
  nextTicketNumber,
  reportBy,
  trackEvents,
  upsertPerson,
  type ReportFilter,
  type ReportRow,
} from './queries.ts';

export interface ReportInput {
  source: ReportSource;
  text: string;
  lng?: number | null | undefined;
  lat?: number | null | undefined;
  address?: string | undefined;
  /** a category chosen by the caller (e.g. an Open311 service_code); else the classifier decides */
  subcategoryCode?: string | undefined;
  reporter?: { name?: string | undefined; phone?: string | undefined; email?: string | undefined; deviceId?: string | undefined } | undefined;
  /** ids from `storeUpload`; the first photo with EXIF GPS places a report given no location */
  mediaIds?: string[] | undefined;
  /** the source's own id: a second submit with the same (source, externalId) returns the first receipt */
  externalId?: string | undefined;
  occurredAt?: Date | undefined;
  extra?: Record<string, unknown> | undefined;
  /**
   * For channels that pass an address (Open311 address_string, a hotline row's 事发地址):
   * without a point, place the clue by the city's area names in `address`, else take it in
   * as needing a location (需定位) instead of refusing it with `report.location_required`.
   * The citizen's /report has its own picker and keeps the refusal. See `intakeClue`.
   */
  locateByAddress?: boolean | undefined;
}

export interface ReportReceipt {
  reportId: string;
  ticket: string;
  serviceRequestId: string;
  problemId: string;
  problemStatus: ProblemStatus;
  merged: boolean;
  duplicate: boolean;
  /** districtCode is null only for a report needing a location whose address named no 片区 */
  area: { districtCode: string | null; gridCode: string | null };
  /** where the point came from; 'none' = accepted without one, it needs a location (需定位) */
  locationFrom: 'given' | 'photo' | 'address' | 'office' | 'none';
  needsLocation: boolean;
  lng: number | null;
  lat: number | null;
  /** its areas as people write them (二七片区·二七区·淮河路街道·康丰社区·网格0003), as far as known */
  areaPathText: string;
  subcategoryCode: string | null;
  classificationConfidence: number | null;
  proposedUnitId: string | null;
  submittedAt: string;
}

function receiptOf(r: ReportRow, flags: { merged: boolean; duplicate: boolean }): ReportReceipt {
  return {
    reportId: r.id,
    ticket: r.ticket,
    serviceRequestId: r.service_request_id,
    problemId: r.problem_id,
    problemStatus: r.problem_status,
    merged: flags.merged,
    duplicate: flags.duplicate,
    area: { districtCode: r.district_code, gridCode: r.grid_code },
    locationFrom: r.location_from,
    needsLocation: r.lng === null,
    lng: r.lng,
    lat: r.lat,
    areaPathText: formatAreaPath(r.area_names),
    subcategoryCode: r.subcategory_code,
    classificationConfidence: r.classification_confidence,
    proposedUnitId: r.proposed_unit_id,
    submittedAt: new Date(r.created_at).toISOString(),
  };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === constraint || (e.constraint === undefined && String(e.message).includes(constraint)));
}

/**
 * Takes one clue from any source into the pool. The slow parts run first
 * (photo lookup, classification); then one transaction takes a ticket number,
 * locates the point in its areas, finds the open problem it duplicates or
 * opens a routed new one, and writes the report with its reporter and photos.
 * Outside the city → `report.outside_city`, no place → `report.location_required`;
 * in both cases nothing is written — except for a channel that passes an address
 * (`locateByAddress`, see `intakeClue`), whose clue without a point is placed by the
 * area its address names, or else accepted as needing a location. No audit row: the report itself (who, from
 * where, when) and its problem event are the record of an intake; the hash-chained
 * audit trail is kept for staff actions (override, merge, split, viewing reporters).
 */
export async function submitReport(db: Db, actor: Actor, input: ReportInput, opts: { ip?: string | null } = {}): Promise<ReportReceipt> {
  const cityId = actor.cityId;
  const text = input.text.trim();
  if (!text) throw new AppError('request.invalid', undefined, 'The report needs a description');
  const externalId = input.externalId?.trim() || null;
  if (externalId) {
    const seen = await reportBy(db, cityId, { source: input.source, externalId });
    if (seen) return receiptOf(seen, { merged: false, duplicate: true });
  }

  const mediaIds = [...new Set(input.mediaIds ?? [])];
  const media = await filesOf(db, cityId, mediaIds);
  if (media.length !== mediaIds.length) {
    const known = new Set(media.map((m) => m.id));
    throw new AppError('report.unknown_media', { mediaIds: mediaIds.filter((id) => !known.has(id)) });
  }
  const address = input.address?.trim() || null;
  let place: { lng: number; lat: number; from: 'given' | 'photo' | 'address' } | null = chooseLocation(
    input.lng != null && input.lat != null ? { lng: input.lng, lat: input.lat } : null,
    media.map((m) => m.exif),
  );
  // Without a point: the areas the address names (a point inside one 社区 or grid cell,
  // else only the areas it certainly lies in), else nothing — it needs a location.
  let unplacedAreas: Partial<Record<AreaLevel, string>> = {};
  if (!place) {
    if (!input.locateByAddress) throw new AppError('report.location_required');
    const settled = placeFromAddress(address ? await locateByName(db, cityId, address) : []);
    if (settled.pointFrom) place = { ...settled.pointFrom.point, from: 'address' };
    else unplacedAreas = settled.areas;
  }

  // Classification: the caller's category if it names one of ours, else the classifier's guess.
  const taxonomy = await currentTaxonomy(db, cityId);
  let sub = undefined as Awaited<ReturnType<typeof subcategoryByCode>>;
  let confidence: number | null = null;
  let classifiedBy: 'caller' | 'classifier' | null = null;
  if (input.subcategoryCode) {
    sub = taxonomy.subcategories.find((s) => s.code === input.subcategoryCode);
    if (!sub) throw new AppError('report.unknown_category', { subcategoryCode: input.subcategoryCode });
    classifiedBy = 'caller';
  } else {
    const guess = await suggestCategory(db, cityId, text);
    if (guess) {
      sub = taxonomy.subcategories.find((s) => s.code === guess.code);
      confidence = sub ? guess.confidence : null;
      classifiedBy = sub ? 'classifier' : null;
    }
  }

  const city = await cityIntakeSettings(db, cityId);
  if (!city) throw new AppError('city.not_found');
  const prefix = ticketPrefix(city.code, city.settings.intake?.ticketPrefix);
  const policy = duplicatePolicyOf(city.settings.intake?.duplicates as never);
  const reporter = input.reporter;
  const person = {
    name: reporter?.name?.trim().slice(0, 100) || null,
    phone: normalisePhone(reporter?.phone),
    email: reporter?.email?.trim().toLowerCase().slice(0, 200) || null,
    deviceId: reporter?.deviceId?.trim().slice(0, 200) || null,
  };
  if (reporter?.phone && !person.phone) throw new AppError('request.invalid', { field: 'phone' }, 'The phone number is not valid');

  let merged = false;
  try {
    const reportId = await db.tx(async (q) => {
      // First: the ticket counter's row lock orders this city's reports (see nextTicketNumber).
      const { day, seq } = await nextTicketNumber(q, cityId);
      let areas: Partial<Record<AreaLevel, string>> = unplacedAreas;
      if (place) {
        areas = {};
        for (const a of await areasAt(q, cityId, place.lng, place.lat)) areas[a.level] ??= a.id;
        if (!areas.district) throw new AppError('report.outside_city', { lng: place.lng, lat: place.lat });
      }

      const placement = await placeClue(
        q,
        cityId,
        {
          reportText: text,
          lng: place?.lng ?? null,
          lat: place?.lat ?? null,
          locationFrom: !place ? 'none' : place.from === 'address' ? 'address' : 'report',
          address,
          areas,
          subcategoryCode: sub?.code ?? null,
          categoryCode: sub?.categoryCode ?? null,
          taxonomyVersion: sub ? taxonomy.version : null,
          duty: sub?.defaultDuty ?? null,
        },
        policy,
      );
      merged = placement.merged;
      const reporterId = person.name || person.phone || person.email || person.deviceId ? await upsertPerson(q, cityId, person) : null;
      const ticket = formatTicket(prefix, day, seq);
      const report = await insertReport(q, cityId, {
        ticket,
        serviceRequestId: ticket,
        source: input.source,
        externalId,
        text,
        lng: place?.lng ?? null,
        lat: place?.lat ?? null,
        locationFrom: place?.from ?? 'none',
        address,
        areas,
        subcategoryCode: sub?.code ?? null,
        taxonomyVersion: sub ? taxonomy.version : null,
        confidence,
        classifiedBy,
        reporterId,
        problemId: placement.problemId,
        occurredAt: input.occurredAt ?? null,
        extra: input.extra ?? {},
        submittedBy: actor.kind === 'anonymous' || actor.kind === 'system' ? null : actorId(actor),
        submittedByLabel: actorLabel(actor),
        ip: opts.ip ?? null,
      });
      await insertReportMedia(q, cityId, report.id, mediaIds);
      await recordPlacement(q, actor, placement, report.id, input.source);
      return report.id;
    });
    return receiptOf((await reportBy(db, cityId, { id: reportId }))!, { merged, duplicate: false });
  } catch (err) {
    // Two submits of the same external id at once: the second loses the race and answers like a repeat.
    if (externalId && isUniqueViolation(err, 'reports_source_external_id_key')) {
      const seen = await reportBy(db, cityId, { source: input.source, externalId });
      if (seen) return receiptOf(seen, { merged: false, duplicate: true });
    }
    throw err;
  }
}

/** A clue from a channel that passes an address: a point if it has one, else `null`. */
export interface ClueInput extends Omit<ReportInput, 'lng' | 'lat' | 'locateByAddress'> {
  point: { lng: number; lat: number } | null;
  /** where it is, as the channel wrote it (Open311 address_string, a hotline 事发地址) */
  address?: string | undefined;
}

/**
 * The intake for channels that may have only an address (Open311, hotline and audit
 * imports): with a point, exactly `submitReport`; without one, the clue is placed by the
 * city's area names in `address` (`locateByName`: a point inside the one 社区 or grid
 * cell it names), or else accepted, ticketed and marked as needing a location (需定位)
 * with whatever areas the address settles, for the office to place in the pool
 * (`POST /problems/{id}/location`). Never refused for want of a place; outside the city
 * (a point given) is still `report.outside_city`. The receipt says which happened
 * (`locationFrom`, `needsLocation`).
 */
export async function intakeClue(db: Db, actor: Actor, clue: ClueInput, opts: { ip?: string | null } = {}): Promise<ReportReceipt> {
  const { point, ...rest } = clue;
  return submitReport(db, actor, { ...rest, lng: point?.lng ?? null, lat: point?.lat ?? null, locateByAddress: true }, opts);
}

export interface ReportStatus {
  ticket: string;
  status: ProblemStatus;
  statusLabel: string;
  statusCategory: 'open' | 'in_progress' | 'closed';
  category: { code: string; name: string; nameEn: string } | null;
  submittedAt: string;
  history: { at: string; status: ProblemStatus; note: string }[];
}

/**
 * What a citizen sees of their report by its ticket: the status of the problem
 * it belongs to (after merges) and the public history. No personal data and no
 * other report's data; unknown ticket → `report.not_found`.
 */
export async function reportStatusByTicket(db: Db, cityId: string, ticket: string): Promise<ReportStatus> {
  const t = normaliseTicket(ticket);
  const r = t ? await reportBy(db, cityId, { ticket: t }) : undefined;
  if (!r) throw new AppError('report.not_found');
  const { chain, status } = await finalProblem(db, cityId, r.problem_id);
  const events = await trackEvents(db, cityId, chain, r.created_at);
  const tz = (await db.query<{ timezone: string }>(`SELECT timezone FROM cities WHERE id = $1`, [cityId]))[0]?.timezone ?? 'Asia/Shanghai';
  const { subcategories } = await currentTaxonomy(db, cityId);
  const sub = r.subcategory_code ? subcategories.find((s) => s.code === r.subcategory_code) : undefined;
  let current: ProblemStatus = 'pending_judgment';
  const history: ReportStatus['history'] = [{ at: new Date(r.created_at).toISOString(), status: current, note: `已受理，受理编号 ${r.ticket}` }];
  for (const e of events) {
    if (e.status && e.status !== 'merged') current = e.status as ProblemStatus;
    if (e.action === 'merged_into' || e.action === 'merged_from') {
      history.push({ at: new Date(e.at).toISOString(), status: current, note: '与同一问题的其他反映合并办理' });
      continue;
    }
    const loopNote = (publicCaseNotes as Record<string, string | undefined>)[e.action];
    if (loopNote) {
      // the loop's internal notes stay internal; the reporter gets the public wording (and a dismissal's reason)
      let note = e.action === 'dismiss' && e.note ? `${loopNote}：${e.note}` : loopNote;
      const deadline = e.details.deadline ?? e.details.newDeadline;
      if (typeof deadline === 'string') note += `，整改时限 ${localDate(new Date(deadline), tz)}`;
      history.push({ at: new Date(e.at).toISOString(), status: current, note });
      continue;
    }
    history.push({ at: new Date(e.at).toISOString(), status: current, note: e.note ?? problemStatusInfo[current].zh });
  }
  return {
    ticket: r.ticket,
    status,
    statusLabel: problemStatusInfo[status].zh,
    statusCategory: problemStatusInfo[status].category,
    category: sub ? { code: sub.code, name: sub.name, nameEn: sub.nameEn } : r.subcategory_code ? { code: r.subcategory_code, name: r.subcategory_code, nameEn: r.subcategory_code } : null,
    submittedAt: new Date(r.created_at).toISOString(),
    history,
  };
}

/** A report as Open311 and other public readers may see it: no reporter, public photo URLs only. */
export interface ReportView {
  reportId: string;
  ticket: string;
  serviceRequestId: string;
  source: ReportSource;
  text: string;
  /** null while the report needs a location */
  lng: number | null;
  lat: number | null;
  address: string | null;
  districtCode: string | null;
  gridCode: string | null;
  subcategoryCode: string | null;
  problemId: string;
  /** the status of the problem the report follows (after merges) */
  status: ProblemStatus;
  statusCategory: 'open' | 'in_progress' | 'closed';
  proposedUnitId: string | null;
  media: { id: string; url: string; thumbUrl: string }[];
  submittedAt: string;
  updatedAt: string;
}

async function viewOf(db: Db, cityId: string, r: ReportRow): Promise<ReportView> {
  const status = r.merged_into_id ? (await finalProblem(db, cityId, r.problem_id)).status : r.problem_status;
  return {
    reportId: r.id,
    ticket: r.ticket,
    serviceRequestId: r.service_request_id,
    source: r.source,
    text: r.text,
    lng: r.lng,
    lat: r.lat,
    address: r.address,
    districtCode: r.district_code,
    gridCode: r.grid_code,
    subcategoryCode: r.subcategory_code,
    problemId: r.problem_id,
    status,
    statusCategory: problemStatusInfo[status].category,
    proposedUnitId: r.proposed_unit_id,
    media: r.media_ids.map((id) => ({ id, url: `/api/v1/files/${id}/public`, thumbUrl: `/api/v1/files/${id}/thumb` })),
    submittedAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export type ReportListFilter = Omit<ReportFilter, 'limit'> & { limit?: number | undefined };

/** Reports newest first, filtered (Open311 GET requests.json). At most 1000 per call. */
export async function listReports(db: Db, cityId: string, filter: ReportListFilter = {}): Promise<ReportView[]> {
  const rows = await listReportRows(db, cityId, { ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
  return Promise.all(rows.map((r) => viewOf(db, cityId, r)));
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One report by its id or its Open311 service_request_id; undefined when unknown. */
export async function getReport(db: Db, cityId: string, idOrServiceRequestId: string): Promise<ReportView | undefined> {
  const r = uuidRe.test(idOrServiceRequestId)
    ? await reportBy(db, cityId, { id: idOrServiceRequestId.toLowerCase() })
    : await reportBy(db, cityId, { serviceRequestId: idOrServiceRequestId });
  return r ? viewOf(db, cityId, r) : undefined;
}
