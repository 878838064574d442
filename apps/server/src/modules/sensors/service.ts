/**
 * IoT sensor readings and image-analysis detections (SPEC.md M3, seed §5.1,
 * §4.2). Every reading and detection is kept; those over the threshold (or at
 * or above the confidence floor) also become clues through the intake, with
 * the source's own key as `externalId`, so a gateway that resends adds nothing.
 */
import type { Db } from '../../db/index.ts';
import { actorId, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { storeUpload } from '../../files/service.ts';
import { submitReport, type ReportReceipt } from '../reports/service.ts';
import { currentTaxonomy } from '../taxonomy/service.ts';
import { detectionByKey, insertDetection, insertReading, readingExists, thresholdRows, upsertThreshold } from './queries.ts';
import type { DetectionBodyT, DetectionResultT, SensorReadingsBodyT, SensorReadingsResultT, ThresholdsPutBodyT, ThresholdT } from './schemas.ts';
import {
  acceptedUnits,
  detectionIsClue,
  detectionTypes,
  overThreshold,
  thresholdDefaults,
  thresholdKinds,
  toCanonical,
  type SensorType,
} from './thresholds.ts';

/** The route lets API keys in; the key must also carry the scope of the same name. */
export function requireScope(actor: Actor, scope: 'sensor.post' | 'detection.post'): Extract<Actor, { kind: 'apikey' }> {
  if (actor.kind !== 'apikey' || !actor.scopes.includes(scope)) throw new AppError('apikey.missing_scope', { scope }, `The API key needs the scope ${scope}`);
  return actor;
}

export async function thresholdsOf(db: Db, cityId: string): Promise<ThresholdT[]> {
  const rows = new Map((await thresholdRows(db, cityId)).map((r) => [r.kind, r]));
  return thresholdKinds.map((kind) => {
    const d = thresholdDefaults[kind];
    const row = rows.get(kind);
    return {
      kind,
      label: { zh: d.zh, en: d.en },
      limit: row ? Number(row.limit_value) : d.limit,
      unit: d.unit,
      acceptedUnits: kind === 'detection' ? [] : acceptedUnits(kind),
      configured: !!row,
      default: d.limit,
      basis: d.basis,
    };
  });
}

export async function setThresholds(db: Db, actor: Actor, body: ThresholdsPutBodyT, ip: string): Promise<ThresholdT[]> {
  const seen = new Set<string>();
  for (const t of body) {
    if (seen.has(t.kind)) throw new AppError('threshold.invalid', { kind: t.kind }, `${t.kind} is given twice`);
    seen.add(t.kind);
    if (!Number.isFinite(t.limit) || t.limit < 0) throw new AppError('threshold.invalid', { kind: t.kind }, `${t.kind}: the limit must be a number ≥ 0`);
    if (t.kind === 'detection' && t.limit > 1) throw new AppError('threshold.invalid', { kind: t.kind }, 'the detection confidence floor is between 0 and 1');
  }
  const before = await thresholdsOf(db, actor.cityId);
  await db.tx(async (q) => {
    for (const t of body) await upsertThreshold(q, actor.cityId, { kind: t.kind, limit: t.limit, unit: thresholdDefaults[t.kind].unit, by: actorId(actor) });
    await recordAudit(q, actor, {
      action: 'threshold.manage',
      targetType: 'city',
      targetId: actor.cityId,
      details: { changes: body.map((t) => ({ kind: t.kind, from: before.find((b) => b.kind === t.kind)!.limit, to: t.limit })) },
      ip,
    });
  });
  return thresholdsOf(db, actor.cityId);
}

/** A subcategory for the clue when the city's taxonomy has it; else the classifier decides. */
async function knownCode(db: Db, cityId: string, code: string | null | undefined): Promise<string | undefined> {
  if (!code) return undefined;
  const t = await currentTaxonomy(db, cityId);
  return t.subcategories.some((s) => s.code === code) ? code : undefined;
}

function receiptFields(r: ReportReceipt) {
  return { ticket: r.ticket, serviceRequestId: r.serviceRequestId, problemId: r.problemId, merged: r.merged };
}

function errorOf(err: unknown): { code: string; detail: string } | null {
  return err instanceof AppError ? { code: err.code, detail: err.message } : null;
}

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

export async function postSensorReadings(db: Db, actor: Actor, body: SensorReadingsBodyT, ip: string): Promise<SensorReadingsResultT> {
  const key = requireScope(actor, 'sensor.post');
  const limits = new Map((await thresholdsOf(db, key.cityId)).map((t) => [t.kind, t.limit]));
  // Judge the whole batch before writing any of it: a unit we cannot convert refuses the batch.
  const judged = body.map((r, index) => {
    const type = r.type as SensorType;
    const canonical = toCanonical(type, r.value, r.unit);
    if (canonical === null) {
      throw new AppError('sensor.unit_mismatch', { index, type, unit: r.unit, accepted: acceptedUnits(type) }, `reading ${index}: ${type} in "${r.unit}" cannot be converted to ${thresholdDefaults[type].unit}; send one of ${acceptedUnits(type).join(', ')}`);
    }
    const at = new Date(r.at);
    if (Number.isNaN(at.getTime())) throw new AppError('request.invalid', { index }, `reading ${index}: at is not a date-time`);
    const limit = limits.get(type)!;
    return { r, index, type, at, canonical, limit, over: overThreshold(canonical, limit) };
  });

  const result: SensorReadingsResultT = { received: body.length, clues: 0, readings: 0, duplicates: 0, rejected: 0, results: [] };
  for (const j of judged) {
    const base = { index: j.index, sensorId: j.r.sensorId, value: j.canonical, threshold: j.limit, unit: thresholdDefaults[j.type].unit };
    if (await readingExists(db, key.cityId, j.r.sensorId, j.type, j.at)) {
      result.duplicates += 1;
      result.results.push({ ...base, status: 'duplicate' });
      continue;
    }
    let receipt: ReportReceipt | null = null;
    if (j.over) {
      const d = thresholdDefaults[j.type];
      const code = await knownCode(db, key.cityId, d.subcategoryCode);
      try {
        receipt = await submitReport(
          db,
          key,
          {
            source: 'sensor',
            text: `物联感知预警：${d.zh}监测点 ${j.r.sensorId} 读数 ${fmt(j.r.value)} ${j.r.unit}（折合 ${fmt(j.canonical)} ${d.unit}），超过阈值 ${fmt(j.limit)} ${d.unit}。`,
            lng: j.r.lng,
            lat: j.r.lat,
            ...(code ? { subcategoryCode: code } : {}),
            externalId: `${j.r.sensorId}@${j.at.toISOString()}#${j.type}`,
            occurredAt: j.at,
            extra: { sensor: { sensorId: j.r.sensorId, type: j.type, value: j.r.value, unit: j.r.unit, normalised: j.canonical, threshold: j.limit } },
          },
          { ip },
        );
      } catch (err) {
        const e = errorOf(err);
        if (!e) throw err;
        result.rejected += 1;
        result.results.push({ ...base, status: 'rejected', error: e });
        continue;
      }
    }
    const id = await insertReading(db, key.cityId, {
      sensorId: j.r.sensorId,
      type: j.type,
      value: j.r.value,
      unit: j.r.unit,
      normalised: j.canonical,
      threshold: j.limit,
      over: j.over,
      lng: j.r.lng,
      lat: j.r.lat,
      at: j.at,
      reportId: receipt?.reportId ?? null,
      apiKeyId: key.keyId,
    });
    if (id === null || receipt?.duplicate) {
      result.duplicates += 1;
      result.results.push({ ...base, status: 'duplicate', ...(receipt ? receiptFields(receipt) : {}) });
    } else if (receipt) {
      result.clues += 1;
      result.results.push({ ...base, status: 'clue', ...receiptFields(receipt) });
    } else {
      result.readings += 1;
      result.results.push({ ...base, status: 'reading' });
    }
  }
  return result;
}

export interface DetectionImage {
  data: Buffer;
  filename: string;
}

export async function postDetection(db: Db, actor: Actor, body: DetectionBodyT, image: DetectionImage | null, ip: string): Promise<DetectionResultT> {
  const key = requireScope(actor, 'detection.post');
  const at = new Date(body.at);
  if (Number.isNaN(at.getTime())) throw new AppError('request.invalid', undefined, 'at is not a date-time');
  const floor = (await thresholdsOf(db, key.cityId)).find((t) => t.kind === 'detection')!.limit;
  const externalKey = `${body.detectorId}@${at.toISOString()}#${body.type}@${body.lng.toFixed(6)},${body.lat.toFixed(6)}`;
  const existing = await detectionByKey(db, key.cityId, externalKey);
  if (existing) return { id: existing.id, status: 'duplicate', confidence: body.confidence, floor };

  const fileId = image ? (await storeUpload(db, key, image.data, image.filename, { ip })).id : null;
  let receipt: ReportReceipt | null = null;
  if (detectionIsClue(body.confidence, floor)) {
    const known = detectionTypes[body.type];
    const code = await knownCode(db, key.cityId, known?.subcategoryCode);
    receipt = await submitReport(
      db,
      key,
      {
        source: 'detection',
        text: `智能识别：${known?.zh ?? body.type}（${body.type}），置信度 ${body.confidence.toFixed(2)}，识别设备 ${body.detectorId}。${body.description ?? ''}`.trim(),
        lng: body.lng,
        lat: body.lat,
        ...(code ? { subcategoryCode: code } : {}),
        ...(fileId ? { mediaIds: [fileId] } : {}),
        externalId: externalKey,
        occurredAt: at,
        extra: { detection: { detectorId: body.detectorId, type: body.type, confidence: body.confidence, floor }, ...(body.imageUrl ? { media_url: body.imageUrl } : {}) },
      },
      { ip },
    );
  }
  const id = await insertDetection(db, key.cityId, {
    detectorId: body.detectorId,
    type: body.type,
    confidence: body.confidence,
    floor,
    lng: body.lng,
    lat: body.lat,
    at,
    imageUrl: body.imageUrl ?? null,
    fileId,
    externalKey,
    reportId: receipt?.reportId ?? null,
    apiKeyId: key.keyId,
  });
  if (id === null) return { id: (await detectionByKey(db, key.cityId, externalKey))?.id ?? null, status: 'duplicate', confidence: body.confidence, floor };
  return { id, status: receipt ? 'clue' : 'stored', confidence: body.confidence, floor, ...(receipt ? receiptFields(receipt) : {}) };
}

