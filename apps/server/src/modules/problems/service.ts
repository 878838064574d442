import {
  duplicatePolicyOf,
  findDuplicate,
  formatAreaPath,
  isOpenProblem,
  isOverdueCase,
  problemStatusInfo,
  reporterFor,
  routeUnit,
  seesReporterInFull,
  type DuplicatePolicy,
  type ProblemStatus,
  type ReportSource,
  type UnitDuty,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { actorId, actorLabel, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { notifyReporters, notifyUser } from '../notifications/service.ts';
import { recordAudit } from '../audit/service.ts';
import { currentTaxonomy, recordConfirmedCategory, subcategoryByCode } from '../taxonomy/service.ts';
import { areaIdsAt } from '../areas/service.ts';
import {
  addReportToProblem,
  cityDuplicateSettings,
  duplicateCandidates,
  eventsOfProblem,
  firstReportOf,
  insertProblem,
  insertProblemEvent,
  listProblems,
  locateReportsOfProblem,
  setProblemLocation,
  markMerged,
  moveReports,
  problemById,
  reportIdsOfProblem,
  reportsOfProblem,
  setCategory,
  unitsWithDuty,
  type ProblemFilter,
  type ProblemRow,
} from './queries.ts';
import type { ProblemDetailT, ProblemListQueryT, ProblemSummaryT } from './schemas.ts';

type AreaIds = Partial<Record<'district' | 'county' | 'street' | 'community' | 'grid', string>>;

/** The text of a problem's first report (what the classifier learns a confirmed category from). */
export async function firstReportText(q: Queryable, cityId: string, problemId: string): Promise<string | null> {
  return (await firstReportOf(q, cityId, await reportIdsOfProblem(q, cityId, problemId)))?.text ?? null;
}

/** The unit a problem of this duty at this place is proposed to (see domain `routeUnit`). */
export async function proposeUnit(q: Queryable, cityId: string, duty: UnitDuty | null | undefined, districtId: string | null): Promise<string | null> {
  if (!duty) return null;
  const units = await unitsWithDuty(q, cityId, duty);
  return routeUnit(
    duty,
    districtId,
    units.map((u) => ({ id: u.id, code: u.code, duties: u.duties, districtId: u.district_id, active: u.active })),
  );
}

export interface ClueToPlace {
  reportText: string;
  /** null: no point, the problem needs a location (需定位) */
  lng: number | null;
  lat: number | null;
  /**
   * where the point came from: the report itself (given, photo) or the area its address
   * names ('address': a point inside that area, shared by every clue naming it)
   */
  locationFrom: 'report' | 'address' | 'none';
  address: string | null;
  areas: AreaIds;
  subcategoryCode: string | null;
  categoryCode: string | null;
  taxonomyVersion: number | null;
  duty: UnitDuty | null;
}

export interface Placement {
  problemId: string;
  status: ProblemStatus;
  merged: boolean;
  proposedUnitId: string | null;
  similarity: number | null;
}

/**
 * Puts a clue into the pool, inside the report's transaction: into the open
 * problem it duplicates (the best one within the radius, see domain
 * `findDuplicate`), else into a new problem routed to its proposed unit.
 * The caller then inserts the report pointing at `problemId` and calls
 * `recordReportEvent`.
 */
export async function placeClue(q: Queryable, cityId: string, clue: ClueToPlace, policy: DuplicatePolicy): Promise<Placement> {
  // Only a real point can be a duplicate's: an address's point is the same for every clue
  // naming that 社区, so its distance says nothing (the office merges those by hand).
  const verdict =
    clue.locationFrom === 'report' && clue.lng !== null && clue.lat !== null
      ? await duplicateOf(q, cityId, { lng: clue.lng, lat: clue.lat, text: clue.reportText, subcategoryCode: clue.subcategoryCode, categoryCode: clue.categoryCode }, policy, null)
      : null;
  if (verdict) {
    const p = await addReportToProblem(q, cityId, verdict.problemId, clue);
    return { problemId: verdict.problemId, status: p.status, merged: true, proposedUnitId: p.proposed_unit_id, similarity: verdict.similarity };
  }
  const proposedUnitId = await proposeUnit(q, cityId, clue.duty, clue.areas.district ?? null);
  const p = await insertProblem(q, cityId, {
    title: clue.reportText.replace(/\s+/g, ' ').trim().slice(0, 60),
    lng: clue.lng,
    lat: clue.lat,
    locationFrom: clue.locationFrom,
    address: clue.address,
    areas: clue.areas,
    subcategoryCode: clue.subcategoryCode,
    categoryCode: clue.categoryCode,
    taxonomyVersion: clue.taxonomyVersion,
    proposedUnitId,
  });
  return { problemId: p.id, status: p.status, merged: false, proposedUnitId, similarity: null };
}

/** The open problem a clue at this point duplicates (domain `findDuplicate`), if any. */
async function duplicateOf(
  q: Queryable,
  cityId: string,
  clue: { lng: number; lat: number; text: string; subcategoryCode: string | null; categoryCode: string | null },
  policy: DuplicatePolicy,
  exceptId: string | null,
) {
  const candidates = await duplicateCandidates(q, cityId, clue.lng, clue.lat, policy.radiusMeters, exceptId);
  return findDuplicate(
    { text: clue.text, subcategoryCode: clue.subcategoryCode, categoryCode: clue.categoryCode },
    candidates.map((c) => ({
      problemId: c.problem_id,
      status: c.status,
      distanceMeters: c.distance,
      subcategoryCode: c.subcategory_code,
      categoryCode: c.category_code,
      texts: c.texts,
    })),
    policy,
  );
}

/** The history line for a report that was just placed. */
export async function recordPlacement(q: Queryable, actor: Actor, placement: Placement, reportId: string, source: ReportSource): Promise<void> {
  await insertProblemEvent(q, actor.cityId, {
    problemId: placement.problemId,
    action: placement.merged ? 'report_added' : 'created',
    actorId: actor.kind === 'user' ? actorId(actor) : null,
    actorLabel: actorLabel(actor),
    reportId,
    status: placement.merged ? null : placement.status,
    details: { source, ...(placement.similarity !== null ? { similarity: Math.round(placement.similarity * 100) / 100 } : {}), proposedUnitId: placement.proposedUnitId },
  });
  if (placement.merged) {
    // Every reporter is kept and told: the earlier ones that someone else saw it too, the new one that it joined them.
    await notifyReporters(q, actor.cityId, placement.problemId, {
      kind: 'problem.report_added',
      title: '您反映的问题有了新的相同报告',
      body: '其他市民在同一地点反映了相同问题，已合并办理。',
      exceptReportIds: [reportId],
    });
    if (actor.kind === 'user') {
      await notifyUser(q, actor.cityId, actor.userId, {
        kind: 'problem.merged',
        title: '您的报告已与相同问题合并办理',
        body: '同一地点已有相同问题在办理中，您的报告已并入，进展将一并告知。',
        problemId: placement.problemId,
      });
    }
  }
}

// ---------------------------------------------------------------- office

function summary(r: ProblemRow): ProblemSummaryT {
  return {
    id: r.id,
    status: r.status,
    statusLabel: problemStatusInfo[r.status].zh,
    statusCategory: problemStatusInfo[r.status].category,
    mergedIntoId: r.merged_into_id,
    title: r.title,
    lng: r.lng,
    lat: r.lat,
    needsLocation: r.lng === null,
    locationFrom: r.location_from,
    address: r.address,
    areaPath: r.area_path,
    areaPathText: formatAreaPath(r.area_path.map((a) => a.name)),
    district: r.district_id ? { id: r.district_id, code: r.district_code!, name: r.district_name! } : null,
    gridCode: r.grid_code,
    subcategoryCode: r.subcategory_code,
    categoryCode: r.category_code,
    taxonomyVersion: r.taxonomy_version,
    proposedUnit: r.proposed_unit_id ? { id: r.proposed_unit_id, name: r.proposed_unit_name ?? '' } : null,
    reportCount: r.report_count,
    sources: r.sources,
    riskLevel: r.risk_level,
    deadline: r.deadline ? new Date(r.deadline).toISOString() : null,
    overdue: isOverdueCase(r.status, r.deadline ? new Date(r.deadline) : null, new Date()),
    firstReportedAt: new Date(r.first_reported_at).toISOString(),
    lastReportedAt: new Date(r.last_reported_at).toISOString(),
  };
}

function filterOf(query: ProblemListQueryT): ProblemFilter {
  const pageSize = query.pageSize ?? 50;
  return {
    statuses: query.status?.split(',').filter(Boolean),
    subcategory: query.subcategory,
    districtId: query.district,
    source: query.source,
    bbox: query.bbox?.split(',').map(Number),
    q: query.q?.trim() || undefined,
    needsLocation: query.needsLocation,
    limit: pageSize,
    offset: ((query.page ?? 1) - 1) * pageSize,
  };
}

export async function problemList(db: Db, cityId: string, query: ProblemListQueryT) {
  const { rows, total } = await listProblems(db, cityId, filterOf(query));
  return { total, page: query.page ?? 1, pageSize: query.pageSize ?? 50, items: rows.map(summary) };
}

/** The same filter as a GeoJSON FeatureCollection of points, for the map (problems needing a location have none). */
export async function problemGeoJson(db: Db, cityId: string, query: ProblemListQueryT) {
  const f = filterOf({ ...query, pageSize: query.pageSize ?? 5000 });
  const { rows } = await listProblems(db, cityId, { ...f, needsLocation: false, limit: Math.min(f.limit, 5000) });
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: { type: 'Point' as const, coordinates: [r.lng!, r.lat!] },
      properties: summary(r),
    })),
  };
}

