/**
 * Open311 GeoReport v2 use cases. Services are the taxonomy's subcategories;
 * service requests are reports (DESIGN.md "Reports and problems are two
 * things"): a request keeps its own `service_request_id` and follows the status
 * of the problem it belongs to.
 */
import crypto from 'node:crypto';
import { isAllowed, type Subcategory } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { sha256 } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { currentTaxonomy } from '../taxonomy/service.ts';
import { storeUpload } from '../../files/service.ts';
import { submitReport } from '../reports/service.ts';
import { cityById, cityByCode, insertToken, listRequests, requestById, tokenRow, useApiKey } from './queries.ts';
import { deadlineText, serviceDefinition, severityValues, statusesOf, toService, toServiceRequest, type Service, type ServiceRequest } from './mapping.ts';

/** Sources whose reports are public through Open311; audit findings and field inspections (暗访) are not. */
export const publicSources = ['citizen', 'hotline', 'open311', 'sensor', 'detection'] as const;
const allSources = [...publicSources, 'audit', 'inspection'] as const;

/** GeoReport v2 defaults for GET requests: the last 90 days, at most 1000 requests. */
export const requestQueryLimits = { days: 90, max: 1000 };

export interface Jurisdiction {
  id: string;
  code: string;
  requireKey: boolean;
  async: boolean;
}

/**
 * The city a request is about: its `jurisdiction_id` (the city code) when given,
 * else the caller's city (the `x-city` header, the signed-in user's or key's
 * city, or the deployment's default).
 */
export async function jurisdiction(db: Db, actor: Actor, jurisdictionId: string | undefined): Promise<Jurisdiction> {
  const row = jurisdictionId !== undefined ? await cityByCode(db, jurisdictionId) : await cityById(db, actor.cityId);
  if (!row) throw new AppError('georeport.unknown_jurisdiction', undefined, `jurisdiction_id ${JSON.stringify(jurisdictionId)} is not served here`);
  return { id: row.id, code: row.code, requireKey: row.require_key, async: row.async };
}

async function taxonomyOf(db: Db, cityId: string) {
  const t = await currentTaxonomy(db, cityId);
  const categories = new Map(t.categories.map((c) => [c.code, c.name]));
  return { t, categories, byCode: new Map(t.subcategories.map((s) => [s.code, s])) };
}

export async function listServices(db: Db, cityId: string): Promise<Service[]> {
  const { t, categories } = await taxonomyOf(db, cityId);
  return t.subcategories.map((s) => toService(s, categories.get(s.categoryCode)));
}

export async function getServiceDefinition(db: Db, cityId: string, code: string) {
  const { byCode } = await taxonomyOf(db, cityId);
  const s = byCode.get(code);
  if (!s) throw new AppError('georeport.unknown_service', undefined, `service_code ${JSON.stringify(code)} does not exist`);
  return serviceDefinition(s);
}

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function parseDate(name: string, v: string | undefined): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) {
    throw new AppError('georeport.invalid_field', undefined, `${name} must be a W3C (ISO 8601) datetime`);
  }
  return d;
}

/** May this caller see reports that are not public (audit findings, inspections)? */
const seesPrivate = (actor: Actor) => isAllowed('problem.read', actor.roles);

export interface RequestsQuery {
  service_request_id?: string | undefined;
  service_code?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  status?: string | undefined;
}

export async function listServiceRequests(db: Db, actor: Actor, cityId: string, query: RequestsQuery, mediaUrl: (id: string) => string): Promise<ServiceRequest[]> {
  const { byCode } = await taxonomyOf(db, cityId);
  const sources = seesPrivate(actor) ? allSources : publicSources;
  const ids = list(query.service_request_id);
  let rows;
  if (ids && ids.length > 0) {
    // The spec: service_request_id overrides every other argument.
    rows = await listRequests(db, cityId, { ids: ids.slice(0, requestQueryLimits.max), sources, limit: requestQueryLimits.max });
  } else {
    let start = parseDate('start_date', query.start_date);
    let end = parseDate('end_date', query.end_date);
    const span = requestQueryLimits.days * 86_400_000;
    if (start && end && start > end) throw new AppError('georeport.invalid_field', undefined, 'start_date is after end_date');
    if (start && end && end.getTime() - start.getTime() > span) {
      throw new AppError('georeport.invalid_field', undefined, `start_date to end_date may not span more than ${requestQueryLimits.days} days`);
    }
    if (!start && !end) start = new Date(Date.now() - span);
    else if (start && !end) end = new Date(start.getTime() + span);
    else if (!start && end) start = new Date(end.getTime() - span);
    const statusWords = list(query.status);
    let statuses: string[] | undefined;
    if (statusWords) {
      const bad = statusWords.filter((s) => s !== 'open' && s !== 'closed');
      if (bad.length) throw new AppError('georeport.invalid_field', undefined, `status must be open or closed, got ${bad.join(',')}`);
      statuses = [...new Set(statusWords)].flatMap((s) => statusesOf(s as 'open' | 'closed'));
    }
    const codes = list(query.service_code);
    rows = await listRequests(db, cityId, {
      ...(codes ? { serviceCodes: codes } : {}),
      ...(statuses ? { statuses } : {}),
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      sources,
      limit: requestQueryLimits.max,
    });
  }
  return rows.map((r) => toServiceRequest(r, byCode, mediaUrl));
}

