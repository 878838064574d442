import {
  areaGeometryProblems,
  areaLevels,
  areaPath,
  bestPlaceMatches,
  formatAreaPath,
  matchPlaceNames,
  normalisePlaceText,
  placeNameKeys,
  type PlaceMatchKind,
  isValidAreaCode,
  isValidParentLevel,
  levelRank,
  type AreaLevel,
} from '@cityloop/domain';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/actor.ts';
import { recordAudit } from '../audit/service.ts';
import {
  areaById,
  areasByCodes,
  areasContaining,
  areasNameContains,
  areasNamedBy,
  invalidGeometries,
  listAreas,
  updateArea,
  upsertAreas,
  type AreaImportRow,
  type AreaRow,
  type AreaGeoRow,
  type GazetteerRow,
} from './queries.ts';
import type { AreaListQueryT, AreaSummaryT, AreaUpdateBodyT, ImportQueryT, ImportResultT } from './schemas.ts';

function summary(r: AreaRow): AreaSummaryT {
  return { id: r.id, level: r.level, code: r.code, name: r.name, nameEn: r.name_en, parentId: r.parent_id, generated: r.generated };
}

function feature(r: AreaGeoRow) {
  return { type: 'Feature' as const, id: r.id, properties: summary(r), geometry: JSON.parse(r.geometry) };
}

export async function areaCollection(db: Db, cityId: string, query: AreaListQueryT) {
  const bbox = query.bbox?.split(',').map(Number);
  const rows = await listAreas(db, cityId, { ...query, bbox, limit: query.limit ?? 5000 });
  return { type: 'FeatureCollection' as const, features: rows.map(feature) };
}

export async function getArea(db: Db, cityId: string, id: string) {
  const row = await areaById(db, cityId, id);
  if (!row) throw new AppError('resource.not_found');
  return feature(row);
}

export async function locate(db: Db, cityId: string, lng: number, lat: number) {
  return { lng, lat, areas: (await areasContaining(db, cityId, lng, lat)).map(summary) };
}

export async function renameArea(db: Db, actor: Actor, id: string, patch: AreaUpdateBodyT, ip: string) {
  return db.tx(async (q) => {
    const before = await areaById(q, actor.cityId, id);
    if (!before) throw new AppError('resource.not_found');
    await updateArea(q, actor.cityId, id, patch);
    await recordAudit(q, actor, {
      action: 'area.update',
      targetType: 'area',
      targetId: id,
      details: { before: { code: before.code, name: before.name, nameEn: before.name_en }, after: patch },
      ip,
    });
    return feature((await areaById(q, actor.cityId, id))!);
  });
}

interface FeatureProblem {
  index: number;
  code?: string;
  problems: string[];
}

function tooMany<T>(list: T[]): T[] {
  return list.slice(0, 100);
}