/**
 * One problem with its reports, photos and history. The reporters are masked
 * unless the caller is office or admin; an unmasked view is written to the
 * audit trail (`person.view`) with whose data was seen.
 */
export async function problemDetail(db: Db, actor: Actor, id: string, ip: string | null): Promise<ProblemDetailT> {
  const row = await problemById(db, actor.cityId, id);
  if (!row) throw new AppError('resource.not_found');
  const reports = await reportsOfProblem(db, actor.cityId, id);
  const events = await eventsOfProblem(db, actor.cityId, id);
  const full = seesReporterInFull(actor.roles);
  const seen = [...new Set(reports.filter((r) => r.reporter_id && (r.reporter_phone || r.reporter_name || r.reporter_email)).map((r) => r.reporter_id!))];
  if (full && seen.length > 0) {
    await db.tx((q) =>
      recordAudit(q, actor, { action: 'person.view', targetType: 'problem', targetId: id, details: { people: seen }, ip }),
    );
  }
  return {
    ...summary(row),
    reports: reports.map((r) => ({
      id: r.id,
      ticket: r.ticket,
      serviceRequestId: r.service_request_id,
      source: r.source,
      externalId: r.external_id,
      text: r.text,
      lng: r.lng,
      lat: r.lat,
      locationFrom: r.location_from,
      address: r.address,
      subcategoryCode: r.subcategory_code,
      classificationConfidence: r.classification_confidence,
      submittedAt: new Date(r.created_at).toISOString(),
      reporter: r.reporter_id ? reporterFor(actor.roles, { name: r.reporter_name, phone: r.reporter_phone, email: r.reporter_email }) : null,
      media: r.media_ids.map((m) => ({ id: m, url: `/api/v1/files/${m}/public`, thumbUrl: `/api/v1/files/${m}/thumb` })),
    })),
    events: events.map((e) => ({
      at: new Date(e.at).toISOString(),
      action: e.action,
      actor: e.actor_label,
      reportId: e.report_id,
      otherProblemId: e.other_problem_id,
      status: e.status,
      note: e.note,
      details: e.details,
    })),
  };
}