/**
 * The visibility ladder (STYLE.md pattern 4) for one request: unknown → 404,
 * not public (audit finding, inspection) → 403 unless the caller may see it.
 */
export async function getServiceRequest(db: Db, actor: Actor, cityId: string, id: string, mediaUrl: (id: string) => string): Promise<ServiceRequest> {
  const row = await requestById(db, cityId, id);
  if (!row) throw new AppError('georeport.unknown_request', undefined, `service_request_id ${JSON.stringify(id)} does not exist`);
  if (!(publicSources as readonly string[]).includes(row.source) && !seesPrivate(actor)) throw new AppError('georeport.private_request');
  const { byCode } = await taxonomyOf(db, cityId);
  return toServiceRequest(row, byCode, mediaUrl);
}

export async function getToken(db: Db, cityId: string, token: string): Promise<{ service_request_id: string; token: string }> {
  const row = await tokenRow(db, cityId, token);
  if (!row) throw new AppError('georeport.unknown_token', undefined, `token ${JSON.stringify(token)} does not exist`);
  return { service_request_id: row.service_request_id, token: row.token };
}

// ---------------------------------------------------------------- POST requests

/** The POST arguments, flattened to strings: form fields, JSON or multipart alike. */
export type PostFields = Record<string, string>;

export interface PostedMedia {
  data: Buffer;
  filename: string;
}

/** Flattens a parsed body: `attribute[severity]=high` and JSON `{"attribute":{"severity":"high"}}` both become `attribute[severity]`. */
export function flattenFields(body: unknown): PostFields {
  const out: PostFields = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (k === 'attribute' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [ak, av] of Object.entries(v as Record<string, unknown>)) {
        if (av !== null && av !== undefined) out[`attribute[${ak}]`] = Array.isArray(av) ? av.map(String).join(',') : String(av);
      }
    } else if (Array.isArray(v)) out[k] = v.map(String).join(',');
    else if (typeof v === 'object') continue;
    else out[k] = String(v);
  }
  return out;
}

/**
 * Who is posting. The spec puts `api_key` among the POST arguments (we also take
 * the `x-api-key` header, which the auth hook has already checked). Where the city
 * requires a key (the default), a missing one is 403, as is a key without the
 * `open311.post` scope or of another city.
 */
async function poster(db: Db, actor: Actor, j: Jurisdiction, apiKey: string | undefined): Promise<Actor> {
  let who: Actor = actor;
  if (apiKey) {
    const row = await useApiKey(db, sha256(apiKey));
    if (!row) throw new AppError('georeport.invalid_api_key');
    who = { kind: 'apikey', cityId: row.city_id, keyId: row.id, name: row.name, roles: ['integration'], scopes: row.scopes };
  }
  if (who.kind === 'apikey') {
    if (!who.scopes.includes('open311.post') || who.cityId !== j.id) throw new AppError('georeport.invalid_api_key');
    return who;
  }
  if (j.requireKey) throw new AppError('georeport.api_key_required');
  return { ...who, cityId: j.id } as Actor;
}

