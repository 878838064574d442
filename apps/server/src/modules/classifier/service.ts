import {
  crossValidate,
  loadModel,
  predict,
  train,
  type ClassifierModel,
  type CrossValidation,
  type LabelledTokens,
  type LoadedModel,
  type Prediction,
} from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { actorId } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { insertModel, listModels, modelById, type ModelSummaryRow } from './queries.ts';
import type { ModelSummaryT, PredictionsT, TrainBodyT } from './schemas.ts';
import { tokenize } from './tokenize.ts';

export { tokenize } from './tokenize.ts';

export const limits = {
  /** examples per training request: training time grows with them, and so does the stored model */
  examples: 10000,
  /** texts per prediction request */
  texts: 1000,
  /** cross-validation is reported from this many examples on (fewer make it meaningless) */
  crossValidationFrom: 20,
  folds: 5,
  /** cross-validation trains k models: on a larger set it runs on a stratified sample of this size */
  crossValidationMax: 2000,
};

export interface TextExample {
  text: string;
  label: string;
}

/**
 * Checks a labelled set and segments it. Every refusal is a catalogue code, with the
 * indexes of the offending examples, so a caller can fix its file.
 */
export function tokenizeExamples(examples: readonly TextExample[]): LabelledTokens[] {
  if (examples.length === 0) throw new AppError('classifier.no_examples');
  if (examples.length > limits.examples) throw new AppError('classifier.too_many_examples', { limit: limits.examples, got: examples.length });
  const tokenized = examples.map((e) => ({ tokens: tokenize(e.text), label: e.label.trim() }));
  const empty = tokenized.flatMap((e, i) => (e.tokens.length === 0 || !e.label ? [i] : []));
  if (empty.length) {
    throw new AppError('classifier.empty_text', { indexes: empty.slice(0, 100) }, `${empty.length} example(s) have no words to learn from (empty, or only punctuation and filler)`);
  }
  if (new Set(tokenized.map((e) => e.label)).size < 2) throw new AppError('classifier.one_label');
  return tokenized;
}

/** Trains on segmented examples and, when there are enough, cross-validates with the same settings. */
export function fit(
  examples: readonly LabelledTokens[],
  opts: { background?: readonly LabelledTokens[]; seed?: number } = {},
): { model: ClassifierModel; crossValidation: CrossValidation | null } {
  const background = opts.background ?? [];
  const model = train([...background, ...examples]);
  const crossValidation =
    examples.length >= limits.crossValidationFrom ? crossValidate(examples, limits.folds, { seed: opts.seed ?? 1, background, maxExamples: limits.crossValidationMax }) : null;
  return { model, crossValidation };
}

function summary(r: ModelSummaryRow): ModelSummaryT {
  return {
    id: r.id,
    name: r.name,
    labels: r.labels,
    trainedAt: new Date(r.trained_at).toISOString(),
    examples: r.examples,
    ...(r.cross_validation ? { crossValidation: r.cross_validation } : {}),
  };
}

/** POST /classifier/models: trains (in the request: the caller asked for exactly this) and stores. */
export async function trainModel(db: Db, actor: Actor, body: TrainBodyT, ip: string): Promise<ModelSummaryT> {
  const examples = tokenizeExamples(body.examples);
  const { model, crossValidation } = fit(examples);
  return db.tx(async (q) => {
    const row = await insertModel(q, actor.cityId, {
      name: body.name.trim(),
      labels: model.labels,
      examples: examples.length,
      crossValidation,
      model,
      createdBy: actor.kind === 'user' ? actorId(actor) : null,
    });
    await recordAudit(q, actor, {
      action: 'classifier.train',
      targetType: 'classifier_model',
      targetId: row.id,
      details: { name: row.name, labels: row.labels, examples: row.examples, accuracy: crossValidation?.accuracy ?? null },
      ip,
    });
    return summary(row);
  });
}

export async function models(db: Db, cityId: string): Promise<ModelSummaryT[]> {
  return (await listModels(db, cityId)).map(summary);
}

// Trained models never change, so a loaded one can be kept; a few are enough.
const cache = new Map<string, LoadedModel>();
const cacheSize = 16;

async function loaded(db: Db, cityId: string, id: string): Promise<LoadedModel> {
  const key = `${cityId}/${id}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const model = await modelById(db, cityId, id);
  if (!model) throw new AppError('resource.not_found');
  const m = loadModel(model);
  cache.set(key, m);
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  return m;
}

/** Predicts every text, answering in input order. */
export async function predictTexts(db: Db, cityId: string, id: string, texts: readonly string[]): Promise<PredictionsT> {
  if (texts.length > limits.texts) throw new AppError('classifier.too_many_texts', { limit: limits.texts, got: texts.length });
  const empty = texts.flatMap((t, i) => (t.trim() ? [] : [i]));
  if (empty.length) throw new AppError('classifier.empty_text', { indexes: empty.slice(0, 100) }, `${empty.length} text(s) are empty`);
  const m = await loaded(db, cityId, id);
  return { predictions: texts.map((t) => rounded(predict(m, tokenize(t)))) };
}

function rounded(p: Prediction): { label: string; confidence: number } {
  return { label: p.label, confidence: Math.round(p.confidence * 10000) / 10000 };
}