async function openProblemForUpdate(q: Queryable, cityId: string, id: string): Promise<ProblemRow> {
  const row = await problemById(q, cityId, id, true);
  if (!row) throw new AppError('resource.not_found');
  if (!isOpenProblem(row.status)) throw new AppError('problem.not_open', { status: row.status });
  return row;
}

const who = (actor: Actor) => ({ actorId: actor.kind === 'user' ? actorId(actor) : null, actorLabel: actorLabel(actor) });

/**
 * The office sets the subcategory: re-routed to that subcategory's unit, and
 * every report's text is given to the classifier as a confirmed example.
 */
export async function overrideCategory(db: Db, actor: Actor, id: string, body: { subcategoryCode: string; reason?: string | undefined }, ip: string) {
  const sub = await subcategoryByCode(db, actor.cityId, body.subcategoryCode);
  if (!sub) throw new AppError('report.unknown_category', { subcategoryCode: body.subcategoryCode });
  const { version } = await currentTaxonomy(db, actor.cityId);
  await db.tx(async (q) => {
    const before = await openProblemForUpdate(q, actor.cityId, id);
    const proposedUnitId = await proposeUnit(q, actor.cityId, sub.defaultDuty, before.district_id);
    await setCategory(q, actor.cityId, id, { subcategoryCode: sub.code, categoryCode: sub.categoryCode, taxonomyVersion: version, proposedUnitId });
    for (const r of await reportsOfProblem(q, actor.cityId, id)) {
      await recordConfirmedCategory(q, actor.cityId, r.text, sub.code, actor.kind === 'user' ? actor.userId : null);
    }
    const details = { before: before.subcategory_code, after: sub.code, proposedUnitId, reason: body.reason ?? null };
    await insertProblemEvent(q, actor.cityId, { problemId: id, action: 'category_overridden', ...who(actor), note: `问题分类调整为：${sub.name}`, details });
    await recordAudit(q, actor, { action: 'problem.category', targetType: 'problem', targetId: id, details, ip });
  });
  return problemDetail(db, actor, id, ip);
}

