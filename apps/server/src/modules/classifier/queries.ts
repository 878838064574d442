import type { Queryable } from '../../db/index.ts';
import type { ClassifierModel, CrossValidation } from '@cityloop/domain';

export interface ModelSummaryRow {
  id: string;
  name: string;
  labels: string[];
  examples: number;
  cross_validation: CrossValidation | null;
  trained_at: Date;
}

const summaryCols = `id, name, labels, examples, cross_validation, trained_at`;

export async function insertModel(
  q: Queryable,
  cityId: string,
  m: { name: string; labels: string[]; examples: number; crossValidation: CrossValidation | null; model: ClassifierModel; createdBy: string | null },
): Promise<ModelSummaryRow> {
  const rows = await q.query<ModelSummaryRow>(
    `INSERT INTO classifier_models (city_id, name, labels, examples, cross_validation, model, created_by)
     VALUES ($1, $2, $3::text[], $4, $5::jsonb, $6::jsonb, $7)
     RETURNING ${summaryCols}`,
    [cityId, m.name, m.labels, m.examples, m.crossValidation ? JSON.stringify(m.crossValidation) : null, JSON.stringify(m.model), m.createdBy],
  );
  return rows[0]!;
}

export async function listModels(q: Queryable, cityId: string): Promise<ModelSummaryRow[]> {
  return q.query<ModelSummaryRow>(`SELECT ${summaryCols} FROM classifier_models WHERE city_id = $1 ORDER BY trained_at DESC, id`, [cityId]);
}

export async function modelTrainedAt(q: Queryable, cityId: string, id: string): Promise<Date | undefined> {
  const rows = await q.query<{ trained_at: Date }>(`SELECT trained_at FROM classifier_models WHERE city_id = $1 AND id = $2`, [cityId, id]);
  return rows[0]?.trained_at;
}

export async function modelById(q: Queryable, cityId: string, id: string): Promise<ClassifierModel | undefined> {
  const rows = await q.query<{ model: ClassifierModel }>(`SELECT model FROM classifier_models WHERE city_id = $1 AND id = $2`, [cityId, id]);
  return rows[0]?.model;
}