function number(fields: PostFields, name: string, min: number, max: number): number | undefined {
  const v = fields[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new AppError('georeport.invalid_field', undefined, `${name} must be a number from ${min} to ${max}`);
  return n;
}

function reporterName(first: string | undefined, last: string | undefined): string | undefined {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return undefined;
  // Chinese names are written family name first and without a space.
  if (/[\u4e00-\u9fff]/.test(f + l)) return `${l}${f}`;
  return [f, l].filter(Boolean).join(' ');
}

const knownAttributes = new Set(['severity', 'first_noticed']);

/** The spec: either the id or (for an asynchronous jurisdiction) a token, never both. */
export type PostResult = ({ service_request_id: string } | { token: string }) & { service_notice: string; account_id: string | null };

export async function postServiceRequest(
  db: Db,
  actor: Actor,
  j: Jurisdiction,
  fields: PostFields,
  media: PostedMedia | null,
  ip: string,
): Promise<PostResult> {
  const who = await poster(db, actor, j, fields.api_key);
  const code = fields.service_code?.trim();
  if (!code) throw new AppError('georeport.missing_field', undefined, 'service_code is required');
  const { byCode } = await taxonomyOf(db, j.id);
  const service: Subcategory | undefined = byCode.get(code);
  if (!service) throw new AppError('georeport.unknown_service', undefined, `service_code ${JSON.stringify(code)} does not exist`);

  const lat = number(fields, 'lat', -90, 90);
  const lng = number(fields, 'long', -180, 180);
  const address = fields.address_string?.trim() || undefined;
  if ((lat === undefined) !== (lng === undefined)) throw new AppError('georeport.missing_field', undefined, 'lat and long must be sent together');
  if (lat === undefined || lng === undefined) {
    if (address || fields.address_id) throw new AppError('georeport.no_geocoder', undefined, 'address_string/address_id given without lat and long: this jurisdiction has no geocoder, send lat and long');
    throw new AppError('georeport.missing_field', undefined, 'a location is required: lat and long (or address_string)');
  }

  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    // attribute[code]=v, or attribute[code][]=v repeated for a multivaluelist
    const m = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(k);
    if (!m) continue;
    if (!knownAttributes.has(m[1]!)) throw new AppError('georeport.invalid_field', undefined, `attribute[${m[1]}] is not an attribute of service ${code}`);
    attributes[m[1]!] = v;
  }
  if (attributes.severity !== undefined && !severityValues.some((s) => s.key === attributes.severity)) {
    throw new AppError('georeport.invalid_field', undefined, `attribute[severity] must be one of ${severityValues.map((s) => s.key).join(', ')}`);
  }
  const firstNoticed = attributes.first_noticed !== undefined ? parseDate('attribute[first_noticed]', attributes.first_noticed) : undefined;
  if (firstNoticed && firstNoticed.getTime() > Date.now() + 5 * 60_000) throw new AppError('georeport.invalid_field', undefined, 'attribute[first_noticed] is in the future');

  const mediaUrl = fields.media_url?.trim() || undefined;
  if (mediaUrl && !/^https?:\/\/[^\s]+$/i.test(mediaUrl)) throw new AppError('georeport.invalid_field', undefined, 'media_url must be an http(s) URL');
  const email = fields.email?.trim() || undefined;
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new AppError('georeport.invalid_field', undefined, 'email is not an e-mail address');
  const description = fields.description?.trim() || service.name;
  if (description.length > 4000) throw new AppError('georeport.invalid_field', undefined, 'description may be at most 4000 characters');

  const mediaIds: string[] = [];
  if (media) mediaIds.push((await storeUpload(db, who, media.data, media.filename)).id);

  const token = crypto.randomBytes(12).toString('base64url');
  const name = reporterName(fields.first_name, fields.last_name);
  const reporter = {
    ...(name ? { name } : {}),
    ...(fields.phone?.trim() ? { phone: fields.phone.trim() } : {}),
    ...(email ? { email } : {}),
    ...(fields.device_id?.trim() ? { deviceId: fields.device_id.trim() } : {}),
  };
  const receipt = await submitReport(db, who, {
    source: 'open311',
    text: description,
    lng,
    lat,
    ...(address ? { address } : {}),
    subcategoryCode: service.code,
    ...(Object.keys(reporter).length ? { reporter } : {}),
    ...(mediaIds.length ? { mediaIds } : {}),
    externalId: token,
    ...(firstNoticed ? { occurredAt: firstNoticed } : {}),
    extra: {
      ...(mediaUrl ? { media_url: mediaUrl } : {}),
      open311: {
        attributes,
        ...(fields.account_id ? { account_id: fields.account_id } : {}),
        ...(fields.address_id ? { address_id: fields.address_id } : {}),
        jurisdiction_id: j.code,
      },
    },
  }, { ip });
  await insertToken(db, j.id, token, receipt.serviceRequestId);
  const notice = `已受理，受理编号 ${receipt.ticket}${receipt.merged ? '；同一地点已有相同问题在处理，您的反映已合并' : ''}。按标准应在${deadlineText(service)}内处置。`;
  const account = { service_notice: notice, account_id: fields.account_id ?? null };
  return j.async ? { token, ...account } : { service_request_id: receipt.serviceRequestId, ...account };
}