/** Reads an uploaded text as GeoJSON features; anything else is `area.not_geojson`. */
function parseFeatures(text: string): { geometry: unknown; properties: Record<string, unknown>; id?: unknown }[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AppError('area.not_geojson', undefined, 'The file is not JSON, so it cannot be GeoJSON');
  }
  const d = doc as { type?: unknown; features?: unknown };
  if (d?.type === 'Feature') return [d as never];
  if (d?.type !== 'FeatureCollection' || !Array.isArray(d.features)) {
    throw new AppError('area.not_geojson', undefined, 'Expected a GeoJSON FeatureCollection of area polygons');
  }
  if (d.features.length === 0) throw new AppError('area.not_geojson', undefined, 'The FeatureCollection has no features');
  return d.features.map((f: unknown) => {
    const ft = f as { type?: unknown; geometry?: unknown; properties?: unknown; id?: unknown };
    return { geometry: ft?.geometry, properties: (ft?.properties ?? {}) as Record<string, unknown>, id: ft?.id };
  });
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * Imports areas from GeoJSON: all features or none. Each feature needs `level`,
 * `code` and `name` (or the query's defaults); parents are named by
 * `parentCode` and may come earlier in the same file. An existing code is updated.
 */
export async function importAreas(db: Db, actor: Actor, text: string, defaults: ImportQueryT, ip: string): Promise<ImportResultT> {
  const features = parseFeatures(text);
  const rows: AreaImportRow[] = [];
  const bad: FeatureProblem[] = [];
  const badGeometry: FeatureProblem[] = [];
  features.forEach((f, index) => {
    const p = f.properties;
    const level = (str(p.level) || defaults.level || '') as AreaLevel;
    const code = str(p.code) || str(f.id);
    const name = str(p.name);
    const problems: string[] = [];
    if (!areaLevels.includes(level)) problems.push(`level must be one of ${areaLevels.join(', ')}`);
    if (!isValidAreaCode(code)) problems.push('code is missing or has characters other than letters, digits, - and _');
    if (!name) problems.push('name is missing');
    if (problems.length) bad.push({ index, code, problems });
    const geomProblems = areaGeometryProblems(f.geometry);
    if (geomProblems.length) badGeometry.push({ index, code, problems: geomProblems });
    rows.push({
      level,
      code,
      name,
      name_en: str(p.nameEn) || str(p.name_en),
      parent_code: str(p.parentCode) || str(p.parent_code) || defaults.parentCode || null,
      generated: p.generated === true,
      geometry: f.geometry,
    });
  });
  if (bad.length) throw new AppError('area.invalid_feature', { features: tooMany(bad) });
  if (badGeometry.length) throw new AppError('area.invalid_geometry', { features: tooMany(badGeometry) });

  const seen = new Map<string, number>();
  for (const [i, r] of rows.entries()) {
    if (seen.has(r.code)) throw new AppError('area.duplicate_code', { features: [{ index: i, code: r.code, problems: [`also feature ${seen.get(r.code)}`] }] });
    seen.set(r.code, i);
  }

  const topology = await invalidGeometries(db, rows.map((r) => r.geometry));
  if (topology.length) {
    throw new AppError('area.invalid_geometry', {
      features: tooMany(topology.map((t) => ({ index: t.idx, code: rows[t.idx]!.code, problems: [t.reason] }))),
    });
  }

  const parentCodes = [...new Set(rows.map((r) => r.parent_code).filter((c): c is string => c !== null && !seen.has(c)))];
  const existing = new Map((await areasByCodes(db, actor.cityId, parentCodes)).map((a) => [a.code, a.level]));
  const levelOf = (code: string) => (seen.has(code) ? rows[seen.get(code)!]!.level : existing.get(code));
  const parentProblems: FeatureProblem[] = [];
  rows.forEach((r, index) => {
    const parentLevel = r.parent_code === null ? null : levelOf(r.parent_code);
    if (r.parent_code !== null && parentLevel === undefined) {
      parentProblems.push({ index, code: r.code, problems: [`parent ${r.parent_code} does not exist`] });
    } else if (!isValidParentLevel(r.level, parentLevel ?? null)) {
      parentProblems.push({ index, code: r.code, problems: [`a ${r.level} cannot have parent level ${parentLevel ?? 'none'}`] });
    }
  });
  if (parentProblems.some((p) => p.problems[0]!.includes('does not exist'))) {
    throw new AppError('area.unknown_parent', { features: tooMany(parentProblems) });
  }
  if (parentProblems.length) throw new AppError('area.bad_parent_level', { features: tooMany(parentProblems) });

  const ordered = [...rows].sort((a, b) => levelRank(a.level) - levelRank(b.level));
  const byLevel: Record<string, number> = {};
  for (const r of ordered) byLevel[r.level] = (byLevel[r.level] ?? 0) + 1;

  return db.tx(async (q: Queryable) => {
    let created = 0;
    let updated = 0;
    for (const level of areaLevels) {
      const ofLevel = ordered.filter((r) => r.level === level);
      for (let i = 0; i < ofLevel.length; i += 2000) {
        const r = await upsertAreas(q, actor.cityId, ofLevel.slice(i, i + 2000));
        created += r.inserted;
        updated += r.updated;
      }
    }
    await recordAudit(q, actor, { action: 'area.import', targetType: 'area', details: { created, updated, byLevel }, ip });
    return { created, updated, byLevel };
  });
}

// ---------------------------------------------------------------- gazetteer

/** One area as a place: what it is called, where it sits (片区 → itself) and a point inside it. */
export interface LocatedPlace {
  id: string;
  level: AreaLevel;
  code: string;
  name: string;
  nameEn: string;
  /** the areas from the 片区 down to this one */
  path: { id: string; level: AreaLevel; code: string; name: string; nameEn: string }[];
  /** the path as people write it: 二七片区·二七区·淮河路街道·康丰社区 */
  pathText: string;
  /** a point inside the area (ST_PointOnSurface), WGS-84 */
  point: { lng: number; lat: number };
  /** the text it was found by, and how (in full, with another suffix, bare core, or contained) */
  matched: string;
  kind: PlaceMatchKind | 'contains';
}

function placeOf(row: GazetteerRow, rows: GazetteerRow[], matched: string, kind: LocatedPlace['kind']): LocatedPlace {
  const path = areaPath(row.id, rows.map((r) => ({ ...r, parentId: r.parent_id }))).map((a) => ({ id: a.id, level: a.level, code: a.code, name: a.name, nameEn: a.name_en }));
  return {
    id: row.id,
    level: row.level,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    path,
    pathText: formatAreaPath(path.map((a) => a.name)),
    point: { lng: Number(row.lng), lat: Number(row.lat) },
    matched,
    kind,
  };
}

async function gazetteerMatches(q: Queryable, cityId: string, text: string) {
  const rows = await areasNamedBy(q, cityId, placeNameKeys(text));
  const areas = rows.map((r) => ({ id: r.id, level: r.level, name: r.name, parentId: r.parent_id }));
  const ranked = matchPlaceNames(text, areas);
  return { rows, areas, ranked };
}

/**
 * Which of the city's areas a free text names (an address such as
 * `郑州市二七区淮河路街道康丰社区12号`, or just `康丰社区`): the best match with its path
 * and a point inside it; several when the text cannot tell them apart (e.g. two 康丰社区
 * and no parent named); none when it names no area. The rules are the domain's
 * (`matchPlaceNames`, `bestPlaceMatches`); this fetches the candidates by index.
 */
export async function locateByName(q: Queryable, cityId: string, text: string): Promise<LocatedPlace[]> {
  const { rows, areas, ranked } = await gazetteerMatches(q, cityId, text);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return bestPlaceMatches(ranked, areas).map((m) => placeOf(byId.get(m.areaId)!, rows, m.matched, m.kind));
}

/** At most this many answers to one search (the picker's list). */
export const placeSearchLimit = 10;

/**
 * The /report picker's search (public): areas named in the text, best first, then areas
 * whose name contains what was typed (`康丰` → 康丰社区). Grid cells only by their full name.
 */
export async function searchPlaces(db: Db, cityId: string, text: string, limit = placeSearchLimit): Promise<LocatedPlace[]> {
  const t = normalisePlaceText(text);
  if (!t) return [];
  const { rows, ranked } = await gazetteerMatches(db, cityId, t);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = ranked.slice(0, limit).map((m) => placeOf(byId.get(m.areaId)!, rows, m.matched, m.kind));
  if (out.length < limit && [...t].length <= 50) {
    const seen = new Set(out.map((p) => p.id));
    const more = await areasNameContains(db, cityId, t, limit);
    const hits = more
      .filter((r) => !seen.has(r.id) && r.name.includes(t) && r.level !== 'grid')
      .sort((a, b) => a.name.length - b.name.length || levelRank(a.level) - levelRank(b.level) || a.code.localeCompare(b.code));
    for (const r of hits.slice(0, limit - out.length)) out.push(placeOf(r, more, t, 'contains'));
  }
  return out;
}

/** The ids of the areas containing a point, by level (片区 … 单元网格); no `district` = outside the city. */
export async function areaIdsAt(q: Queryable, cityId: string, lng: number, lat: number): Promise<Partial<Record<AreaLevel, string>>> {
  const areas: Partial<Record<AreaLevel, string>> = {};
  for (const a of await areasContaining(q, cityId, lng, lat)) areas[a.level] ??= a.id;
  return areas;
}
