import type { Queryable } from '../../db/index.ts';
import type { ClassifierModel, RiskThresholds, Subcategory, TaxonomyCategory } from '@cityloop/domain';

export interface VersionRow {
  version: number;
  categories: TaxonomyCategory[];
  subcategories: Subcategory[];
  note: string;
  created_at: Date;
}

const versionCols = `version, categories, subcategories, note, created_at`;

export async function latestVersionNumber(q: Queryable, cityId: string): Promise<number | null> {
  const rows = await q.query<{ v: number | null }>(`SELECT max(version) AS v FROM taxonomy_versions WHERE city_id = $1`, [cityId]);
  return rows[0]?.v ?? null;
}

export async function versionRow(q: Queryable, cityId: string, version: number): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(`SELECT ${versionCols} FROM taxonomy_versions WHERE city_id = $1 AND version = $2`, [cityId, version]);
  return rows[0];
}

export async function listVersions(q: Queryable, cityId: string) {
  return q.query<{ version: number; note: string; created_at: Date; categories: number; subcategories: number }>(
    `SELECT version, note, created_at, jsonb_array_length(categories)::int AS categories, jsonb_array_length(subcategories)::int AS subcategories
       FROM taxonomy_versions WHERE city_id = $1 ORDER BY version`,
    [cityId],
  );
}

/** Writes a version unless it exists (lazy creation of version 1 may race with itself). */
export async function insertVersion(
  q: Queryable,
  cityId: string,
  v: { version: number; categories: TaxonomyCategory[]; subcategories: Subcategory[]; note: string; createdBy: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO taxonomy_versions (city_id, version, categories, subcategories, note, created_by)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6) ON CONFLICT (city_id, version) DO NOTHING`,
    [cityId, v.version, JSON.stringify(v.categories), JSON.stringify(v.subcategories), v.note, v.createdBy],
  );
}

/** Serialises edits of one city's taxonomy, so two admins saving at once get versions n+1 and n+2. */
export async function lockTaxonomy(q: Queryable, cityId: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('taxonomy:' || $1::text))`, [cityId]);
}

export async function thresholdsOf(q: Queryable, cityId: string): Promise<RiskThresholds | undefined> {
  const rows = await q.query<{ thresholds: RiskThresholds }>(`SELECT thresholds FROM risk_thresholds WHERE city_id = $1`, [cityId]);
  return rows[0]?.thresholds;
}

export async function saveThresholds(q: Queryable, cityId: string, t: RiskThresholds, userId: string | null): Promise<void> {
  await q.query(
    `INSERT INTO risk_thresholds (city_id, thresholds, updated_by) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (city_id) DO UPDATE SET thresholds = EXCLUDED.thresholds, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [cityId, JSON.stringify(t), userId],
  );
}

export async function insertConfirmations(
  q: Queryable,
  cityId: string,
  rows: { text: string; code: string }[],
  source: 'confirmed' | 'training_set',
  userId: string | null,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const batch = rows.slice(i, i + 2000);
    await q.query(
      `INSERT INTO category_confirmations (city_id, text, subcategory_code, source, confirmed_by)
       SELECT $1, e.doc->>'text', e.doc->>'code', $2, $3 FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(doc, n) ORDER BY e.n`,
      [cityId, source, userId, JSON.stringify(batch)],
    );
  }
}

/** The newest `limit` confirmations, oldest first. */
export async function confirmations(q: Queryable, cityId: string, limit: number): Promise<{ text: string; subcategory_code: string }[]> {
  return q.query(
    `SELECT text, subcategory_code FROM (
       SELECT text, subcategory_code, seq FROM category_confirmations WHERE city_id = $1 ORDER BY seq DESC LIMIT $2
     ) newest ORDER BY seq`,
    [cityId, limit],
  );
}

export async function confirmationCount(q: Queryable, cityId: string): Promise<number> {
  return (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM category_confirmations WHERE city_id = $1`, [cityId]))[0]!.n;
}

export interface ModelMetaRow {
  taxonomy_version: number;
  trained_at: Date;
  examples: number;
  confirmations: number;
}

export async function modelMeta(q: Queryable, cityId: string): Promise<ModelMetaRow | undefined> {
  const rows = await q.query<ModelMetaRow>(`SELECT taxonomy_version, trained_at, examples, confirmations FROM taxonomy_models WHERE city_id = $1`, [cityId]);
  return rows[0];
}

export async function modelOf(q: Queryable, cityId: string): Promise<(ModelMetaRow & { model: ClassifierModel }) | undefined> {
  const rows = await q.query<ModelMetaRow & { model: ClassifierModel }>(
    `SELECT taxonomy_version, trained_at, examples, confirmations, model FROM taxonomy_models WHERE city_id = $1`,
    [cityId],
  );
  return rows[0];
}

export async function saveModel(q: Queryable, cityId: string, m: { version: number; model: ClassifierModel; examples: number; confirmations: number }): Promise<void> {
  await q.query(
    `INSERT INTO taxonomy_models (city_id, taxonomy_version, model, examples, confirmations, trained_at)
     VALUES ($1, $2, $3::jsonb, $4, $5, clock_timestamp())
     ON CONFLICT (city_id) DO UPDATE SET taxonomy_version = EXCLUDED.taxonomy_version, model = EXCLUDED.model,
       examples = EXCLUDED.examples, confirmations = EXCLUDED.confirmations, trained_at = EXCLUDED.trained_at`,
    [cityId, m.version, JSON.stringify(m.model), m.examples, m.confirmations],
  );
}