/** Folds a problem into another open one: its reports (and reporters) move, it is left as `merged`. */
export async function mergeProblem(db: Db, actor: Actor, id: string, intoId: string, ip: string) {
  if (id === intoId) throw new AppError('problem.bad_merge');
  await db.tx(async (q) => {
    // Lock both in id order, so two opposite merges cannot deadlock.
    const [a, b] = [id, intoId].sort();
    const first = await problemById(q, actor.cityId, a!, true);
    const second = await problemById(q, actor.cityId, b!, true);
    const from = a === id ? first : second;
    const into = a === id ? second : first;
    if (!from || !into) throw new AppError('resource.not_found');
    if (!isOpenProblem(from.status)) throw new AppError('problem.not_open', { status: from.status });
    if (!isOpenProblem(into.status)) throw new AppError('problem.bad_merge', { status: into.status });
    await foldInto(q, actor, id, intoId, ip, '与同类问题合并办理');
  });
  return problemDetail(db, actor, intoId, ip);
}

/** The writes of a merge, both problems locked and open: reports move, history, audit, reporters told. */
async function foldInto(q: Queryable, actor: Actor, id: string, intoId: string, ip: string, note: string, extra: Record<string, unknown> = {}) {
  const moved = await moveReports(q, actor.cityId, id, intoId, null);
  await markMerged(q, actor.cityId, id, intoId);
  await insertProblemEvent(q, actor.cityId, { problemId: id, action: 'merged_into', ...who(actor), otherProblemId: intoId, status: 'merged', note, details: { reports: moved, ...extra } });
  await insertProblemEvent(q, actor.cityId, { problemId: intoId, action: 'merged_from', ...who(actor), otherProblemId: id, details: { reports: moved, ...extra } });
  await recordAudit(q, actor, { action: 'problem.merge', targetType: 'problem', targetId: id, details: { intoProblemId: intoId, reports: moved, ...extra }, ip });
  await notifyReporters(q, actor.cityId, intoId, {
    kind: 'problem.merged',
    title: '您反映的问题已与相同问题合并办理',
    body: '办理部门将相同问题合并处理，您的受理编号不变，进展将一并告知。',
  });
}

