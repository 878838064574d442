import type { Queryable } from '../../db/index.ts';

export async function thresholdRows(q: Queryable, cityId: string): Promise<{ kind: string; limit_value: number; unit: string; updated_at: Date }[]> {
  return q.query(`SELECT kind, limit_value, unit, updated_at FROM feed_thresholds WHERE city_id = $1`, [cityId]);
}

export async function upsertThreshold(q: Queryable, cityId: string, t: { kind: string; limit: number; unit: string; by: string | null }): Promise<void> {
  await q.query(
    `INSERT INTO feed_thresholds (city_id, kind, limit_value, unit, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (city_id, kind) DO UPDATE SET limit_value = EXCLUDED.limit_value, unit = EXCLUDED.unit,
       updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [cityId, t.kind, t.limit, t.unit, t.by],
  );
}

export interface ReadingInsert {
  sensorId: string;
  type: string;
  value: number;
  unit: string;
  normalised: number;
  threshold: number;
  over: boolean;
  lng: number;
  lat: number;
  at: Date;
  reportId: string | null;
  apiKeyId: string | null;
}

/** Stores a reading once; a resent one (same sensor, type, time) is not stored again and answers null. */
export async function insertReading(q: Queryable, cityId: string, r: ReadingInsert): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO sensor_readings (city_id, sensor_id, type, value, unit, normalised_value, threshold, over_threshold, geom, at, report_id, api_key_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_SetSRID(ST_MakePoint($9, $10), 4326), $11, $12, $13)
     ON CONFLICT ON CONSTRAINT sensor_readings_once DO NOTHING
     RETURNING id`,
    [cityId, r.sensorId, r.type, r.value, r.unit, r.normalised, r.threshold, r.over, r.lng, r.lat, r.at, r.reportId, r.apiKeyId],
  );
  return rows[0]?.id ?? null;
}

export async function readingExists(q: Queryable, cityId: string, sensorId: string, type: string, at: Date): Promise<boolean> {
  return (await q.query(`SELECT 1 FROM sensor_readings WHERE city_id = $1 AND sensor_id = $2 AND type = $3 AND at = $4`, [cityId, sensorId, type, at])).length > 0;
}

export interface DetectionInsert {
  detectorId: string;
  type: string;
  confidence: number;
  floor: number;
  lng: number;
  lat: number;
  at: Date;
  imageUrl: string | null;
  fileId: string | null;
  externalKey: string;
  reportId: string | null;
  apiKeyId: string | null;
}

export async function insertDetection(q: Queryable, cityId: string, d: DetectionInsert): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO detections (city_id, detector_id, type, confidence, floor, geom, at, image_url, file_id, external_key, report_id, api_key_id)
     VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326), $8, $9, $10, $11, $12, $13)
     ON CONFLICT ON CONSTRAINT detections_once DO NOTHING
     RETURNING id`,
    [cityId, d.detectorId, d.type, d.confidence, d.floor, d.lng, d.lat, d.at, d.imageUrl, d.fileId, d.externalKey, d.reportId, d.apiKeyId],
  );
  return rows[0]?.id ?? null;
}

export async function detectionByKey(q: Queryable, cityId: string, key: string): Promise<{ id: string; report_id: string | null } | undefined> {
  return (await q.query<{ id: string; report_id: string | null }>(`SELECT id, report_id FROM detections WHERE city_id = $1 AND external_key = $2`, [cityId, key]))[0];
}
