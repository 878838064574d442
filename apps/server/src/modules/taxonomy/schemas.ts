import { Type, type Static } from 'typebox';
import { deadlineUnits, riskFactors, riskLevels, unitDuties } from '@cityloop/domain';
import { CrossValidation } from '../classifier/schemas.ts';

export const Category = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 8 }),
  name: Type.String({ minLength: 1, maxLength: 50 }),
  nameEn: Type.String({ maxLength: 100 }),
});

export const Subcategory = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 12, description: 'e.g. JS-03' }),
    categoryCode: Type.String({ minLength: 1, maxLength: 8 }),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    nameEn: Type.String({ maxLength: 100 }),
    norm: Type.String({ maxLength: 500, description: '技术规范' }),
    standard: Type.String({ maxLength: 1000, description: '整改标准' }),
    // Checked by the domain's taxonomyProblems, so a wrong value is named in a taxonomy.invalid problem.
    deadline: Type.Object({ amount: Type.Integer(), unit: Type.String({ description: deadlineUnits.join(' | ') }) }),
    defaultDuty: Type.String({ description: `one of ${unitDuties.join(', ')}` }),
    highFrequency: Type.Boolean(),
    keywords: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 200 }),
  },
  { $id: 'Subcategory' },
);
export type SubcategoryT = Static<typeof Subcategory>;

export const Taxonomy = Type.Object({
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  note: Type.String(),
  categories: Type.Array(Category),
  subcategories: Type.Array(Subcategory),
});
export type TaxonomyT = Static<typeof Taxonomy>;

export const TaxonomyEdit = Type.Object(
  {
    categories: Type.Array(Category, { maxItems: 50 }),
    subcategories: Type.Array(Subcategory, { maxItems: 500 }),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'why it changed' })),
  },
  { additionalProperties: false },
);
export type TaxonomyEditT = Static<typeof TaxonomyEdit>;

export const VersionSummary = Type.Object({
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  note: Type.String(),
  categories: Type.Integer(),
  subcategories: Type.Integer(),
});

export const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

const score = Type.Number({ minimum: 1, maximum: 5 });
export const RiskThresholds = Type.Object(
  {
    weights: Type.Object({ socialImpact: Type.Number({ minimum: 0 }), technicalDifficulty: Type.Number({ minimum: 0 }), fundingPressure: Type.Number({ minimum: 0 }) }),
    yellow: score,
    red: score,
    redOverride: Type.Object({ socialImpact: Type.Optional(score), technicalDifficulty: Type.Optional(score), fundingPressure: Type.Optional(score) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type RiskThresholdsT = Static<typeof RiskThresholds>;

const factorScore = Type.Integer({ minimum: 1, maximum: 5 });
export const RiskScores = Type.Object({ socialImpact: factorScore, technicalDifficulty: factorScore, fundingPressure: factorScore }, { additionalProperties: false });
export const RiskAssessment = Type.Object({
  level: Type.Enum([...riskLevels]),
  score: Type.Number(),
  overriddenBy: Type.Union([Type.Enum([...riskFactors]), Type.Null()]),
});

export const TrainingSetBody = Type.Object(
  {
    examples: Type.Array(Type.Object({ text: Type.String({ maxLength: 5000 }), subcategoryCode: Type.String({ maxLength: 50 }) })),
  },
  { additionalProperties: false },
);
export type TrainingSetBodyT = Static<typeof TrainingSetBody>;

export const TrainingSetResult = Type.Object({
  added: Type.Integer(),
  /** labelled history of the city now, all uploads and confirmations */
  total: Type.Integer(),
  taxonomyVersion: Type.Integer(),
  /** stratified k-fold over the history, the taxonomy keywords always in training; null under 10 examples */
  crossValidation: Type.Union([CrossValidation, Type.Null()]),
});
export type TrainingSetResultT = Static<typeof TrainingSetResult>;

export const ClassifierStatus = Type.Object({
  trained: Type.Boolean(),
  taxonomyVersion: Type.Union([Type.Integer(), Type.Null()]),
  trainedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  examples: Type.Integer(),
  confirmations: Type.Integer(),
  /** confirmations recorded since the model was trained */
  pending: Type.Integer(),
});

export const SuggestBody = Type.Object({ text: Type.String({ maxLength: 5000 }) }, { additionalProperties: false });
export const Suggestion = Type.Object({
  suggestion: Type.Union([
    Type.Object({ code: Type.String(), name: Type.String(), categoryCode: Type.String(), confidence: Type.Number(), version: Type.Integer() }),
    Type.Null(),
  ]),
});