/** Takes some reports out of a problem into a new one, placed and routed from the first of them. */
export async function splitProblem(db: Db, actor: Actor, id: string, reportIds: string[], ip: string) {
  const ids = [...new Set(reportIds)];
  const newId = await db.tx(async (q) => {
    const from = await openProblemForUpdate(q, actor.cityId, id);
    const own = new Set(await reportIdsOfProblem(q, actor.cityId, id));
    if (ids.length === 0 || ids.some((r) => !own.has(r)) || ids.length >= own.size) {
      throw new AppError('problem.bad_split', { reportIds: ids.filter((r) => !own.has(r)) });
    }
    const first = (await firstReportOf(q, actor.cityId, ids))!;
    const sub = first.subcategory_code ? await subcategoryByCode(q, actor.cityId, first.subcategory_code) : undefined;
    const proposedUnitId = await proposeUnit(q, actor.cityId, sub?.defaultDuty, first.district_id);
    const created = await insertProblem(
      q,
      actor.cityId,
      {
        title: first.text.replace(/\s+/g, ' ').trim().slice(0, 60),
        lng: first.lng,
        lat: first.lat,
        locationFrom: first.lng === null ? 'none' : first.location_from === 'address' ? 'address' : first.location_from === 'office' ? 'office' : 'report',
        address: first.address,
        areas: { district: first.district_id ?? undefined, county: first.county_id ?? undefined, street: first.street_id ?? undefined, community: first.community_id ?? undefined, grid: first.grid_id ?? undefined } as AreaIds,
        subcategoryCode: sub?.code ?? null,
        categoryCode: sub?.categoryCode ?? null,
        taxonomyVersion: sub ? first.taxonomy_version : null,
        proposedUnitId,
      },
      0,
    );
    await moveReports(q, actor.cityId, id, created.id, ids);
    await insertProblemEvent(q, actor.cityId, { problemId: created.id, action: 'split_from', ...who(actor), otherProblemId: id, status: created.status, note: '从原问题中拆分单独办理', details: { reportIds: ids } });
    await insertProblemEvent(q, actor.cityId, { problemId: id, action: 'split_into', ...who(actor), otherProblemId: created.id, details: { reportIds: ids } });
    await recordAudit(q, actor, { action: 'problem.split', targetType: 'problem', targetId: id, details: { newProblemId: created.id, reportIds: ids, from: from.id }, ip });
    return created.id;
  });
  return problemDetail(db, actor, newId, ip);
}

/**
 * The office sets (or corrects) the point of a problem in the pool (待研判): typically a
 * clue that came with an address but no point (需定位), picked on the pool map or found
 * with the gazetteer. From there it is placed like any clue: its areas and grid, its
 * proposed unit (re-routed for the new 片区), and the duplicate check — if an open problem
 * there is the same, this one is merged into it. Its reports without a point of their own
 * take this one. Audited (`problem.locate`) with the point before and after.
 */
export async function locateProblem(db: Db, actor: Actor, id: string, point: { lng: number; lat: number }, ip: string): Promise<ProblemDetailT> {
  const policy = duplicatePolicyOf((await cityDuplicateSettings(db, actor.cityId)) as never);
  await db.tx(async (q) => {
    const before = await openProblemForUpdate(q, actor.cityId, id);
    if (before.status !== 'pending_judgment') throw new AppError('problem.not_locatable', { status: before.status });
    const areas = await areaIdsAt(q, actor.cityId, point.lng, point.lat);
    if (!areas.district) throw new AppError('report.outside_city', { lng: point.lng, lat: point.lat });
    const sub = before.subcategory_code ? await subcategoryByCode(q, actor.cityId, before.subcategory_code) : undefined;
    const proposedUnitId = await proposeUnit(q, actor.cityId, sub?.defaultDuty, areas.district);
    await setProblemLocation(q, actor.cityId, id, { ...point, areas, proposedUnitId });
    const reports = await locateReportsOfProblem(q, actor.cityId, id, { ...point, areas });
    const details = {
      before: before.lng === null ? null : { lng: before.lng, lat: before.lat, from: before.location_from },
      after: point,
      proposedUnitId,
      reports,
    };
    await insertProblemEvent(q, actor.cityId, { problemId: id, action: 'located', ...who(actor), note: before.lng === null ? '已设置问题位置' : '已更正问题位置', details });
    await recordAudit(q, actor, { action: 'problem.locate', targetType: 'problem', targetId: id, details, ip });
    // Now it has a place, the same duplicate rule as at intake.
    const text = (await firstReportText(q, actor.cityId, id)) ?? before.title;
    const verdict = await duplicateOf(q, actor.cityId, { ...point, text, subcategoryCode: before.subcategory_code, categoryCode: before.category_code }, policy, id);
    if (verdict) {
      await problemById(q, actor.cityId, verdict.problemId, true);
      await foldInto(q, actor, id, verdict.problemId, ip, '定位后与同一地点的相同问题合并办理', { similarity: Math.round(verdict.similarity * 100) / 100, automatic: true });
    }
  });
  return problemDetail(db, actor, id, ip);
}
